"""Good files parse to the expected records; detection metadata is reported."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from backend.submissions.intake import (
    BelaegningRecord,
    Code,
    RegnskabRecord,
    TakstRecord,
    TilbudRecord,
    parse_upload,
)

from .factories import DATA, make_context

GOOD = DATA / "good"
D = Decimal

BELAEGNING = [
    BelaegningRecord(2, "A-101", "Bostedet A-101", 1, D(10), D(880), "751"),
    BelaegningRecord(3, "A-101", "Bostedet A-101", 2, D(10), D("905.5"), None),
    BelaegningRecord(4, "A-102", "Sølyst", 1, D("12.5"), D(1100), "751"),
]
REGNSKAB = [
    RegnskabRecord(2, "A-101", None, D(3_000_000), D("9.5"), D(-120_000), D(15_000), None, 2017),
    RegnskabRecord(3, "A-102", None, D("4500000.5"), D(12), D(80_000), D(0), None, 2017),
    RegnskabRecord(4, None, None, D("7500000.5"), D("21.5"), D(-40_000), D(15_000), None, 2017),
]
TAKSTER = [
    TakstRecord(2, "A-101", None, D(2600), None, D(97)),
    TakstRecord(3, "A-102", None, D("1850.75"), "Gruppe 1", D("96.5")),
]
TILBUD = [
    TilbudRecord(
        2,
        "A-101",
        "Bostedet A-101",
        "TP101",
        "psykisk_handicap",
        "doegn",
        "§ 108",
        D(10),
        True,
        date(2015, 1, 1),
        None,
    ),
    TilbudRecord(
        3,
        None,
        "Nyt bosted",
        "900",
        "voksne_sindslidelse",
        "dag",
        "§ 107",
        D("8.5"),
        False,
        date(2017, 1, 1),
        date(2018, 12, 31),
    ),
]
CASES = {
    "belaegning.xlsx": ("belaegning", BELAEGNING),
    "belaegning.csv": ("belaegning", BELAEGNING),
    # JSON rows are numbered by their position in the list (first object = 1)
    "belaegning.json": ("belaegning", [replace(r, row=r.row - 1) for r in BELAEGNING]),
    "regnskab.xlsx": ("regnskab", REGNSKAB),
    "regnskab.csv": ("regnskab", REGNSKAB),
    "takster.xlsx": ("takster", TAKSTER),
    "takster.csv": ("takster", TAKSTER),
    "tilbud.xlsx": ("tilbud", TILBUD),
    "tilbud.csv": ("tilbud", TILBUD),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_good_file_parses_to_expected_records(name: str):
    stream, expected = CASES[name]
    data = (GOOD / name).read_bytes()
    result = parse_upload(data, stream, make_context())

    assert result.ok, [e.to_dict() for e in result.errors]
    assert result.format == name.rsplit(".", 1)[1]
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.row_count == len(expected)
    assert list(result.records) == expected


def test_csv_metadata_detected():
    result = parse_upload((GOOD / "belaegning.csv").read_bytes(), "belaegning", make_context())
    assert (result.encoding, result.delimiter) == ("windows-1252", ";")
    result = parse_upload((GOOD / "takster.csv").read_bytes(), "takster", make_context())
    assert (result.encoding, result.delimiter) == ("utf-8-sig", ";")


def test_comma_delimited_utf8_without_bom():
    data = b'tilbud_id,kvartal,forbrug\nA-101,1,"1.234,5"\n'
    result = parse_upload(data, "belaegning", make_context())
    assert result.ok, result.errors
    assert (result.encoding, result.delimiter) == ("utf-8", ",")
    assert result.records[0].forbrug == Decimal("1234.5")


def test_formula_with_cached_value_is_accepted_with_a_warning():
    result = parse_upload(
        (GOOD / "belaegning_formula.xlsx").read_bytes(), "belaegning", make_context()
    )
    assert result.ok
    assert result.records[0].forbrug == Decimal(880)
    assert [(w.code, w.row, w.column) for w in result.warnings] == [(Code.FORMULA_CELL, 2, "E")]


def test_format_can_be_forced_and_sheet_is_reported():
    data = (GOOD / "regnskab.xlsx").read_bytes()
    result = parse_upload(data, "regnskab", make_context(), format="xlsx")
    assert result.sheet == "Regnskab"
    with pytest.raises(ValueError):
        parse_upload(data, "regnskab", make_context(), format="ods")
    with pytest.raises(ValueError):
        parse_upload(data, "nonsense", make_context())
