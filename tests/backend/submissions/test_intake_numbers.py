"""Paragraph, tilbudstype, målgruppe, kommune, quarter and offer cells, table-driven.

The Danish number, date and yes/no parsing they build on is tested in tests/backend/tabular.
"""

from __future__ import annotations

import pytest

from backend.submissions.intake import Code, get_stream
from backend.submissions.intake.cells import converter_for
from backend.tabular import CellProblem

from .factories import make_context, make_offer


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
