"""Writing user text into CSV and XLSX exports so it can never run as a formula."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from backend.tabular import danish_number_text, fold, neutralise_cell, set_text_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+45 1234", "'+45 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("Sølyst", "Sølyst"),
        (-2, -2),
        (None, None),
        (Decimal("1.5"), Decimal("1.5")),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def test_set_text_cell_never_writes_a_formula():
    wb = Workbook()
    cell = wb.active["A1"]
    set_text_cell(cell, '=HYPERLINK("http://x")')
    assert cell.data_type == "s"
    assert cell.quotePrefix
    out = io.BytesIO()
    wb.save(out)
    again = load_workbook(io.BytesIO(out.getvalue()))
    assert again.active["A1"].data_type == "s"


def test_set_text_cell_leaves_numbers_and_plain_text_alone():
    wb = Workbook()
    number, text = wb.active["A1"], wb.active["A2"]
    set_text_cell(number, 12)
    set_text_cell(text, "Sølyst")
    assert (number.data_type, number.value) == ("n", 12)
    assert (text.data_type, text.quotePrefix) == ("s", False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Køberkommune", "koeberkommune"),
        ("  Folketal 1. januar ", "folketal_1_januar"),
        ("ÅR", "aar"),
        ("Belægnings-procent (%)", "belaegnings_procent"),
    ],
)
def test_fold_is_the_key_headers_and_names_match_on(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.50"), "1234,50"),
        (Decimal("-0.0"), "0,0"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-7.25"), "-7,25"),
        (12, "12"),
        (0.1, "0,1"),
    ],
)
def test_numbers_in_a_csv_are_danish_text(value, expected):
    assert danish_number_text(value) == expected
