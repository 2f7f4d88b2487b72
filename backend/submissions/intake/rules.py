"""Row rules per stream: cross-column checks, duplicates, plausibility warnings, records.

A rule is created once per upload with the context and the matched columns (to locate
its issues), called once per row whose cells all converted, and ``finish``-ed at the end
for checks across rows. Plausibility findings are warnings; they never block an upload.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any, Protocol

from backend.tabular import fold

from .cells import TILBUDSTYPE_NAVNE
from .codes import Code
from .collector import Collector, PlannedColumn
from .context import IntakeContext
from .streams import REGNSKAB, BelaegningRecord, RegnskabRecord, TakstRecord, TilbudRecord

#: forbrug above this share of normering × days gives a hoej_belaegning warning.
OCCUPANCY_LIMIT = Decimal("1.10")
#: forbrug below this share of normering × days gives a lav_belaegning warning.
OCCUPANCY_FLOOR = Decimal("0.01")
#: normering more than this factor above or below the registry's, or last year's approved,
#: gives normering_spring.
NORMERING_JUMP = Decimal(5)
#: takst change against the previous year above this share gives a takst_change warning.
TAKST_CHANGE_LIMIT = Decimal("0.10")
#: The total line may differ from the sum of offer lines by rounding: max(1, 0,1 %).
TOTAL_TOLERANCE = Decimal("0.001")
_NORMAL_PCT = (Decimal(95), Decimal(100))
_AKUT_MIN_PCT = Decimal(90)


class RowRule(Protocol):
    def __call__(self, number: int, fields: dict[str, Any], out: Collector) -> Any: ...

    def finish(self, out: Collector) -> None: ...


@cache
def days_in_quarter(year: int, quarter: int) -> int:
    first = 3 * quarter - 2
    return sum(monthrange(year, month)[1] for month in range(first, first + 3))


def _fmt(number: Decimal) -> str:
    """Danish presentation for messages: 1.234,5 and 0,96 (two decimals at most, never
    rounded to a different-looking number such as 0,96 → 1,0)."""
    if number == number.to_integral_value():
        text = f"{number:,.0f}"
    elif abs(number) < 10:
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{number:,.1f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def _danish_list(words: list[str]) -> str:
    """Words joined the Danish way: "dag og døgn", "dag, døgn, åben og sikret"."""
    return " og ".join(filter(None, (", ".join(words[:-1]), words[-1]))) if words else ""


class _Rule:
    key_label = "samme tilbud"

    def __call__(self, number: int, fields: dict[str, Any], out: Collector) -> Any:
        raise NotImplementedError

    def __init__(self, context: IntakeContext, columns: Mapping[str, PlannedColumn]) -> None:
        self.context = context
        self.columns = columns
        self.seen: dict[Any, int] = {}

    def _duplicate(self, key: Any, number: int, out: Collector) -> bool:
        first = self.seen.setdefault(key, number)
        if first == number:
            return False
        out.at(Code.DUPLICATE_ROW, f"Rækken gentager række {first} ({self.key_label}).", number)
        return True

    def finish(self, out: Collector) -> None:
        return None


class BelaegningRule(_Rule):
    key_label = "samme tilbud, kvartal og køberkommune"

    def __call__(self, number: int, f: dict[str, Any], out: Collector) -> Any:
        kvartal: int = f.get("kvartal") or self.context.quarter or 0
        if self._duplicate((f["tilbud_id"], kvartal, f.get("koeberkommune")), number, out):
            return None
        normering, forbrug = f.get("normering"), f["forbrug"]
        if forbrug and not normering:
            out.at(
                Code.FORBRUG_WITHOUT_NORMERING,
                "Der er forbrug, men ingen normering; rækken tæller ikke med i belægningen.",
                number,
                self.columns["forbrug"],
                forbrug,
            )
        elif normering:
            self._normering_jump(number, f["tilbud_id"], normering, out)
            capacity = normering * days_in_quarter(self.context.year, kvartal)
            if forbrug and forbrug < OCCUPANCY_FLOOR * capacity:
                out.at(
                    Code.LOW_OCCUPANCY,
                    f"Forbruget svarer til {_fmt(100 * forbrug / capacity)} % belægning (under "
                    f"{_fmt(100 * OCCUPANCY_FLOOR)} %): normeringen er læst som "
                    f"{_fmt(normering)} pladser og forbruget som {_fmt(forbrug)} dage. Er et "
                    "punktum læst som tusindtalsseparator? Skriv decimaler med komma.",
                    number,
                    self.columns["forbrug"],
                    forbrug,
                )
            if forbrug > OCCUPANCY_LIMIT * capacity:
                out.at(
                    Code.HIGH_OCCUPANCY,
                    f"Forbruget svarer til {_fmt(100 * forbrug / capacity)} % belægning "
                    f"(over {_fmt(100 * OCCUPANCY_LIMIT)} %).",
                    number,
                    self.columns["forbrug"],
                    forbrug,
                )
        return BelaegningRecord(
            number,
            f["tilbud_id"],
            f.get("tilbudsnavn"),
            kvartal,
            normering,
            forbrug,
            f.get("koeberkommune"),
        )

    def _normering_jump(
        self, number: int, tilbud_id: str, normering: Decimal, out: Collector
    ) -> None:
        """Warn when the normering is more than `NORMERING_JUMP` times off the registry's
        for the year or the one approved for the year before; the message names the reading
        and each value it is far from."""
        offer = self.context.offers.get(tilbud_id)
        known = offer.normering if offer is not None else None
        last_year = self.context.previous_normering.get(tilbud_id)
        if not (_jumps(normering, known) or _jumps(normering, last_year)):
            return
        year = self.context.year
        text = f"Normeringen er læst som {_fmt(normering)} pladser"
        if known is not None and _jumps(normering, known):
            text += f", men registret har {_fmt(known)} pladser for {year}"
        if last_year is not None and _jumps(normering, last_year):
            text += f"; sidste år ({year - 1}) var normeringen {_fmt(last_year)}"
        out.at(
            Code.NORMERING_JUMP,
            f"{text}. Er et punktum læst som tusindtalsseparator (1.250 er 1250)? Skriv "
            "decimaler med komma (12,50).",
            number,
            self.columns["normering"],
            normering,
        )


def _jumps(normering: Decimal, other: Decimal | None) -> bool:
    """``normering`` more than `NORMERING_JUMP` times above or below ``other`` (a known,
    non-zero normering)."""
    if not other:
        return False
    return normering > NORMERING_JUMP * other or normering * NORMERING_JUMP < other


_LABELS = {c.key: c.label for c in REGNSKAB.columns}


class RegnskabRule(_Rule):
    key_label = "samme tilbud, eller to totallinjer"
    _SUMMED = ("regnskab", "belaegning", "over_underskud", "tillaeg")

    def __init__(self, context: IntakeContext, columns: Mapping[str, PlannedColumn]) -> None:
        super().__init__(context, columns)
        self.records: list[RegnskabRecord] = []

    def __call__(self, number: int, f: dict[str, Any], out: Collector) -> Any:
        if self._duplicate(f.get("tilbud_id"), number, out):
            return None
        record = RegnskabRecord(
            number,
            f.get("tilbud_id"),
            f.get("tilbudsnavn"),
            f["regnskab"],
            f["belaegning"],
            f.get("over_underskud"),
            f.get("tillaeg"),
            f.get("takst"),
            f.get("prisaar") or self.context.year,
        )
        self.records.append(record)
        return record

    def finish(self, out: Collector) -> None:
        totals = [r for r in self.records if r.tilbud_id is None]
        lines = [r for r in self.records if r.tilbud_id is not None]
        if len(totals) != 1 or not lines:
            return
        total = totals[0]
        for key in self._SUMMED:
            stated = getattr(total, key)
            values = [getattr(r, key) for r in lines if getattr(r, key) is not None]
            if stated is None or not values:
                continue
            summed = sum(values, Decimal(0))
            if abs(stated - summed) > max(Decimal(1), abs(stated) * TOTAL_TOLERANCE):
                out.at(
                    Code.TOTAL_MISMATCH,
                    f"Totallinjen har {_LABELS[key]} = {_fmt(stated)}, men tilbudslinjerne "
                    f"summer til {_fmt(summed)}.",
                    total.row,
                    self.columns.get(key),
                    stated,
                )


class TakstRule(_Rule):
    key_label = "samme tilbud og takstgruppe"

    def __call__(self, number: int, f: dict[str, Any], out: Collector) -> Any:
        tilbud_id, takstgruppe = f["tilbud_id"], f.get("takstgruppe")
        if self._duplicate((tilbud_id, fold(takstgruppe or "")), number, out):
            return None
        if not self._plausible(number, f, out):
            return None
        return TakstRecord(
            number,
            tilbud_id,
            f.get("tilbudsnavn"),
            f["basistakst"],
            takstgruppe,
            f["belaegningsprocent"],
        )

    def _plausible(self, number: int, f: dict[str, Any], out: Collector) -> bool:
        offer = self.context.offers.get(f["tilbud_id"])
        pct: Decimal = f["belaegningsprocent"]
        low = _AKUT_MIN_PCT if offer is not None and offer.akut else _NORMAL_PCT[0]
        if pct <= 0:
            out.at(
                Code.OUT_OF_RANGE,
                "Belægningsprocenten skal være større end 0.",
                number,
                self.columns["belaegningsprocent"],
                pct,
            )
            return False
        if pct < low or pct > _NORMAL_PCT[1]:
            hint = (
                f" Er den skrevet som brøk? Skriv {_fmt(100 * pct)} for {_fmt(100 * pct)} %."
                if pct <= 2
                else ""
            )
            out.at(
                Code.BELAEGNINGSPROCENT_UNUSUAL,
                f"Belægningsprocenten er læst som {_fmt(pct)} %, uden for det sædvanlige "
                f"({_fmt(low)}-{_fmt(_NORMAL_PCT[1])} %).{hint}",
                number,
                self.columns["belaegningsprocent"],
                pct,
            )
        previous = self.context.previous_takster.get(f["tilbud_id"])
        basis: Decimal = f["basistakst"]
        if previous and abs(basis / previous - 1) > TAKST_CHANGE_LIMIT:
            out.at(
                Code.TAKST_CHANGE,
                f"Taksten er ændret {_fmt(100 * (basis / previous - 1))} % i forhold til "
                f"sidste år ({_fmt(previous)} kr.).",
                number,
                self.columns["basistakst"],
                basis,
            )
        return True


class TilbudRule(_Rule):
    key_label = "samme tilbud eller samme navn, tilbudstype og startdato"

    def __call__(self, number: int, f: dict[str, Any], out: Collector) -> Any:
        ok = True
        tilbud_id = f.get("tilbud_id")
        if tilbud_id is not None and self._duplicate(("id", tilbud_id), number, out):
            return None
        if self._duplicate((fold(f["navn"]), f["tilbudstype"], f["gyldig_fra"]), number, out):
            return None
        gruppe = next((g for g in self.context.maalgrupper if g.kode == f["maalgruppe"]), None)
        if gruppe is not None and f["tilbudstype"] not in gruppe.tilbudstyper:
            out.at(
                Code.INVALID_TILBUDSTYPE,
                f"Tilbudstypen '{TILBUDSTYPE_NAVNE[f['tilbudstype']]}' findes ikke for "
                f"målgruppen '{gruppe.navn}'; den har "
                + _danish_list([TILBUDSTYPE_NAVNE.get(t, t) for t in gruppe.ordered_tilbudstyper()])
                + ".",
                number,
                self.columns["tilbudstype"],
                f["tilbudstype"],
            )
            ok = False
        til = f.get("gyldig_til")
        if til is not None and til < f["gyldig_fra"]:
            out.at(
                Code.INVALID_PERIOD_RANGE,
                "'Gyldig til' ligger før 'Gyldig fra'.",
                number,
                self.columns["gyldig_til"],
                til,
            )
            ok = False
        if not ok:
            return None
        return TilbudRecord(
            number,
            tilbud_id,
            f["navn"],
            f.get("tilbudsportalen_id"),
            f["maalgruppe"],
            f["tilbudstype"],
            f.get("sel_paragraf"),
            f["normering"],
            f["omfattet"],
            f["gyldig_fra"],
            til,
        )


ROW_RULES: dict[str, type[_Rule]] = {
    "belaegning": BelaegningRule,
    "regnskab": RegnskabRule,
    "takster": TakstRule,
    "tilbud": TilbudRule,
}
