"""The reference formats are declared specs; the parsers find their columns through them."""

from __future__ import annotations

import pytest

from backend.reference.service import POPULATION_FORMATS
from backend.reference.sources import (
    parse_age_band_file,
    parse_pl_index,
    parse_population_totals,
)
from backend.reference.sources.common import read_table
from backend.reference.sources.formats import FORMATS, POPULATION_TOTALS


def test_every_population_format_of_the_service_is_declared() -> None:
    assert set(POPULATION_FORMATS) <= set(FORMATS)


@pytest.mark.parametrize("key", sorted(FORMATS))
def test_a_header_with_nothing_known_reports_every_required_column(key: str) -> None:
    spec = FORMATS[key]
    _, missing = spec.locate(read_table("x;y\n1;2\n"))
    assert [e.column for e in missing] == [c.name for c in spec.columns if c.required]
    assert all(e.row == 1 for e in missing)


def test_each_header_serves_one_column() -> None:
    """'omraade' names the code column when there is no other; then it is not the name."""
    positions, missing = POPULATION_TOTALS.locate(read_table("omraade;aar;folketal\n751;2017;1\n"))
    assert missing == []
    assert (positions["omraade_kode"], positions["navn"]) == (0, None)
    positions, _ = POPULATION_TOTALS.locate(read_table("kommunekode;omraade;aar;folketal\n"))
    assert (positions["omraade_kode"], positions["navn"]) == (0, 1)


def test_headers_are_matched_in_any_spelling() -> None:
    result = parse_pl_index("År;PL-indeks\n2016;100,0\n2017;101,6\n")
    assert result.ok and list(result.index) == [2016, 2017]


def test_missing_columns_are_named_as_the_format_declares() -> None:
    totals = parse_population_totals("kode;antal\n751;1\n")
    assert [e.message for e in totals.errors] == [
        "Kolonnen 'aar' mangler i overskriften.",
        "Kolonnen 'folketal_1_januar' mangler i overskriften.",
    ]
    bands = parse_age_band_file("kommunekode;alder_0_17\n751;1\n", year=2021)
    assert [e.column for e in bands.errors] == ["alder_18_64", "alder_65_plus"]
    assert "(forventet aar;indeks)" in parse_pl_index("aar;x\n2016;1\n").errors[0].message
