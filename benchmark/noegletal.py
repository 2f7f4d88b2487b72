"""The nøgletal registry: what each key figure is, its formula, unit and averaging rule.

Every nøgletal is a function of additive *components* (sums such as Σregnskab and
Σbelægning). A value per organisation keeps its components, so the weighted average of
the whole agreement is the same function applied to Σcomponents (Σ/Σ), while peer-group
and region averages are unweighted means of the organisations' values (the convention of
ECO Nøgletal and Kolada).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from benchmark.units import (
    AARSPLADSER_PR_10000,
    KR,
    KR_PR_INDBYGGER,
    PCT,
    PR_10000,
    Figure,
    development_pct,
    ratio,
)

AVERAGING_RULE = "peer-gruppe og region: uvægtet gennemsnit; hele aftalen: vægtet (Σ/Σ)"


class Retning(StrEnum):
    """Which direction is favourable when comparing organisations."""

    HOEJERE_ER_BEDRE = "højere er bedre"
    LAVERE_ER_BEDRE = "lavere er bedre"
    NEUTRAL = "neutral"


class Skala(StrEnum):
    """What values a nøgletal can take, which decides how it may be compared with an
    expected value: an index (100 × faktisk ÷ forventet) only for strictly positive ones."""

    POSITIV = "strengt positiv"
    FORTEGN = "med fortegn"
    RATE = "rate, kan være 0"


class Side(StrEnum):
    """Whose figure it is: what the organisation runs (driftsherre) or what its citizens
    use (køber)."""

    DRIFTSHERRE = "driftsherre"
    KOEBER = "køber"


SIDE_TEKST = {
    Side.DRIFTSHERRE: "Driftsherre-side: de tilbud organisationen selv driver, uanset hvem "
    "der bruger dem; ikke hvad kommunen bruger på sine egne borgere.",
    Side.KOEBER: "Køber-side: hvad kommunens borgere bruger, uanset hvem der driver tilbuddet.",
}


Components = Mapping[str, Decimal]
Combine = Callable[[Components], Decimal | None]


@dataclass(frozen=True)
class Noegletal:
    """A key figure: id, Danish name, formula text, numerator and denominator, unit,
    age band (per-inhabitant figures), averaging rule, direction, and how its value follows
    from its components. ``flag_limit_pct``: values beyond ±limit are flagged. ``skala``:
    strictly positive, signed or a rate that may be 0; ``side``: operator or buyer."""

    id: str
    navn: str
    formel: str
    taeller: str
    naevner: str
    unit: str
    retning: Retning
    components: tuple[str, ...]
    combine: Combine
    aldersgruppe: str | None = None
    per_indbygger: bool = False
    money: bool = False
    flag_limit_pct: Decimal | None = None
    gennemsnit: str = AVERAGING_RULE
    skala: Skala = Skala.POSITIV
    side: Side = Side.DRIFTSHERRE

    @property
    def side_tekst(self) -> str:
        """Danish sentence saying whether the figure is operator-side or buyer-side."""
        return SIDE_TEKST[self.side]

    def figure(self, components: Components, price_year: int) -> Figure:
        """The nøgletal's value from its components, with unit and price year."""
        value = self.combine(components)
        return Figure(value, self.unit, price_year if self.money else None)

    def flag(self, value: Decimal | None) -> str | None:
        """A Danish flag text when the value lies beyond ±``flag_limit_pct``."""
        if self.flag_limit_pct is None or value is None or abs(value) <= self.flag_limit_pct:
            return None
        return f"Uden for ±{self.flag_limit_pct} %"


def _quotient(numerator: str, denominator: str, scale: int = 1) -> Combine:
    def combine(c: Components) -> Decimal | None:
        value = ratio(c[numerator], c[denominator])
        return None if value is None else value * scale

    return combine


def _development(prefix_num: str, prefix_den: str, zero_means_closed: bool) -> Combine:
    def combine(c: Components) -> Decimal | None:
        current = ratio(c[prefix_num], c[prefix_den])
        previous = ratio(c[f"{prefix_num}_forrige"], c[f"{prefix_den}_forrige"])
        if zero_means_closed and current is None and previous is not None:
            return Decimal(-100)
        return development_pct(current, previous)

    return combine


_DEFINITIONS = (
    Noegletal(
        "gennemsnitspris_pr_plads",
        "Gennemsnitspris pr. plads",
        "Σregnskab ÷ Σbelægning",
        "årets omkostninger (kr., årets priser)",
        "belægning (årspladser)",
        KR,
        Retning.NEUTRAL,
        ("regnskab_kr", "belaegning_aarspladser"),
        _quotient("regnskab_kr", "belaegning_aarspladser"),
        money=True,
    ),
    Noegletal(
        "takstudvikling_regnskab",
        "Takstudvikling på regnskab",
        "(Σregnskab_t ÷ Σbelægning_t) ÷ (Σregnskab_t−1 ÷ Σbelægning_t−1) − 1; "
        "t−1 i årets priser; belægning 0 efter en pris giver −100 %",
        "gennemsnitspris pr. plads år t",
        "gennemsnitspris pr. plads år t−1 (i år t's priser)",
        PCT,
        Retning.LAVERE_ER_BEDRE,
        (
            "regnskab_kr",
            "belaegning_aarspladser",
            "regnskab_kr_forrige",
            "belaegning_aarspladser_forrige",
        ),
        _development("regnskab_kr", "belaegning_aarspladser", zero_means_closed=True),
        skala=Skala.FORTEGN,
    ),
    Noegletal(
        "takstudvikling_budget",
        "Takstudvikling på budget (basistakster)",
        "(Σ(basistakst × normering)_t ÷ Σnormering_t) ÷ (samme for t−1) − 1; basistakst pr. "
        "pladsår (døgntakst × 365), t−1 i årets priser",
        "normeringsvægtet gennemsnitlig basistakst år t",
        "normeringsvægtet gennemsnitlig basistakst år t−1",
        PCT,
        Retning.LAVERE_ER_BEDRE,
        ("takst_x_normering", "normering", "takst_x_normering_forrige", "normering_forrige"),
        _development("takst_x_normering", "normering", zero_means_closed=False),
        skala=Skala.FORTEGN,
    ),
    Noegletal(
        "belaegningsprocent",
        "Belægningsprocent",
        "Σforbrug ÷ Σ(normering × dage i kvartalet) × 100",
        "forbrug (belagte pladsdage)",
        "normering × dage (pladsdage)",
        PCT,
        Retning.NEUTRAL,
        ("forbrug_dage", "normering_dage"),
        _quotient("forbrug_dage", "normering_dage", 100),
    ),
    Noegletal(
        "over_underskud_pct_af_regnskab",
        "Over-/underskud i procent af regnskab",
        "Σover-/underskud ÷ Σregnskab × 100 (markeres uden for ±5 %)",
        "over-(+)/underskud(−) (kr.)",
        "årets omkostninger (kr.)",
        PCT,
        Retning.NEUTRAL,
        ("over_underskud_kr", "regnskab_kr"),
        _quotient("over_underskud_kr", "regnskab_kr", 100),
        flag_limit_pct=Decimal(5),
        skala=Skala.FORTEGN,
    ),
    Noegletal(
        "tillaeg_pct_af_regnskab",
        "Tillægsydelser i procent af regnskab",
        "Σtillægsydelser ÷ Σregnskab × 100",
        "tillægsydelser inkl. indskrivning over 100 % (kr.)",
        "årets omkostninger (kr.)",
        PCT,
        Retning.NEUTRAL,
        ("tillaeg_kr", "regnskab_kr"),
        _quotient("tillaeg_kr", "regnskab_kr", 100),
        skala=Skala.RATE,
    ),
    Noegletal(
        "pladser_pr_10000",
        "Pladser pr. 10.000 indbyggere i målgruppens aldersgruppe",
        "Σnormering ÷ befolkning × 10.000",
        "pladser i driftsherrens tilbud (normering)",
        "befolkning i målgruppens aldersgruppe (0-17 / 18-64; hele befolkningen for alle "
        "målgrupper samlet eller når aldersgrupper ikke er indlæst)",
        PR_10000,
        Retning.NEUTRAL,
        ("normering", "befolkning"),
        _quotient("normering", "befolkning", 10_000),
        aldersgruppe="målgruppens",
        per_indbygger=True,
        skala=Skala.RATE,
    ),
    Noegletal(
        "regnskab_pr_indbygger",
        "Regnskab pr. indbygger",
        "Σregnskab ÷ befolkning; driftsherre-side: omkostningerne i de tilbud, organisationen "
        "selv driver (uanset hvem der bruger dem), delt med dens egne indbyggere, ikke hvad "
        "kommunen bruger på sine borgere",
        "årets omkostninger i driftsherrens tilbud (kr., årets priser)",
        "hele befolkningen",
        KR_PR_INDBYGGER,
        Retning.NEUTRAL,
        ("regnskab_kr", "befolkning"),
        _quotient("regnskab_kr", "befolkning"),
        aldersgruppe="total",
        per_indbygger=True,
        money=True,
        skala=Skala.RATE,
    ),
    Noegletal(
        "forbrug_pr_10000",
        "Forbrug pr. 10.000 indbyggere (køberkommune)",
        "Σforbrug ÷ dage i året ÷ befolkning × 10.000",
        "køberkommunens forbrug (årspladser)",
        "køberkommunens befolkning i målgruppens aldersgruppe",
        AARSPLADSER_PR_10000,
        Retning.NEUTRAL,
        ("aarspladser", "befolkning"),
        _quotient("aarspladser", "befolkning", 10_000),
        aldersgruppe="målgruppens",
        per_indbygger=True,
        skala=Skala.RATE,
        side=Side.KOEBER,
    ),
)

REGISTRY: Mapping[str, Noegletal] = MappingProxyType({n.id: n for n in _DEFINITIONS})
"""All nøgletal by id."""


def get(noegletal_id: str) -> Noegletal:
    """The nøgletal with ``noegletal_id``; ``KeyError`` with a Danish message if unknown."""
    try:
        return REGISTRY[noegletal_id]
    except KeyError:
        raise KeyError(f"ukendt nøgletal {noegletal_id!r}") from None
