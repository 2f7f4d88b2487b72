from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from backend.reference.sources.population import PopulationRecord
from backend.reference.sources.population_files import (
    parse_age_band_file,
    parse_population_totals,
)

from .support import COUNTRY, REFERENCE, REGION, make_aliases, midtjylland_codes

TOTALS_2016_2018 = REFERENCE / "population" / "folk1a_total_1jan_2016_2018.csv"
ALL_MUNICIPALITIES = REFERENCE / "structural" / "folk1a_total_1jan_2007_2016_all_municipalities.csv"
AGE_BANDS_2021 = REFERENCE / "structural" / "alder_2021_midtjylland.csv"


def by_area_year(records: tuple[PopulationRecord, ...]) -> dict[tuple[str, int], int]:
    return {(r.area_code, r.year): r.count for r in records}


def test_totals_file_parses_with_names_checked_against_aliases() -> None:
    result = parse_population_totals(TOTALS_2016_2018.read_bytes(), aliases=make_aliases())
    assert result.errors == ()
    assert len(result.records) == 21 * 3
    assert {(r.quarter, r.age_band) for r in result.records} == {(1, "total")}
    counts = by_area_year(result.records)
    assert counts[COUNTRY, 2017] == 5748769
    assert counts["751", 2018] == 340421


@pytest.mark.parametrize("year", [2016, 2017, 2018])
def test_the_19_municipalities_sum_exactly_to_the_region(year: int) -> None:
    counts = by_area_year(parse_population_totals(TOTALS_2016_2018.read_bytes()).records)
    municipalities = midtjylland_codes()
    assert len(municipalities) == 19
    assert sum(counts[code, year] for code in municipalities) == counts[REGION, year]


def test_all_municipalities_file() -> None:
    result = parse_population_totals(ALL_MUNICIPALITIES.read_bytes())
    assert result.errors == ()
    assert len({r.area_code for r in result.records}) == 99  # 98 municipalities + Christiansø
    assert {r.year for r in result.records} == set(range(2007, 2017))
    national: dict[int, int] = defaultdict(int)
    for record in result.records:
        national[record.year] += record.count
    reference = by_area_year(parse_population_totals(TOTALS_2016_2018.read_bytes()).records)
    assert national[2016] == reference[COUNTRY, 2016]
    region_2016 = sum(
        r.count for r in result.records if r.year == 2016 and r.area_code in midtjylland_codes()
    )
    assert region_2016 == reference[REGION, 2016]


def test_region_flag_of_the_all_municipalities_file_matches_the_tenant() -> None:
    with ALL_MUNICIPALITIES.open(encoding="utf-8") as handle:
        flagged = {
            row["kommunekode"] for row in csv.DictReader(handle) if row["region_midtjylland"] == "Y"
        }
    assert flagged == midtjylland_codes()


def test_age_band_file_is_labelled_with_its_year() -> None:
    result = parse_age_band_file(AGE_BANDS_2021.read_bytes(), year=2021, aliases=make_aliases())
    assert result.errors == ()
    assert len(result.records) == 19 * 4
    assert {(r.year, r.quarter) for r in result.records} == {(2021, None)}
    aarhus = {r.age_band: r.count for r in result.records if r.area_code == "751"}
    assert aarhus == {"0-17": 64334, "18-64": 235859, "65+": 52558, "total": 352751}
    assert {r.area_code for r in result.records} == midtjylland_codes()


TOTALS_HEADER = "omraade_kode,omraade,aar,folketal_1_januar"

BAD_TOTALS = {
    "name of another area": (
        ["751,Samsø,2017,335684"],
        [(2, "omraade", "Navnet 'Samsø' hører til område 741, ikke 751 i række 2.")],
    ),
    "bad year and count at once": (
        ["751,Aarhus,17,335684", "741,Samsø,2017,mange"],
        [
            (2, "aar", "'17' er ikke et gyldigt årstal i række 2, kolonne 'aar'."),
            (
                3,
                "folketal_1_januar",
                "'mange' er ikke et tal i række 3, kolonne 'folketal_1_januar'.",
            ),
        ],
    ),
    "duplicate": (
        ["751,Aarhus,2017,1", "751,Århus,2017,1"],
        [(3, "omraade_kode", "Område 751 år 2017 optræder flere gange (række 2 og 3).")],
    ),
    "unknown area": (
        ["Xby,Xby,2017,1"],
        [(2, "omraade_kode", "Ukendt område 'Xby' i række 2, kolonne 'omraade_kode'.")],
    ),
}


@pytest.mark.parametrize(("rows", "expected"), BAD_TOTALS.values(), ids=BAD_TOTALS.keys())
def test_bad_totals_rows(rows: list[str], expected: list[tuple[int, str, str]]) -> None:
    result = parse_population_totals("\n".join([TOTALS_HEADER, *rows]), aliases=make_aliases())
    assert result.records == ()
    assert [(e.row, e.column, e.message) for e in result.errors] == expected


def test_totals_missing_column() -> None:
    result = parse_population_totals("omraade_kode,aar\n751,2017\n")
    assert [(e.row, e.column) for e in result.errors] == [(1, "folketal_1_januar")]


def test_age_band_rows_must_add_up() -> None:
    text = "kommunekode,kommune,alder_0_17,alder_18_64,alder_65_plus,i_alt\n751,Aarhus,1,2,3,7\n"
    result = parse_age_band_file(text, year=2021)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "i_alt", "Aldersbåndene summer til 6, men i_alt er 7 i række 2, kolonne 'i_alt'.")
    ]


def test_totals_in_windows_1252_with_semicolons() -> None:
    text = "omraade_kode;omraade;aar;folketal_1_januar\n741;Samsø;2017;3.724\n"
    result = parse_population_totals(text.encode("cp1252"), aliases=make_aliases())
    assert result.records == (PopulationRecord("741", 2017, 1, "total", 3724),)
