"""Danish numbers, dates and yes/no in cells, and the decimal mark of a file."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from backend.tabular import (
    CellProblem,
    TableCode,
    detect_decimal_mark,
    parse_danish_number,
    to_bool,
    to_date,
    to_decimal,
)


@pytest.mark.parametrize(
    ("values", "delimiter", "expected"),
    [
        (["1.234", "98,1"], ",", ","),
        (["1.234", "0.5"], ";", "."),
        (["1.234", "2.345"], ";", ","),
        (["1.234", "2.345"], ",", "."),
    ],
)
def test_detect_decimal_mark(values: list[str], delimiter: str, expected: str) -> None:
    assert detect_decimal_mark(values, delimiter) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", "1234"),
        ("1.234,5", "1234.5"),
        ("1234,5", "1234.5"),
        ("1234.5", "1234.5"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,5", "1234.5"),
        ("1\u202f234", "1234"),
        ("-1.234", "-1234"),
        ("\u22125", "-5"),
        ("1.234", "1234"),  # the ambiguous case: Danish thousands separator
        ("1.234.567", "1234567"),
        ("1.234.567,89", "1234567.89"),
        ("1,234", "1.234"),  # comma is always the decimal separator
        ("1.5", "1.5"),
        ("0.125", "0.125"),
        ("12.3456", "12.3456"),
        (",5", "0.5"),
        ("  42  ", "42"),
        ("+7", "7"),
    ],
)
def test_danish_numbers(text: str, expected: str):
    assert parse_danish_number(text) == Decimal(expected)
    assert str(parse_danish_number(text)) == expected


@pytest.mark.parametrize(
    "text", ["(1.234)", "1,234.5", "abc", "1e3", "12 34", "1.23.4", "1.234.5", "--1", "1,2,3"]
)
def test_rejected_numbers(text: str):
    with pytest.raises(CellProblem) as caught:
        parse_danish_number(text)
    assert caught.value.code == TableCode.NOT_A_NUMBER


def test_parentheses_message_explains_the_minus_sign():
    with pytest.raises(CellProblem) as caught:
        parse_danish_number("(1.234)")
    assert "minus" in caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, "0.1"),
        (1234.5, "1234.5"),
        (3, "3"),
        (Decimal("2.50"), "2.50"),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_cell_values_to_decimal(value, expected):
    result = to_decimal(value)
    assert (str(result) if result is not None else None) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (True, TableCode.WRONG_TYPE),
        ([1], TableCode.WRONG_TYPE),
        (float("nan"), TableCode.NOT_A_NUMBER),
        (datetime(2017, 1, 1), TableCode.NOT_A_NUMBER),
        ("#DIV/0!", TableCode.EXCEL_ERROR),
    ],
)
def test_cell_values_rejected(value, code):
    with pytest.raises(CellProblem) as caught:
        to_decimal(value)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-01-31", date(2017, 1, 31)),
        ("31-01-2017", date(2017, 1, 31)),
        ("31.01.2017", date(2017, 1, 31)),
        ("1/2/2017", date(2017, 2, 1)),
        (datetime(2017, 3, 1), date(2017, 3, 1)),
        (date(2017, 3, 1), date(2017, 3, 1)),
        ("2017-01-31 00:00:00", date(2017, 1, 31)),
        ("", None),
    ],
)
def test_dates(value, expected):
    assert to_date(value) == expected


@pytest.mark.parametrize(
    "value", ["31.02.2017", "2017/01/01", "jan 2017", 42736, datetime(2017, 1, 1, 12, 0)]
)
def test_invalid_dates(value):
    with pytest.raises(CellProblem) as caught:
        to_date(value)
    assert caught.value.code == TableCode.INVALID_DATE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ja", True),
        ("Nej", False),
        ("TRUE", True),
        ("false", False),
        (1, True),
        (0, False),
        (True, True),
        ("x", True),
        ("", None),
    ],
)
def test_booleans(value, expected):
    assert to_bool(value) is expected


@pytest.mark.parametrize(
    ("text", "ambiguous_dot", "expected"),
    [
        ("1.234", ",", "1234"),
        ("1.234", ".", "1.234"),
        ("-1.234", ".", "-1.234"),
        ("1.234.567", ".", "1234567"),  # several dots can only be thousands
        ("1.234,5", ".", "1234.5"),  # a comma settles it
        ("12.5", None, "12.5"),  # not three digits after the dot: a decimal point
    ],
)
def test_the_ambiguous_dot_is_the_callers_choice(text, ambiguous_dot, expected):
    assert parse_danish_number(text, ambiguous_dot=ambiguous_dot) == Decimal(expected)


def test_the_ambiguous_dot_can_be_refused():
    with pytest.raises(CellProblem) as caught:
        parse_danish_number("1.234", ambiguous_dot=None)
    assert caught.value.code == TableCode.AMBIGUOUS_NUMBER
    assert "1234 eller 1,234" in caught.value.message
