from __future__ import annotations

from decimal import Decimal

from benchmark.noegletal_compute import compute_noegletal
from benchmark.population import LABEL_BANDS_MISSING
from tests.benchmark.factories import (
    make_account_line,
    make_occupancy_line,
    make_offer_places,
    make_population,
    make_price_index,
    make_tariff_line,
)


def test_account_figures_per_organisation() -> None:
    accounts = [
        make_account_line(
            year=2016, price_year=2016, regnskab_kr=Decimal(980), belaegning_aarspladser=Decimal(4)
        ),
        make_account_line(
            regnskab_kr=Decimal(1100),
            belaegning_aarspladser=Decimal(4),
            over_underskud_kr=Decimal(-66),
            tillaeg_kr=Decimal(11),
        ),  # fmt: skip
    ]
    result = compute_noegletal(
        2017, accounts=accounts, price_index=make_price_index(y2016="98", y2017="100")
    )
    value = result.value("gennemsnitspris_pr_plads", "657")
    assert (
        value is not None and value.value.value == Decimal(275) and value.value.price_year == 2017
    )
    assert result.value("takstudvikling_regnskab", "657").value.value == Decimal(10)  # type: ignore[union-attr]
    ou = result.value("over_underskud_pct_af_regnskab", "657")
    assert ou is not None and ou.value.value == Decimal(-6) and ou.flag == "Uden for ±5 %"
    assert result.value("tillaeg_pct_af_regnskab", "657").value.value == Decimal(1)  # type: ignore[union-attr]


def test_places_per_10000_of_the_age_band_with_fallback_and_region() -> None:
    places = [
        make_offer_places(maalgruppe="boern_unge_nedsat_funktionsevne", normering=Decimal(20)),
        make_offer_places(maalgruppe="psykisk_handicap", normering=Decimal(30)),
        make_offer_places(driftsherre="1082", normering=Decimal(100)),
    ]
    population = make_population(children=20_000, total=100_000) + make_population(
        area="082", total=1_000_000
    )
    result = compute_noegletal(
        2017, places=places, population=population, organisations=["657", "751"]
    )
    children = result.value("pladser_pr_10000", "657", "boern_unge_nedsat_funktionsevne")
    assert (
        children is not None
        and children.value.value == Decimal(10)
        and children.naevner == "0-17-årige"
    )
    adults = result.value("pladser_pr_10000", "657", "psykisk_handicap")
    assert (
        adults is not None
        and adults.value.value == Decimal(3)
        and adults.naevner == LABEL_BANDS_MISSING
    )
    whole = result.value("pladser_pr_10000", "657")
    assert (
        whole is not None
        and whole.value.value == Decimal(5)
        and whole.naevner == "hele befolkningen"
    )
    region = result.value("pladser_pr_10000", "1082", "psykisk_handicap")
    assert region is not None and region.value.value == Decimal(1)
    aarhus = result.value("pladser_pr_10000", "751")
    assert (
        aarhus is not None
        and aarhus.value.value is None
        and aarhus.naevner == "befolkning ikke indlæst"
    )


def test_belaegning_and_forbrug_per_10000_by_buyer() -> None:
    occupancy = [
        make_occupancy_line(koeberkommune="751", normering=Decimal(2), forbrug_dage=Decimal(90)),
        make_occupancy_line(koeberkommune="615", normering=Decimal(2), forbrug_dage=Decimal(90)),
    ]
    population = make_population(area="751", adults=10_000) + make_population(
        area="615", adults=5_000
    )
    result = compute_noegletal(2017, occupancy=occupancy, population=population)
    assert result.value("belaegningsprocent", "657").value.value == Decimal(100)  # type: ignore[union-attr]
    buyer = result.value("forbrug_pr_10000", "615", "psykisk_handicap")
    assert buyer is not None and buyer.value.value == Decimal(90) / 365 / 5000 * 10_000
    assert result.value("forbrug_pr_10000", "657", "psykisk_handicap") is None


def test_budget_takstudvikling_is_normering_weighted_and_uses_registry_normering() -> None:
    tariffs = [
        make_tariff_line(
            year=2016, basistakst_kr=Decimal(1000), normering=Decimal(1), offer_ref="a"
        ),
        make_tariff_line(
            year=2016, basistakst_kr=Decimal(2000), normering=Decimal(3), offer_ref="b"
        ),
        make_tariff_line(basistakst_kr=Decimal(1100), normering=None, offer_ref="a"),
        make_tariff_line(basistakst_kr=Decimal(2200), normering=Decimal(3), offer_ref="b"),
        make_tariff_line(basistakst_kr=Decimal(9999), normering=None, offer_ref="c"),
    ]
    places = [make_offer_places(offer_ref="a", normering=Decimal(1))]
    result = compute_noegletal(2017, tariffs=tariffs, places=places)
    value = result.value("takstudvikling_budget", "657")
    assert value is not None and value.value.value == Decimal(10)
    assert result.notes == ("1 takstlinjer uden normering er udeladt af takstudvikling (budget)",)


def test_regnskab_per_inhabitant() -> None:
    result = compute_noegletal(
        2017, accounts=[make_account_line()], population=make_population(total=4000)
    )
    value = result.value("regnskab_pr_indbygger", "657")
    assert (
        value is not None
        and value.value.value == Decimal(250)
        and value.value.unit == "kr. pr. indbygger"
    )
