from __future__ import annotations

from decimal import Decimal

import pytest

from backend.organisations.aliases import AreaAliases
from backend.reference.sources.common import (
    SourceFormatError,
    decode_text,
    parse_count,
    parse_number,
    read_table,
)


@pytest.mark.parametrize(
    ("text", "ambiguous_dot", "expected"),
    [
        ("1.234,5", ",", Decimal("1234.5")),
        ("1234,5", ",", Decimal("1234.5")),
        ("1234.5", ",", Decimal("1234.5")),
        ("1234", ",", Decimal("1234")),
        ("-12,75", ",", Decimal("-12.75")),
        ("\u221212,75", ",", Decimal("-12.75")),
        ("1 234,5", ",", Decimal("1234.5")),
        ("1\u00a0234", ",", Decimal("1234")),
        ("1.234.567", None, Decimal("1234567")),
        ("1.234.567,89", ",", Decimal("1234567.89")),
        ("0.125", None, Decimal("0.125")),
        ("12.5", None, Decimal("12.5")),
        ("1.234", ",", Decimal("1234")),
        ("1.234", ".", Decimal("1.234")),
        (" 98,1 ", ",", Decimal("98.1")),
    ],
)
def test_parse_number_accepts_danish_and_plain_forms(
    text: str, ambiguous_dot: str | None, expected: Decimal
) -> None:
    assert parse_number(text, ambiguous_dot=ambiguous_dot) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "'abc' er ikke et tal"),
        ("", "'' er ikke et tal"),
        ("NaN", "'NaN' er ikke et tal"),
        ("Infinity", "'Infinity' er ikke et tal"),
        ("1,2,3", "'1,2,3' er ikke et tal"),
        ("12.34,5", "'12.34,5' er ikke et tal"),
        ("1,234.5", "'1,234.5' er ikke et tal"),
        ("12 kr.", "'12 kr.' er ikke et tal"),
    ],
)
def test_parse_number_rejects_text_in_danish(text: str, message: str) -> None:
    with pytest.raises(SourceFormatError, match=message):
        parse_number(text)


def test_parse_number_can_refuse_the_ambiguous_dot() -> None:
    with pytest.raises(SourceFormatError, match="tvetydigt"):
        parse_number("1.234", ambiguous_dot=None)


@pytest.mark.parametrize(
    ("text", "expected"), [("12.345", 12345), ("12345", 12345), ("0", 0), ("1.234,0", 1234)]
)
def test_parse_count(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "message"), [("12,5", "ikke et helt tal"), ("-3", "negativt"), ("..", "ikke et tal")]
)
def test_parse_count_rejects(text: str, message: str) -> None:
    with pytest.raises(SourceFormatError, match=message):
        parse_count(text)


TEXT = "OMRÅDE;TID\nSamsø;2017K1\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("cp1252"),
        TEXT.encode("utf-16"),
        "\ufeff" + TEXT,
        TEXT.replace("\n", "\r\n").encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "utf16-bom", "str-bom", "cp1252-crlf"],
)
def test_decode_variants_read_the_same(data: bytes | str) -> None:
    assert decode_text(data).replace("\r\n", "\n") == TEXT
    table = read_table(data)
    assert table.header == ("OMRÅDE", "TID")
    assert table.rows == ((2, ("Samsø", "2017K1")),)


def test_decode_rejects_undecodable_bytes() -> None:
    with pytest.raises(SourceFormatError, match="hverken UTF-8 eller Windows-1252"):
        decode_text(b"\x81\x8d\x8f")


def test_read_table_counts_blank_lines_and_sniffs_the_delimiter() -> None:
    table = read_table("a,b\n1,2\n\n3,4\n")
    assert table.delimiter == ","
    assert table.rows == ((2, ("1", "2")), (4, ("3", "4")))


def test_read_table_keeps_comment_lines_above_the_header() -> None:
    table = read_table("# x;y\n# 1;2\na;b\n5;6\n", comment_prefix="#")
    assert table.header_row == 3
    assert table.comments == ((1, " x;y"), (2, " 1;2"))
    assert table.rows == ((4, ("5", "6")),)


def test_empty_file_is_an_error() -> None:
    with pytest.raises(SourceFormatError, match="tom"):
        read_table(b"\n\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Aarhus", "751"),
        ("ÅRHUS", "751"),
        ("  århus   kommune ", "751"),
        ("751", "751"),
        ("751 Aarhus", "751"),
        ("082", "082"),
        ("Xby", None),
    ],
)
def test_area_aliases_resolve(value: str, expected: str | None) -> None:
    aliases = AreaAliases({"Aarhus": "751", "Århus": "751", "Århus Kommune": "751"})
    assert aliases.resolve(value) == expected


def test_conflicting_aliases_are_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="points at both"):
        AreaAliases({"Aarhus": "751", "AARHUS": "752"})
