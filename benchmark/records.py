"""Input records of the benchmark engine: one frozen dataclass per reporting stream.

Money is ``Decimal`` kr. (the database stores ``Numeric``), places and place-days are
``Decimal``. Every record validates what cannot be right in any stream (a quarter
outside 1-4, negative places); business validation with row numbers is the intake's job.
The engine also accepts the same fields as DataFrame columns (see ``benchmark.frames``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

TILBUDSTYPER = ("dag", "doegn", "aaben", "sikret")
"""Offer types. ``aaben``/``sikret`` are døgn places of the secure institutions."""

AGE_BANDS = ("0-17", "18-64", "65+", "total")
"""Population age bands; ``total`` is the whole population."""

TAKST_PR = ("dag", "aar")
"""What a tariff is stated per: a day (døgntakst) or a place-year."""


def _require_non_negative(name: str, value: Decimal | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{name} må ikke være negativ: {value}")


def _require_tilbudstype(value: str) -> None:
    if value not in TILBUDSTYPER:
        raise ValueError(f"ukendt tilbudstype {value!r}; forventet en af {TILBUDSTYPER}")


@dataclass(frozen=True, slots=True)
class AccountLine:
    """One line of the annual accounts (regnskab) stream.

    ``offer_ref`` None means one total line for the whole driftsherre. Amounts are kr.
    stated in the prices of ``price_year``; ``belaegning_aarspladser`` is occupied
    place-years; ``tillaeg_kr`` covers tillægsydelser incl. indskrivning over 100 %.
    """

    driftsherre: str
    year: int
    regnskab_kr: Decimal
    belaegning_aarspladser: Decimal
    price_year: int
    over_underskud_kr: Decimal = Decimal(0)
    tillaeg_kr: Decimal = Decimal(0)
    offer_ref: str | None = None
    maalgruppe: str | None = None
    takst_kr: Decimal | None = None

    def __post_init__(self) -> None:
        _require_non_negative("belaegning_aarspladser", self.belaegning_aarspladser)


@dataclass(frozen=True, slots=True)
class OccupancyLine:
    """One line of the quarterly occupancy stream (kvartalsvis belægningsopgørelse).

    ``normering`` is places, ``forbrug_dage`` occupied place-days in the quarter. With
    ``koeberkommune`` set the line is one buyer's share of the offer: its forbrug is that
    buyer's, its normering is the offer's (repeated on every buyer line, counted once).
    ``derived`` marks lines that were not reported but derived (demo data);
    ``derivation_note`` says how.
    """

    driftsherre: str
    maalgruppe: str
    tilbudstype: str
    year: int
    quarter: int
    normering: Decimal
    forbrug_dage: Decimal
    offer_ref: str | None = None
    koeberkommune: str | None = None
    derived: bool = False
    derivation_note: str | None = None

    def __post_init__(self) -> None:
        _require_tilbudstype(self.tilbudstype)
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"kvartal skal være 1-4, ikke {self.quarter}")
        _require_non_negative("normering", self.normering)
        _require_non_negative("forbrug_dage", self.forbrug_dage)


@dataclass(frozen=True, slots=True)
class OfferPlaces:
    """One offer of the offer registry for a year: its normering (places). Feeds table E."""

    driftsherre: str
    maalgruppe: str
    tilbudstype: str
    year: int
    normering: Decimal
    offer_ref: str | None = None

    def __post_init__(self) -> None:
        _require_tilbudstype(self.tilbudstype)
        _require_non_negative("normering", self.normering)


@dataclass(frozen=True, slots=True)
class TariffLine:
    """One budget tariff of an offer for a budget year.

    ``basistakst_kr`` is kr. per day (``takst_pr="dag"``) or per place-year
    (``takst_pr="aar"``) in the prices of ``price_year``. ``normering`` is the number of
    places the tariff was calculated for; when None the offer registry's normering for the
    same driftsherre, offer and year is used.
    """

    driftsherre: str
    year: int
    basistakst_kr: Decimal
    price_year: int
    offer_ref: str | None = None
    maalgruppe: str | None = None
    takstgruppe: str | None = None
    belaegningsprocent: Decimal | None = None
    normering: Decimal | None = None
    takst_pr: str = "dag"

    def __post_init__(self) -> None:
        if self.takst_pr not in TAKST_PR:
            raise ValueError(f"takst_pr skal være en af {TAKST_PR}, ikke {self.takst_pr!r}")
        _require_non_negative("basistakst_kr", self.basistakst_kr)
        _require_non_negative("normering", self.normering)


@dataclass(frozen=True, slots=True)
class PopulationCount:
    """Population of an area (Statistics Denmark area code, e.g. "751", "082") on
    1 January of ``year`` in one age band (see ``AGE_BANDS``)."""

    area: str
    year: int
    age_band: str
    count: int

    def __post_init__(self) -> None:
        if self.age_band not in AGE_BANDS:
            raise ValueError(f"ukendt aldersgruppe {self.age_band!r}; forventet {AGE_BANDS}")
        if self.count < 0:
            raise ValueError(f"folketal må ikke være negativt: {self.count}")


@dataclass(frozen=True)
class PriceIndex:
    """KL's pris- og lønskøn (PL-indeks): an index value per year, any base.

    Only ratios of values are used, so the base year does not matter.
    """

    values: Mapping[int, Decimal] = field(default_factory=dict)
    source: str | None = None
    """Where the index comes from (e.g. "KL, pris- og lønskøn juni 2017 (import 3)")."""

    def __post_init__(self) -> None:
        for year, value in self.values.items():
            if value <= 0:
                raise ValueError(f"PL-indeks for {year} skal være positivt: {value}")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def value(self, year: int) -> Decimal:
        """The index value of ``year``; raises ``KeyError`` with a Danish message if absent."""
        try:
            return self.values[year]
        except KeyError:
            raise KeyError(f"PL-indeks mangler for {year}") from None
