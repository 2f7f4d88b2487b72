from __future__ import annotations

from decimal import Decimal

import pytest

from benchmark.averages import UVAEGTET, VAEGTET, unweighted_average, weighted_average
from benchmark.noegletal_compute import NoegletalValue, compute_noegletal
from benchmark.units import KR, PR_10000, Figure
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


def _price(
    organisation: str, regnskab: int, belaegning: int, price_year: int = 2018
) -> NoegletalValue:
    """Gennemsnitspris pr. plads of one operator in 2017 in ``price_year`` prices (no
    value when the belægning is 0)."""
    value = Decimal(regnskab) / belaegning if belaegning else None
    return NoegletalValue(
        "gennemsnitspris_pr_plads",
        organisation,
        2017,
        "psykisk_handicap",
        Figure(value, KR, price_year),
        (("regnskab_kr", Decimal(regnskab)), ("belaegning_aarspladser", Decimal(belaegning))),
    )


def test_averages_say_what_they_average_and_over_whom() -> None:
    prices = [_price("751", 300_000, 1), _price("657", 100_000, 1), _price("615", 500_000, 1)]
    for average in (
        unweighted_average(prices, {"657", "751", "706"}, scope="peer-gruppe"),
        weighted_average(prices, {"657", "751", "706"}, scope="peer-gruppe"),
    ):
        assert (average.noegletal, average.year, average.maalgruppe) == (
            "gennemsnitspris_pr_plads",
            2017,
            "psykisk_handicap",
        )
        assert average.scope == "peer-gruppe"
        assert average.members == ("657", "751")
        assert (average.n, average.missing) == (2, ("706",))
        assert average.value == Figure(Decimal(200_000), KR, 2018)  # kr., 2018-priser


def test_weighted_average_of_one_member_is_its_own_value() -> None:
    avg = weighted_average([_price("657", 500_000, 2)], scope="hele aftalen")
    assert avg.value == Figure(Decimal(250_000), KR, 2018)
    assert (avg.members, avg.n) == (("657",), 1)


def test_weighted_average_counts_only_members_with_a_value() -> None:
    prices = [_price("657", 400_000, 2, price_year=2017), _price("751", 0, 0, price_year=2017)]
    avg = weighted_average(prices, scope="hele aftalen")
    assert avg.value == Figure(Decimal(200_000), KR, 2017)
    assert (avg.members, avg.n) == (("657", "751"), 1)


def test_weighted_average_leaves_out_only_the_regions_population() -> None:
    values = [
        NoegletalValue(
            "pladser_pr_10000",
            organisation,
            2017,
            None,
            Figure(Decimal(normering) / befolkning * 10_000, PR_10000),
            (("normering", Decimal(normering)), ("befolkning", Decimal(befolkning))),
        )
        for organisation, normering, befolkning in (
            ("657", 10, 10_000),
            ("751", 30, 40_000),
            ("1082", 60, 1_000_000),
        )
    ]
    avg = weighted_average(values, scope="hele aftalen")
    assert avg.value.value == Decimal(100) / Decimal(50_000) * 10_000


def test_no_member_with_a_value_gives_no_average() -> None:
    prices = [_price("615", 0, 0), _price("706", 0, 0)]
    avg = unweighted_average(prices, {"615", "706"}, scope="peer-gruppe")
    assert avg.value == Figure(None, KR, 2018)
    assert (avg.n, avg.missing) == (0, ("615", "706"))


def test_an_empty_selection_is_an_error_in_danish() -> None:
    with pytest.raises(ValueError, match="^ingen værdier at tage gennemsnit af$"):
        weighted_average(_places_per_10000(), {"999"}, scope="peer-gruppe")
