"""Danish number, date, yes/no, paragraph and quarter parsing, table-driven."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from backend.submissions.intake import Code, get_stream
from backend.submissions.intake.cells import converter_for
from backend.tabular import CellProblem, parse_danish_number, to_bool, to_date, to_decimal

from .factories import make_context, make_offer


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
    assert caught.value.code == Code.NOT_A_NUMBER


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
        (True, Code.WRONG_TYPE),
        ([1], Code.WRONG_TYPE),
        (float("nan"), Code.NOT_A_NUMBER),
        (datetime(2017, 1, 1), Code.NOT_A_NUMBER),
        ("#DIV/0!", Code.EXCEL_ERROR),
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
    assert caught.value.code == Code.INVALID_DATE


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


def _convert(stream: str, key: str, value, **context):
    column = get_stream(stream).column(key)
    return converter_for(column, make_context(**context))(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("§ 107", "§ 107"),
        ("§107", "§ 107"),
        ("107", "§ 107"),
        (107, "§ 107"),
        ("SEL § 108", "§ 108"),
        ("§ 66, stk. 1", "§ 66, stk. 1"),
        ("§ 85A", "§ 85a"),
    ],
)
def test_sel_paragraf_is_normalised(value, expected):
    assert _convert("tilbud", "sel_paragraf", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("døgn", "doegn"),
        ("Doegn", "doegn"),
        ("dag", "dag"),
        ("ÅBEN", "aaben"),
        ("aaben", "aaben"),
        ("sikret", "sikret"),
    ],
)
def test_tilbudstype_is_normalised(value, expected):
    assert _convert("tilbud", "tilbudstype", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Voksne med sindslidelse", "voksne_sindslidelse"),
        ("VOKSNE MED SINDSLIDELSE", "voksne_sindslidelse"),
        ("misbrug", "misbrug"),
        ("Sikrede institutioner for børn og unge", "sikrede_institutioner"),
    ],
)
def test_maalgruppe_by_code_or_name(value, expected):
    assert _convert("tilbud", "maalgruppe", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("751", "751"),
        (751, "751"),
        ("Århus", "751"),
        ("aarhus kommune", "751"),
        ("Ikast Brande", "756"),
        ("Ringkøbing-Skjern kommune", "760"),
        ("Viborg", "791"),
    ],
)
def test_koeberkommune_by_code_name_or_alias(value, expected):
    assert _convert("belaegning", "koeberkommune", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(1, 1), ("2", 2), ("Q3", 3), ("4. kvartal", 4), (2.0, 2)]
)
def test_kvartal(value, expected):
    assert _convert("belaegning", "kvartal", value) == expected


def test_kvartal_defaults_to_period_and_must_match_it():
    assert _convert("belaegning", "kvartal", None, quarter=2) == 2
    with pytest.raises(CellProblem) as caught:
        _convert("belaegning", "kvartal", 3, quarter=2)
    assert caught.value.code == Code.WRONG_QUARTER


@pytest.mark.parametrize("value", [101, 101.0, "101", " 101 "])
def test_offer_ids_from_number_cells(value):
    assert _convert("belaegning", "tilbud_id", value, offers=[make_offer("101")]) == "101"
