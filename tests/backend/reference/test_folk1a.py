from __future__ import annotations

from collections.abc import Callable

import pytest

from backend.reference.sources.common import DST_COUNTRY_AND_REGIONS
from backend.reference.sources.folk1a import parse_folk1a
from backend.reference.sources.population import (
    AGE_BANDS,
    PopulationRecord,
    parse_age,
    parse_time,
)

from .support import DATA, folk1a_text, make_aliases, single_ages


def bands(
    result_records: tuple[PopulationRecord, ...],
) -> dict[tuple[str, int, int | None], dict[str, int]]:
    out: dict[tuple[str, int, int | None], dict[str, int]] = {}
    for r in result_records:
        out.setdefault((r.area_code, r.year, r.quarter), {})[r.age_band] = r.count
    return out


# Worked out by hand from the fixture's single ages (see tests/data/reference/README.md).
DST_FIXTURE_BANDS = {
    ("741", 2017, 1): {"0-17": 839, "18-64": 2369, "65+": 516, "total": 3724},
    ("741", 2018, 1): {"0-17": 834, "18-64": 2369, "65+": 517, "total": 3720},
    ("751", 2017, 1): {"0-17": 75407, "18-64": 213521, "65+": 46756, "total": 335684},
    ("751", 2018, 1): {"0-17": 76233, "18-64": 216717, "65+": 47471, "total": 340421},
}


def test_dst_extract_by_age_sums_into_bands() -> None:
    result = parse_folk1a((DATA / "folk1a_alder_dst.csv").read_bytes(), make_aliases())
    assert result.errors == ()
    assert bands(result.records) == DST_FIXTURE_BANDS
    for counts in DST_FIXTURE_BANDS.values():
        assert counts["0-17"] + counts["18-64"] + counts["65+"] == counts["total"]


def test_records_are_sorted_frozen_and_in_band_order() -> None:
    result = parse_folk1a((DATA / "folk1a_alder_dst.csv").read_bytes(), make_aliases())
    assert [r.age_band for r in result.records[:4]] == list(AGE_BANDS)
    assert result.records[0] == PopulationRecord("741", 2017, 1, "0-17", 839)
    with pytest.raises(AttributeError):
        result.records[0].count = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.encode("cp1252"),
        lambda text: text.replace("\n", "\r\n").encode("cp1252"),
        lambda text: text,
    ],
    ids=["utf8", "utf8-bom", "cp1252", "cp1252-crlf", "str"],
)
def test_encodings_give_the_same_bands(encode: Callable[[str], bytes | str]) -> None:
    text = (DATA / "folk1a_alder_dst.csv").read_text(encoding="utf-8")
    result = parse_folk1a(encode(text), make_aliases())
    assert result.errors == ()
    assert bands(result.records) == DST_FIXTURE_BANDS


def test_windows_1252_file_with_total_breakdown_column() -> None:
    result = parse_folk1a((DATA / "folk1a_koen_cp1252.csv").read_bytes(), make_aliases())
    assert result.errors == ()
    assert result.records == (
        PopulationRecord("082", 2017, 1, "total", 1304253),
        PopulationRecord("741", 2017, 1, "total", 3724),
        PopulationRecord("751", 2017, 1, "total", 335684),
        PopulationRecord("760", 2017, 1, "total", 57022),
    )


GOOD_CASES = {
    "five-year groups and open top": (
        [
            "Aarhus;I alt;2017K1;95",
            *[f"Aarhus;{lo}-{lo + 4} år;2017K1;10" for lo in (0, 5, 10)],
            "Aarhus;15 år;2017K1;1",
            "Aarhus;16 år;2017K1;1",
            "Aarhus;17 år;2017K1;1",
            "Aarhus;18-64 år;2017K1;50",
            "Aarhus;65-84 år;2017K1;10",
            "Aarhus;85 år og derover;2017K1;2",
        ],
        {("751", 2017, 1): {"0-17": 33, "18-64": 50, "65+": 12, "total": 95}},
    ),
    "API value codes": (
        [
            "751;IALT;2018K1;126",
            *[f"751;{age};2018K1;1" for age in range(126)],
        ],
        {("751", 2018, 1): {"0-17": 18, "18-64": 47, "65+": 61, "total": 126}},
    ),
    "code and name, 100OV": (
        [*[f"751 Aarhus;{age};2018K1;2" for age in range(100)], "751 Aarhus;100OV;2018K1;3"],
        {("751", 2018, 1): {"0-17": 36, "18-64": 94, "65+": 73, "total": 203}},
    ),
    "year only, no total row": (
        single_ages("Samsø", "2016"),
        {("741", 2016, None): {"0-17": 18, "18-64": 47, "65+": 36, "total": 101}},
    ),
    "totals only": (
        ["Hele landet;I alt;2017K1;5748769", "Region Midt;I alt;2018K1;1313596"],
        {("000", 2017, 1): {"total": 5748769}, ("082", 2018, 1): {"total": 1313596}},
    ),
    "children only with total": (
        ["Odder;I alt;2017K1;22331", *[f"Odder;{age} år;2017K1;100" for age in range(18)]],
        {("727", 2017, 1): {"0-17": 1800, "total": 22331}},
    ),
    "thousands separators in INDHOLD": (
        ["Aarhus;I alt;2017K1;335.684"],
        {("751", 2017, 1): {"total": 335684}},
    ),
    "top age 99 accepted when I alt confirms it": (
        ["Samsø;I alt;2017K1;100", *[f"Samsø;{age} år;2017K1;1" for age in range(100)]],
        {("741", 2017, 1): {"0-17": 18, "18-64": 47, "65+": 35, "total": 100}},
    ),
}


@pytest.mark.parametrize(("rows", "expected"), GOOD_CASES.values(), ids=GOOD_CASES.keys())
def test_good_extracts(
    rows: list[str], expected: dict[tuple[str, int, int | None], dict[str, int]]
) -> None:
    result = parse_folk1a(folk1a_text(*rows), make_aliases())
    assert result.errors == ()
    assert bands(result.records) == expected


def test_extra_columns_at_their_total_are_accepted() -> None:
    text = folk1a_text(
        "Aarhus;I alt;TOT;Civilstand i alt;2017K1;7",
        header="OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD",
    )
    result = parse_folk1a(text, make_aliases())
    assert result.errors == ()
    assert result.records == (PopulationRecord("751", 2017, 1, "total", 7),)


def test_without_alder_column_every_row_is_the_total() -> None:
    text = folk1a_text("Aarhus;2017K1;335684", header="OMRÅDE;TID;INDHOLD")
    assert parse_folk1a(text, make_aliases()).records == (
        PopulationRecord("751", 2017, 1, "total", 335684),
    )


# (rows, header or None, [(row, column, message)])
BAD_CASES = {
    "unknown area": (
        ["Xby;I alt;2017K1;5"],
        None,
        [(2, "OMRÅDE", "Ukendt område 'Xby' i række 2.")],
    ),
    "unknown age, time and count, all at once": (
        ["Aarhus;gammel;2017K1;5", "Aarhus;I alt;2017X1;5", "Aarhus;I alt;2018K1;abc"],
        None,
        [
            (2, "ALDER", "Ukendt alder 'gammel' i række 2, kolonne 'ALDER'."),
            (
                3,
                "TID",
                "Ukendt tidsangivelse '2017X1' (forventet fx 2017K1 eller 2017) i række 3, kolonne 'TID'.",
            ),
            (4, "INDHOLD", "'abc' er ikke et tal i række 4, kolonne 'INDHOLD'."),
        ],
    ),
    "missing and fractional counts": (
        ["Aarhus;I alt;2017K1;..", "Samsø;I alt;2017K1;12,5", "Odder;I alt;2017K1;-1"],
        None,
        [
            (2, "INDHOLD", "'..' er ikke et tal i række 2, kolonne 'INDHOLD'."),
            (3, "INDHOLD", "'12,5' er ikke et helt tal i række 3, kolonne 'INDHOLD'."),
            (4, "INDHOLD", "'-1' er negativt i række 4, kolonne 'INDHOLD'."),
        ],
    ),
    "age group across bands": (
        ["Aarhus;15-19 år;2017K1;5"],
        None,
        [
            (
                2,
                "ALDER",
                "Aldersgruppen '15-19 år' i række 2 går på tværs af aldersbåndene 0-17, 18-64 og 65+; udtræk enkeltår.",
            )
        ],
    ),
    "sex breakdown": (
        [
            "Aarhus;Mænd;I alt;2017K1;5",
            "Aarhus;Kvinder;I alt;2017K1;5",
            "Samsø;Mænd;I alt;2017K1;5",
        ],
        "OMRÅDE;KØN;ALDER;TID;INDHOLD",
        [
            (
                2,
                "KØN",
                "Kolonnen 'KØN' er opdelt ('Mænd' i række 2); kun totalen 'I alt' kan indlæses. Udtræk tabellen med KØN = I alt.",
            ),
            (
                3,
                "KØN",
                "Kolonnen 'KØN' er opdelt ('Kvinder' i række 3); kun totalen 'I alt' kan indlæses. Udtræk tabellen med KØN = I alt.",
            ),
        ],
    ),
    "I alt twice": (
        ["Aarhus;I alt;2017K1;5", "751;I alt;2017K1;5"],
        None,
        [(3, "ALDER", "'I alt' optræder flere gange for Aarhus 2017K1 (række 2 og 3).")],
    ),
    "age twice": (
        ["Aarhus;3 år;2017K1;5", "Aarhus;0-4 år;2017K1;5"],
        None,
        [(3, "ALDER", "Alderen 3 år indgår flere gange for Aarhus 2017K1 (række 2 og 3).")],
    ),
    "incomplete band": (
        ["Aarhus;0 år;2017K1;5", "Aarhus;1 år;2017K1;5", "Aarhus;5 år;2017K1;5"],
        None,
        [
            (
                2,
                "ALDER",
                "Aldersbåndet 0-17 er ufuldstændigt for Aarhus 2017K1: mangler alder 2-4 år, alder 6-17 år.",
            )
        ],
    ),
    "65+ without top and without total": (
        [f"Samsø;{age} år;2017K1;1" for age in range(90)],
        None,
        [
            (
                2,
                "ALDER",
                "Aldersbåndet 65+ er ufuldstændigt for Samsø 2017K1: mangler alder 90 år og derover.",
            )
        ],
    ),
    "sum disagrees with I alt": (
        ["Samsø;I alt;2017K1;100", *single_ages("Samsø", "2017K1")],
        None,
        [
            (
                2,
                "INDHOLD",
                "Summen af aldrene (101) stemmer ikke med 'I alt' (100) for Samsø 2017K1 (række 2).",
            )
        ],
    ),
    "header without INDHOLD": (
        ["Aarhus;I alt;2017K1"],
        "OMRÅDE;ALDER;TID",
        [
            (
                1,
                "INDHOLD",
                "Kolonnen 'INDHOLD' mangler i overskriften (forventet OMRÅDE;ALDER;TID;INDHOLD).",
            )
        ],
    ),
}


@pytest.mark.parametrize(("rows", "header", "expected"), BAD_CASES.values(), ids=BAD_CASES.keys())
def test_bad_rows_give_every_error_with_row_and_column(
    rows: list[str], header: str | None, expected: list[tuple[int, str, str]]
) -> None:
    text = folk1a_text(*rows, header=header) if header else folk1a_text(*rows)
    result = parse_folk1a(text, make_aliases())
    assert result.records == ()
    assert [(e.row, e.column, e.message) for e in result.errors] == expected


def test_one_bad_row_among_good_rows_blocks_the_whole_file() -> None:
    text = (DATA / "folk1a_alder_dst.csv").read_text(encoding="utf-8") + "Xby;I alt;2017K1;5\n"
    result = parse_folk1a(text, make_aliases())
    assert result.records == ()
    assert [e.row for e in result.errors] == [410]


def test_undecodable_file_is_a_file_level_error() -> None:
    result = parse_folk1a(b"\xef\xbb\xbfOMR\xc5DE", make_aliases())
    assert result.errors and result.errors[0].row is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0 år", (0, 0)),
        ("99 år", (99, 99)),
        ("100 år", (100, 100)),
        ("100 år og derover", (100, None)),
        ("85 år og derover", (85, None)),
        ("0-4 år", (0, 4)),
        ("0 - 4 år", (0, 4)),
        ("I alt", None),
        ("IALT", None),
        ("Alder i alt", None),
        ("17", (17, 17)),
        ("100OV", (100, None)),
        ("100-", (100, None)),
        ("65+", (65, None)),
        ("5 years", (5, 5)),
        ("100 years and over", (100, None)),
    ],
)
def test_parse_age(text: str, expected: tuple[int, int | None] | None) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2017K1", (2017, 1)), ("2018k4", (2018, 4)), ("2017", (2017, None)), ("2017Q2", (2017, 2))],
)
def test_parse_time(text: str, expected: tuple[int, int | None]) -> None:
    assert parse_time(text) == expected


def test_standard_dst_names_for_country_and_regions() -> None:
    text = folk1a_text("Hele landet;I alt;2017K1;5748769", "Region Sjælland;I alt;2017K1;835024")
    result = parse_folk1a(text, DST_COUNTRY_AND_REGIONS)
    assert [(r.area_code, r.count) for r in result.records] == [("000", 5748769), ("085", 835024)]
