"""Factories for benchmark input records (fixtures are factories, never shared objects)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from benchmark.records import (
    AccountLine,
    OccupancyLine,
    OfferPlaces,
    PopulationCount,
    PriceIndex,
    TariffLine,
)


def make_account_line(**overrides: Any) -> AccountLine:
    values: dict[str, Any] = {
        "driftsherre": "657",
        "year": 2017,
        "regnskab_kr": Decimal("1000000"),
        "belaegning_aarspladser": Decimal("4"),
        "price_year": 2017,
        "over_underskud_kr": Decimal("0"),
        "tillaeg_kr": Decimal("0"),
    }
    values.update(overrides)
    return AccountLine(**values)


def make_occupancy_line(**overrides: Any) -> OccupancyLine:
    values: dict[str, Any] = {
        "driftsherre": "657",
        "maalgruppe": "psykisk_handicap",
        "tilbudstype": "doegn",
        "year": 2017,
        "quarter": 1,
        "normering": Decimal("10"),
        "forbrug_dage": Decimal("900"),
        "offer_ref": "T1",
    }
    values.update(overrides)
    return OccupancyLine(**values)


def make_offer_places(**overrides: Any) -> OfferPlaces:
    values: dict[str, Any] = {
        "driftsherre": "657",
        "maalgruppe": "psykisk_handicap",
        "tilbudstype": "doegn",
        "year": 2017,
        "normering": Decimal("10"),
        "offer_ref": "T1",
    }
    values.update(overrides)
    return OfferPlaces(**values)


def make_tariff_line(**overrides: Any) -> TariffLine:
    values: dict[str, Any] = {
        "driftsherre": "657",
        "year": 2017,
        "basistakst_kr": Decimal("2000"),
        "price_year": 2017,
        "offer_ref": "T1",
        "normering": Decimal("10"),
    }
    values.update(overrides)
    return TariffLine(**values)


def make_population(area: str = "657", year: int = 2017, **bands: int) -> list[PopulationCount]:
    """Population counts of one area and year; keyword bands: children, adults, elderly,
    total (only those given are loaded)."""
    names = {"children": "0-17", "adults": "18-64", "elderly": "65+", "total": "total"}
    return [PopulationCount(area, year, names[k], v) for k, v in bands.items()]


def make_price_index(**values: str) -> PriceIndex:
    """PriceIndex from keyword years, e.g. make_price_index(y2016="98.2", y2017="100")."""
    return PriceIndex({int(k[1:]): Decimal(v) for k, v in values.items()})
