"""Computing the registry's nøgletal per organisation for a year.

Operator figures (price, takstudvikling, belægning, over-/underskud, tillæg, pladser,
regnskab pr. indbygger) belong to the driftsherre; forbrug pr. 10.000 belongs to the
køberkommune. Per-inhabitant figures use the population of the organisation's area on
1 January of the year (``benchmark.population``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias

import numpy as np
import pandas as pd

from benchmark import noegletal as registry
from benchmark.accounts import Accounts, operator_year_sums
from benchmark.frames import (
    MONEY_DIGITS,
    QUANTITY_DIGITS,
    OccupancyFrame,
    PlacesFrame,
    TariffFrame,
    quantity,
)
from benchmark.occupancy import Occupancy
from benchmark.places import Places
from benchmark.population import (
    DEFAULT_AGE_BAND_BY_MAALGRUPPE,
    TOTAL_BAND,
    Denominator,
    PopulationTable,
    area_of,
)
from benchmark.prices import restatement_factor
from benchmark.records import PopulationCount, PriceIndex, TariffLine
from benchmark.units import Figure

Tariffs: TypeAlias = TariffFrame | pd.DataFrame | Iterable[TariffLine]
_INT64_SAFE = float(2**62)


@dataclass(frozen=True, slots=True)
class NoegletalValue:
    """One nøgletal for one organisation, year and målgruppe (None: all målgrupper).

    ``components`` are the additive sums the value is computed from (used by weighted
    averages); ``naevner`` names the population used for per-inhabitant figures.
    """

    noegletal: str
    organisation: str
    year: int
    maalgruppe: str | None
    value: Figure
    components: tuple[tuple[str, Decimal], ...]
    naevner: str | None = None
    flag: str | None = None
    reason: str | None = None
    """Why ``value`` is None ("ingen data: …"); None when there is a value."""
    derived: str | None = None
    """How the value was derived when it rests on derived, not reported, lines."""

    def component(self, name: str) -> Decimal:
        """One component by name."""
        return dict(self.components)[name]


@dataclass(frozen=True)
class NoegletalResult:
    """All computed nøgletal of a year (money in ``price_year`` prices) and notes."""

    year: int
    price_year: int
    values: tuple[NoegletalValue, ...]
    notes: tuple[str, ...] = ()
    _index: dict[tuple[str, str, str | None], NoegletalValue] = field(
        default_factory=dict, repr=False, compare=False
    )

    def of(self, noegletal_id: str, maalgruppe: str | None = None) -> tuple[NoegletalValue, ...]:
        """Every organisation's value of one nøgletal (and målgruppe)."""
        return tuple(
            v for v in self.values if v.noegletal == noegletal_id and v.maalgruppe == maalgruppe
        )

    def value(
        self, noegletal_id: str, organisation: str, maalgruppe: str | None = None
    ) -> NoegletalValue | None:
        """One organisation's value, or None when it has none."""
        if not self._index:
            self._index.update(
                {(v.noegletal, v.organisation, v.maalgruppe): v for v in self.values}
            )
        return self._index.get((noegletal_id, organisation, maalgruppe))


@dataclass
class _Builder:
    year: int
    price_year: int
    values: list[NoegletalValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self,
        noegletal_id: str,
        organisation: str,
        components: dict[str, Decimal],
        maalgruppe: str | None = None,
        naevner: str | None = None,
    ) -> None:
        spec = registry.get(noegletal_id)
        fig = spec.figure(components, self.price_year)
        self.values.append(
            NoegletalValue(
                noegletal_id,
                organisation,
                self.year,
                maalgruppe,
                fig,
                tuple((name, components[name]) for name in spec.components),
                naevner,
                spec.flag(fig.value),
            )
        )

    def add_missing(
        self, noegletal_id: str, organisation: str, maalgruppe: str | None, reason: str
    ) -> None:
        """No data: the value is None (never 0) and ``reason`` says why."""
        spec = registry.get(noegletal_id)
        self.values.append(
            NoegletalValue(
                noegletal_id,
                organisation,
                self.year,
                maalgruppe,
                Figure(None, spec.unit, None),
                tuple((name, Decimal(0)) for name in spec.components),
                reason=reason,
            )
        )


NO_BUYER_DATA = (
    "ingen data: belægningsindberetningerne angiver ingen køberkommune, så kommunernes "
    "forbrug kendes ikke"
)


def _account_figures(
    b: _Builder, accounts: Accounts, price_index: PriceIndex | None
) -> dict[str, Decimal]:
    sums = operator_year_sums(accounts, (b.year - 1, b.year), b.price_year, price_index)
    regnskab: dict[str, Decimal] = {}
    for (org, y), cur in sorted(sums.items()):
        if y != b.year:
            continue
        prev = sums.get((org, b.year - 1), dict.fromkeys(cur, Decimal(0)))
        regnskab[org] = cur["regnskab_kr"]
        b.add("gennemsnitspris_pr_plads", org, dict(cur))
        development = dict(cur)
        development.update({f"{k}_forrige": v for k, v in prev.items()})
        b.add("takstudvikling_regnskab", org, development)
        b.add("over_underskud_pct_af_regnskab", org, dict(cur))
        b.add("tillaeg_pct_af_regnskab", org, dict(cur))
    return regnskab


def _occupancy_figures(b: _Builder, occupancy: OccupancyFrame) -> None:
    sums = occupancy.offer_quarter_sums(
        ("driftsherre", "year"), ("forbrug_gyldig", "normering_dage")
    )
    sums = sums.reset_index()
    sums = sums[sums["year"] == b.year].sort_values("driftsherre")
    for org, forbrug, normering in zip(
        sums["driftsherre"], sums["forbrug_gyldig"], sums["normering_dage"], strict=True
    ):
        components = {"forbrug_dage": quantity(forbrug), "normering_dage": quantity(normering)}
        b.add("belaegningsprocent", str(org), components)


def _cells(
    frame: pd.DataFrame, org_col: str, value_col: str, year: int
) -> dict[tuple[str, str], int]:
    frame = frame.reset_index()
    frame = frame[(frame["year"] == year) & (frame[org_col].astype(str) != "")]
    return {
        (str(o), str(m)): int(v)
        for o, m, v in zip(frame[org_col], frame["maalgruppe"], frame[value_col], strict=True)
    }


@dataclass(frozen=True)
class _PerInhabitant:
    noegletal: str
    numerator: str
    cells: dict[tuple[str, str], Decimal]


def _per_inhabitant(
    b: _Builder,
    spec: _PerInhabitant,
    population: PopulationTable,
    organisations: Collection[str] | None,
    age_bands: Mapping[str, str],
    area_of_organisation: Mapping[str, str] | None,
) -> None:
    orgs = sorted({o for o, _ in spec.cells} | set(organisations or ()))
    groups = sorted({m for _, m in spec.cells})
    for org in orgs:
        area = area_of(org, area_of_organisation)
        total = Decimal(0)
        for group in groups:
            value = spec.cells.get((org, group), Decimal(0))
            total += value
            band = age_bands.get(group, TOTAL_BAND)
            _add_per_inhabitant(
                b, spec, org, group, value, population.denominator(area, b.year, band)
            )
        whole = population.denominator(area, b.year, TOTAL_BAND)
        _add_per_inhabitant(b, spec, org, None, total, whole)


def _add_per_inhabitant(
    b: _Builder,
    spec: _PerInhabitant,
    org: str,
    group: str | None,
    value: Decimal,
    den: Denominator,
) -> None:
    label = den.label if den.count is not None else "befolkning ikke indlæst"
    components = {spec.numerator: value, "befolkning": Decimal(den.count or 0)}
    b.add(spec.noegletal, org, components, group, label)


def _tariff_sums(
    tariffs: TariffFrame, places: PlacesFrame | None, years: tuple[int, int]
) -> tuple[pd.DataFrame, int]:
    data = tariffs.data[tariffs.data["year"].isin(list(years))]
    normering = data["normering"].to_numpy()
    missing = ~data["har_normering"].to_numpy()
    if missing.any() and places is not None:
        registry_sums = places.sums(("driftsherre", "offer_ref", "year"), ("normering",))
        keys = pd.MultiIndex.from_arrays(
            [data["driftsherre"].astype(str), data["offer_ref"].astype(str), data["year"]]
        )
        lookup = registry_sums["normering"]
        lookup.index = lookup.index.set_levels(
            [lvl.astype(str) if i < 2 else lvl for i, lvl in enumerate(lookup.index.levels)]
        )
        found = lookup.reindex(keys).to_numpy()
        fill = missing & ~np.isnan(found.astype(np.float64))
        normering = np.where(
            fill, np.nan_to_num(found.astype(np.float64)).astype(np.int64), normering
        )
        missing = missing & ~fill
    # Σ(takst × normering) in øre × 1/1000 place keeps the products inside int64.
    per_year = np.where(data["takst_pr"].astype(str).to_numpy() == "dag", 365, 1)
    takst = np.rint(data["basistakst_kr"].to_numpy() / 10 ** (MONEY_DIGITS - 2)).astype(np.int64)
    places_milli = np.rint(normering / 10 ** (QUANTITY_DIGITS - 3)).astype(np.int64)
    places_milli = np.where(missing, 0, places_milli)
    if (np.abs(takst * per_year).astype(np.float64) * places_milli).sum() >= _INT64_SAFE:
        raise ValueError("takster: summen er for stor til eksakt fastkommaregning")
    frame = pd.DataFrame(
        {
            "driftsherre": data["driftsherre"].to_numpy(),
            "year": data["year"].to_numpy(),
            "price_year": data["price_year"].to_numpy(),
            "produkt": takst * per_year * places_milli,
            "normering": places_milli,
        }
    )
    grouped = frame.groupby(["driftsherre", "year", "price_year"], observed=True).sum()
    return grouped.reset_index(), int(missing.sum())


def _tariff_figures(
    b: _Builder, tariffs: TariffFrame, places: PlacesFrame | None, index: PriceIndex | None
) -> None:
    sums, missing = _tariff_sums(tariffs, places, (b.year - 1, b.year))
    if missing:
        b.notes.append(
            f"{missing} takstlinjer uden normering er udeladt af takstudvikling (budget)"
        )
    acc: dict[str, dict[str, Decimal]] = {}
    for org, year, price_year, produkt, normering in sums.itertuples(index=False):
        factor = restatement_factor(int(price_year), b.price_year, index)
        suffix = "" if year == b.year else "_forrige"
        values = acc.setdefault(
            str(org), dict.fromkeys(registry.get("takstudvikling_budget").components, Decimal(0))
        )
        values[f"takst_x_normering{suffix}"] += Decimal(int(produkt)).scaleb(-5) * factor
        values[f"normering{suffix}"] += Decimal(int(normering)).scaleb(-3)
    for org in sorted(acc):
        if acc[org]["normering"] > 0:
            b.add("takstudvikling_budget", org, acc[org])


def compute_noegletal(
    year: int,
    *,
    accounts: Accounts | None = None,
    occupancy: Occupancy | None = None,
    places: Places | None = None,
    tariffs: Tariffs | None = None,
    population: PopulationTable | Iterable[PopulationCount] | None = None,
    price_index: PriceIndex | None = None,
    price_year: int | None = None,
    organisations: Collection[str] | None = None,
    age_band_by_maalgruppe: Mapping[str, str] = DEFAULT_AGE_BAND_BY_MAALGRUPPE,
    area_of_organisation: Mapping[str, str] | None = None,
    buyers: Collection[str] | None = None,
) -> NoegletalResult:
    """Every registry nøgletal the given streams allow, per organisation for ``year``.

    Money is restated to ``price_year`` (default ``year``). Per-inhabitant figures
    (pladser_pr_10000, regnskab_pr_indbygger, forbrug_pr_10000) need ``population`` and are
    given per målgruppe (age band from ``age_band_by_maalgruppe``; whole population when the
    band is not loaded, and ``naevner`` says so) and for all målgrupper together (whole
    population). ``organisations`` adds organisations without offers (value 0) to the
    per-inhabitant figures. ``buyers`` (the municipalities; default ``organisations``) are
    the organisations whose citizens can use places: only they get a buyer-side figure
    (forbrug pr. 10.000; a Region is no buyer), and when no occupancy line names a
    køberkommune they get no value but "ingen data" (never 0). Formulas and units: see
    ``benchmark.noegletal.REGISTRY``.
    """
    b = _Builder(year, year if price_year is None else price_year)
    pop = None if population is None else PopulationTable.of(population)
    places_frame = None if places is None else PlacesFrame.of(places)
    bands = dict(age_band_by_maalgruppe)
    regnskab: dict[str, Decimal] = {}
    if accounts is not None:
        regnskab = _account_figures(b, accounts, price_index)
    if tariffs is not None:
        _tariff_figures(b, TariffFrame.of(tariffs), places_frame, price_index)
    occupancy_frame = None if occupancy is None else OccupancyFrame.of(occupancy)
    if occupancy_frame is not None:
        _occupancy_figures(b, occupancy_frame)
    specs: list[_PerInhabitant] = []
    if places_frame is not None:
        cells = _cells(
            places_frame.sums(("driftsherre", "maalgruppe", "year"), ("normering",)),
            "driftsherre",
            "normering",
            year,
        )
        specs.append(
            _PerInhabitant(
                "pladser_pr_10000", "normering", {k: quantity(v) for k, v in cells.items()}
            )
        )
    if accounts is not None:
        cells_kr = {(org, ""): value for org, value in regnskab.items()}
        specs.append(_PerInhabitant("regnskab_pr_indbygger", "regnskab_kr", cells_kr))
    if occupancy_frame is not None:
        buyer = occupancy_frame.sums(("koeberkommune", "maalgruppe", "year"), ("forbrug_dage",))
        days = Decimal(366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365)
        raw = _cells(buyer, "koeberkommune", "forbrug_dage", year)
        if raw:
            specs.append(
                _PerInhabitant(
                    "forbrug_pr_10000",
                    "aarspladser",
                    {k: quantity(v) / days for k, v in raw.items()},
                )
            )
        else:
            for org in sorted(set(buyers if buyers is not None else organisations or ())):
                b.add_missing("forbrug_pr_10000", org, None, NO_BUYER_DATA)
    if pop is not None:
        for spec in specs:
            if spec.noegletal == "regnskab_pr_indbygger":
                _regnskab_per_inhabitant(b, spec, pop, organisations, area_of_organisation)
            elif spec.noegletal == "forbrug_pr_10000":
                who = buyers if buyers is not None else organisations
                _per_inhabitant(b, spec, pop, who, bands, area_of_organisation)
            else:
                _per_inhabitant(b, spec, pop, organisations, bands, area_of_organisation)
    return NoegletalResult(year, b.price_year, tuple(b.values), tuple(b.notes))


def _regnskab_per_inhabitant(
    b: _Builder,
    spec: _PerInhabitant,
    pop: PopulationTable,
    organisations: Collection[str] | None,
    areas: Mapping[str, str] | None,
) -> None:
    """Regnskab ÷ population (kr. per inhabitant); an organisation that runs no offer
    (e.g. Samsø) has 0 kr., not no value."""
    cells = dict(spec.cells)
    for org in organisations or ():
        cells.setdefault((org, ""), Decimal(0))
    for (org, _), value in sorted(cells.items()):
        den = pop.denominator(area_of(org, areas), b.year, TOTAL_BAND)
        _add_per_inhabitant(b, spec, org, None, value, den)
