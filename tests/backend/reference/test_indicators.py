from __future__ import annotations

from decimal import Decimal

import pytest

from backend.reference.sources.indicators import (
    DEFINITIONS_FILE,
    IndicatorDefinition,
    IndicatorValue,
    parse_indicator_definitions,
    parse_structural_indicators,
)

from .support import DATA, make_aliases

DEFINITIONS = (DATA / "indikatorer_definitioner.csv").read_bytes()
DEFINITION_HEADER = "indikator;navn;definition;enhed;kilde"


def test_values_with_separate_definitions() -> None:
    result = parse_structural_indicators(
        (DATA / "indikatorer_2017_2018.csv").read_bytes(), DEFINITIONS, aliases=make_aliases()
    )
    assert result.errors == ()
    values = {(v.area_code, v.year, v.indicator): v.value for v in result.values}
    assert values["751", 2017, "udgift_pr_indbygger"] == Decimal("1234.5")
    assert values["741", 2017, "udgift_pr_indbygger"] == Decimal("2010")  # 2.010 in a Danish file
    assert values["730", 2017, "socioindeks"] == Decimal("1.04")
    assert ("741", 2018, "udgift_pr_indbygger") not in values  # ".." is missing, not 0
    assert len(result.values) == 14
    assert [d.code for d in result.definitions] == [
        "andel_0_17",
        "socioindeks",
        "udgift_pr_indbygger",
    ]
    assert result.definitions[0] == IndicatorDefinition(
        "andel_0_17",
        "Andel 0-17-årige",
        "0-17-årige i procent af befolkningen 1. januar",
        "%",
        "Danmarks Statistik, FOLK1A",
    )
    assert [(w.row, w.column) for w in result.warnings] == [(5, "udgift_pr_indbygger")]


def test_definitions_in_the_file_header() -> None:
    result = parse_structural_indicators((DATA / "indikatorer_med_overskrift.csv").read_bytes())
    assert result.errors == ()
    assert result.values == (
        IndicatorValue("741", 2017, "andel_65_plus", Decimal("34.6")),
        IndicatorValue("751", 2017, "andel_65_plus", Decimal("13.9")),
    )
    assert result.definitions[0].unit == "%"


def test_windows_1252_values_file() -> None:
    text = (
        "# "
        + DEFINITION_HEADER
        + "\n# tæthed;Befolkningstæthed;Indbyggere pr. km²;indb./km²;DST\nkommunekode;år;tæthed\n751;2017;731,5\n"
    )
    result = parse_structural_indicators(text.encode("cp1252"))
    assert result.errors == ()
    assert result.values == (IndicatorValue("751", 2017, "tæthed", Decimal("731.5")),)


BAD = {
    "text, unknown area, bad year, duplicate row": (
        "kommunekode;aar;andel_0_17\n751;2017;mange\nXby;2017;1\n751;17;1\n751;2017;2\n",
        [
            (2, "andel_0_17", "'mange' er ikke et tal i række 2, kolonne 'andel_0_17'."),
            (3, "kommunekode", "Ukendt område 'Xby' i række 3, kolonne 'kommunekode'."),
            (4, "aar", "'17' er ikke et gyldigt årstal i række 4, kolonne 'aar'."),
            (5, "kommunekode", "Område 751 år 2017 optræder flere gange (række 2 og 5)."),
        ],
    ),
    "undefined and duplicate indicator columns": (
        "kommunekode;aar;andel_0_17;ukendt;ANDEL_0_17\n751;2017;1;2;3\n",
        [
            (
                1,
                "ukendt",
                "Indikatoren 'ukendt' mangler en definition (navn, definition, enhed og kilde).",
            ),
            (1, "ANDEL_0_17", "Kolonnen 'ANDEL_0_17' optræder flere gange."),
        ],
    ),
    "missing year column": (
        "kommunekode;andel_0_17\n751;1\n",
        [(1, "aar", "Kolonnen 'aar' mangler i overskriften.")],
    ),
}


@pytest.mark.parametrize(("values", "expected"), BAD.values(), ids=BAD.keys())
def test_bad_values(values: str, expected: list[tuple[int, str, str]]) -> None:
    result = parse_structural_indicators(values, DEFINITIONS, aliases=make_aliases())
    assert result.values == () and result.definitions == ()
    assert [(e.row, e.column, e.message) for e in result.errors] == expected


def test_definition_file_errors_name_the_file() -> None:
    definitions = (
        f"{DEFINITION_HEADER}\n"
        "andel_0_17;Andel;def;;DST\n"
        "Andel 0-17;Andel;def;%;DST\n"
        "andel_0_17;Igen;def;%;DST\n"
    )
    found, errors = parse_indicator_definitions(definitions)
    assert found == ()
    assert [(e.file, e.row, e.column, e.message) for e in errors] == [
        (DEFINITIONS_FILE, 2, "enhed", "Feltet 'enhed' er tomt i række 2, kolonne 'enhed'."),
        (
            DEFINITIONS_FILE,
            3,
            "indikator",
            "Ugyldig indikatorkode 'Andel 0-17' i række 3, kolonne 'indikator': brug små bogstaver, tal og _.",
        ),
    ]


def test_duplicate_definition() -> None:
    definitions = f"{DEFINITION_HEADER}\na;A;d;%;k\na;B;d;%;k\n"
    _, errors = parse_indicator_definitions(definitions)
    assert [(e.row, e.message) for e in errors] == [
        (3, "Indikatoren 'a' er defineret flere gange (række 2 og 3).")
    ]


def test_header_definition_errors_point_at_the_file_line() -> None:
    text = "# " + DEFINITION_HEADER + "\n# a;A;;%;k\nkommunekode;aar;a\n751;2017;1\n"
    result = parse_structural_indicators(text)
    assert [(e.row, e.column) for e in result.errors] == [(2, "definition"), (3, "a")]


def test_conflicting_definitions_are_an_error() -> None:
    text = (
        "# "
        + DEFINITION_HEADER
        + "\n# andel_0_17;Anden;def;%;k\nkommunekode;aar;andel_0_17\n751;2017;1\n"
    )
    result = parse_structural_indicators(text, DEFINITIONS)
    assert [e.message for e in result.errors] == [
        "Indikatoren 'andel_0_17' er defineret forskelligt i filens overskrift og i definitionsfilen."
    ]


def test_errors_of_both_files_come_together() -> None:
    result = parse_structural_indicators(
        "kommunekode;aar;x\n751;2017;abc\n", "indikator;navn\nx;X\n"
    )
    assert {e.file for e in result.errors} == {DEFINITIONS_FILE, None}
    assert len(result.errors) == 5  # 3 missing definition columns, undefined x, 'abc'
