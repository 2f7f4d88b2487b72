from __future__ import annotations

import pytest

from benchmark.population import (
    LABEL_BANDS_MISSING,
    PopulationTable,
    area_of,
    band_of_age,
    sum_single_ages,
)
from tests.benchmark.factories import make_population


def test_band_denominator_and_fallback_to_whole_population() -> None:
    table = PopulationTable.of(make_population(children=100, adults=300, elderly=50))
    children = table.denominator("657", 2017, "0-17")
    assert (children.count, children.label) == (100, "0-17-årige")
    assert table.count("657", 2017, "total") == 450
    only_total = PopulationTable.of(make_population(total=1000))
    fallback = only_total.denominator("657", 2017, "18-64")
    assert (fallback.count, fallback.age_band, fallback.label) == (
        1000,
        "total",
        LABEL_BANDS_MISSING,
    )
    assert only_total.denominator("751", 2017, "total").count is None


def test_duplicates_are_errors() -> None:
    with pytest.raises(ValueError, match="to gange"):
        PopulationTable.of(make_population(total=1) + make_population(total=2))


def test_single_ages_sum_into_bands() -> None:
    counts = sum_single_ages(
        [("751", 2017, 0, 5), ("751", 2017, 17, 6), ("751", 2017, 18, 7), ("751", 2017, 65, 8)]
    )
    table = PopulationTable.of(counts)
    assert [table.count("751", 2017, b) for b in ("0-17", "18-64", "65+", "total")] == [
        11,
        7,
        8,
        26,
    ]
    assert band_of_age(64) == "18-64"
    with pytest.raises(ValueError):
        band_of_age(-1)


def test_region_uses_the_whole_region_population() -> None:
    assert area_of("1082") == "082"
    assert area_of("751") == "751"
    assert area_of("1082", {}) == "1082"
