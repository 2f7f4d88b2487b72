from __future__ import annotations

from decimal import Decimal

import pytest

from benchmark.averages import UVAEGTET, VAEGTET, unweighted_average, weighted_average
from benchmark.noegletal_compute import compute_noegletal
from tests.benchmark.factories import make_offer_places, make_population


def _places_per_10000() -> tuple:  # type: ignore[type-arg]
    places = [
        make_offer_places(driftsherre="657", normering=Decimal(10)),
        make_offer_places(driftsherre="751", normering=Decimal(90)),
        make_offer_places(driftsherre="1082", normering=Decimal(100)),
    ]
    population = (
        make_population("657", total=10_000)
        + make_population("751", total=90_000 * 2)
        + make_population("082", total=190_000)
    )
    result = compute_noegletal(2017, places=places, population=population)
    return result.of("pladser_pr_10000")


def test_unweighted_is_the_mean_of_the_organisations() -> None:
    avg = unweighted_average(_places_per_10000(), {"657", "751"}, scope="region")
    assert avg.value.value == Decimal("7.5")  # (10 + 5) / 2
    assert (avg.rule, avg.n, avg.scope) == (UVAEGTET, 2, "region")


def test_weighted_is_sum_over_sum_without_the_regions_population() -> None:
    avg = weighted_average(_places_per_10000(), scope="hele aftalen")
    assert avg.rule == VAEGTET
    assert avg.value.value == Decimal(200) / Decimal(190_000) * 10_000


def test_members_without_a_value_are_listed() -> None:
    avg = unweighted_average(_places_per_10000(), {"657", "615"}, scope="peer")
    assert avg.missing == ("615",) and avg.n == 1


def test_mixing_noegletal_is_an_error() -> None:
    values = compute_noegletal(
        2017, places=[make_offer_places()], population=make_population(total=10)
    ).values
    with pytest.raises(ValueError, match="forskellige"):
        unweighted_average(values, scope="x")
