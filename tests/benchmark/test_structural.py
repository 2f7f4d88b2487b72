"""Structural indicators: hand-computed example and the real 2021 age-band extract."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from benchmark.structural import (
    derive_structural_indicators,
    indicator_catalogue,
    indicator_frame,
    indicator_matrix,
)

REFERENCE = Path(__file__).resolve().parents[2] / "tenants" / "reference" / "structural"


def make_population(
    area: str = "751", bands: dict[int, tuple[int, int, int]] | None = None
) -> list[dict[str, object]]:
    """Population records for one area: {year: (0-17, 18-64, 65+)}."""
    bands = bands or {2016: (20, 60, 20), 2017: (22, 62, 26)}
    return [
        {"area_code": area, "year": year, "age_band": band, "count": count}
        for year, counts in bands.items()
        for band, count in zip(("0-17", "18-64", "65+"), counts, strict=True)
    ]


def values_of(records: list[dict[str, object]]) -> dict[tuple[str, int, str], float]:
    return {
        (v.area_code, v.year, v.indicator_id): v.value
        for v in derive_structural_indicators(records)
    }


def test_hand_computed_example() -> None:
    values = values_of(make_population())
    assert values[("751", 2016, "andel_0_17")] == pytest.approx(0.20)
    assert values[("751", 2017, "andel_65_plus")] == pytest.approx(26 / 110)
    assert values[("751", 2016, "log_folketal")] == pytest.approx(math.log(100))
    assert values[("751", 2017, "befolkningsvaekst")] == pytest.approx(10.0)
    assert ("751", 2016, "befolkningsvaekst") not in values  # no 2015


def test_growth_needs_the_previous_year_not_just_an_earlier_one() -> None:
    values = values_of(make_population(bands={2015: (1, 1, 1), 2017: (2, 2, 2)}))
    assert ("751", 2017, "befolkningsvaekst") not in values


def test_shares_sum_to_one_and_carry_unit_and_source() -> None:
    derived = derive_structural_indicators(make_population(), source="test-kilde")
    frame = indicator_frame(derived)
    shares = frame[frame.indicator_id.str.startswith("andel_")]
    assert shares.groupby("year")["value"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert set(shares.unit) == {"andel (0-1)"}
    assert set(frame.source) == {"test-kilde"}
    growth = frame[frame.indicator_id == "befolkningsvaekst"]
    assert growth.unit.tolist() == ["%"]


def test_total_only_gives_size_and_growth_but_no_shares() -> None:
    records = [
        {"area_code": "101", "year": 2015, "age_band": "total", "count": 1000},
        {"area_code": "101", "year": 2016, "age_band": "total", "count": 1050},
    ]
    values = values_of(records)
    assert values[("101", 2016, "befolkningsvaekst")] == pytest.approx(5.0)
    assert not any(key[2].startswith("andel_") for key in values)


def test_total_that_disagrees_with_bands_is_rejected() -> None:
    records = make_population(bands={2016: (1, 2, 3)})
    records.append({"area_code": "751", "year": 2016, "age_band": "total", "count": 7})
    with pytest.raises(ValueError, match="disagrees"):
        derive_structural_indicators(records)


def test_unknown_band_is_rejected() -> None:
    records = [{"area_code": "1", "year": 2016, "age_band": "0-5", "count": 3}]
    with pytest.raises(ValueError, match="unknown age bands"):
        derive_structural_indicators(records)


def test_catalogue_defines_every_derived_indicator() -> None:
    catalogue = indicator_catalogue()
    ids = {v.indicator_id for v in derive_structural_indicators(make_population())}
    assert ids <= set(catalogue)
    assert all(ind.name_da and ind.definition and ind.unit for ind in catalogue.values())


def test_real_age_bands_2021_midtjylland() -> None:
    raw = pd.read_csv(REFERENCE / "alder_2021_midtjylland.csv", dtype={"kommunekode": str})
    bands = {"alder_0_17": "0-17", "alder_18_64": "18-64", "alder_65_plus": "65+"}
    records = raw.melt(id_vars=["kommunekode"], value_vars=list(bands), value_name="count")
    records = records.rename(columns={"kommunekode": "area_code"})
    records["age_band"] = records.pop("variable").map(bands)
    records["year"] = 2021
    matrix = indicator_matrix(derive_structural_indicators(records)).set_index("area_code")
    assert len(matrix) == 19
    shares = matrix[["andel_0_17", "andel_18_64", "andel_65_plus"]].sum(axis=1)
    assert shares.to_numpy() == pytest.approx(1.0, abs=1e-12)
    totals = raw.set_index("kommunekode")["i_alt"]
    assert matrix["log_folketal"].to_numpy() == pytest.approx(totals[matrix.index].map(math.log))
    # Samsø (741): 1.292 of 3.682 are 65+, the oldest municipality of the region.
    assert matrix.loc["741", "andel_65_plus"] == pytest.approx(1292 / 3682)
    assert matrix["andel_65_plus"].idxmax() == "741"
    by_code = raw.set_index("kommunekode")
    for column, indicator in [("alder_0_17", "andel_0_17"), ("alder_18_64", "andel_18_64")]:
        expected = (by_code[column] / by_code["i_alt"])[matrix.index]
        assert matrix[indicator].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)


def test_real_growth_from_the_national_series() -> None:
    raw = pd.read_csv(
        REFERENCE / "folk1a_total_1jan_2007_2016_all_municipalities.csv",
        dtype={"kommunekode": str},
    )
    records = pd.DataFrame(
        {
            "area_code": raw.kommunekode,
            "year": raw.aar,
            "age_band": "total",
            "count": raw.folketal_1_januar,
        }
    )
    values = indicator_matrix(derive_structural_indicators(records)).set_index(
        ["area_code", "year"]
    )
    aarhus = raw[raw.kommunekode == "751"].set_index("aar")["folketal_1_januar"]
    expected = 100 * (aarhus[2016] / aarhus[2015] - 1)
    assert values.loc[("751", 2016), "befolkningsvaekst"] == pytest.approx(expected)
    assert values.xs(2007, level="year")["befolkningsvaekst"].isna().all()
