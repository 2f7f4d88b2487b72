from __future__ import annotations

from decimal import Decimal

import pytest

from benchmark.records import PopulationCount, PriceIndex
from tests.benchmark.factories import (
    make_account_line,
    make_occupancy_line,
    make_offer_places,
    make_tariff_line,
)


@pytest.mark.parametrize("quarter", [0, 5])
def test_occupancy_quarter_must_be_1_to_4(quarter: int) -> None:
    with pytest.raises(ValueError, match="kvartal"):
        make_occupancy_line(quarter=quarter)


def test_unknown_tilbudstype_is_rejected() -> None:
    with pytest.raises(ValueError, match="tilbudstype"):
        make_offer_places(tilbudstype="døgn")


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_account_line(belaegning_aarspladser=Decimal(-1)),
        lambda: make_occupancy_line(forbrug_dage=Decimal(-1)),
        lambda: make_offer_places(normering=Decimal("-0.5")),
        lambda: make_tariff_line(normering=Decimal(-2)),
    ],
)
def test_negative_quantities_are_rejected(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="negativ"):
        make()


def test_tariff_takst_pr_is_dag_or_aar() -> None:
    assert make_tariff_line(takst_pr="aar").takst_pr == "aar"
    with pytest.raises(ValueError, match="takst_pr"):
        make_tariff_line(takst_pr="maaned")


def test_population_band_must_be_known() -> None:
    with pytest.raises(ValueError, match="aldersgruppe"):
        PopulationCount("751", 2017, "0-5", 10)


def test_price_index_is_read_only_and_positive() -> None:
    index = PriceIndex({2017: Decimal(100)})
    assert index.value(2017) == Decimal(100)
    with pytest.raises(KeyError, match="2018"):
        index.value(2018)
    with pytest.raises(TypeError):
        index.values[2018] = Decimal(1)  # type: ignore[index]
    with pytest.raises(ValueError, match="positivt"):
        PriceIndex({2017: Decimal(0)})
