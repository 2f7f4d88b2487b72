"""Decoding, delimiter sniffing and reading CSV and JSON into numbered rows."""

from __future__ import annotations

import codecs

import pytest

from backend.tabular import (
    FileProblem,
    TableCode,
    check_size,
    column_letter,
    decode,
    read_csv,
    read_json,
    sniff_delimiter,
    sniff_format,
)

TEXT = "kommune;antal\nKøge;5\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("cp1252"), "windows-1252"),
    ],
    ids=["utf8", "utf8-bom", "cp1252"],
)
def test_decode_utf8_with_or_without_bom_and_windows_1252(data: bytes, encoding: str) -> None:
    assert decode(data) == (TEXT, encoding)


def test_utf16_is_refused_unless_the_caller_reads_it() -> None:
    data = TEXT.encode("utf-16")
    with pytest.raises(FileProblem) as caught:
        decode(data)
    assert caught.value.issue.code == TableCode.ENCODING
    assert "UTF-16" in caught.value.issue.message
    assert decode(data, utf16=True) == (TEXT, "utf-16")


def test_utf16_without_bom_is_recognised_by_its_nul_bytes() -> None:
    with pytest.raises(FileProblem) as caught:
        decode(TEXT.encode("utf-16-le"), utf16=True)
    assert caught.value.issue.code == TableCode.ENCODING


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x81\x8d\x8f", "hverken UTF-8 eller Windows-1252"),
        (codecs.BOM_UTF8 + b"\xff", "UTF-8-mærke"),
    ],
)
def test_undecodable_bytes_are_an_encoding_problem(data: bytes, words: str) -> None:
    with pytest.raises(FileProblem) as caught:
        decode(data)
    assert caught.value.issue.code == TableCode.ENCODING
    assert words in caught.value.issue.message


@pytest.mark.parametrize(
    ("line", "expected"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a;b,c,d", ";"), ("Forbrug, dage;b", ";")],
)
def test_semicolon_is_preferred_then_comma(line: str, expected: str) -> None:
    assert sniff_delimiter(line) == expected


def test_tab_is_refused_unless_listed_and_a_single_column_takes_the_default() -> None:
    with pytest.raises(FileProblem) as caught:
        sniff_delimiter("a\tb")
    assert caught.value.issue.code == TableCode.DELIMITER
    assert "tabulator" in caught.value.issue.message
    assert sniff_delimiter("a\tb", (";", "\t", ",")) == "\t"
    assert sniff_delimiter("aar", (";", ","), default=";") == ";"


def test_read_csv_numbers_rows_as_the_user_sees_them() -> None:
    table = read_csv(b"a;b\r\n1;2\r\n\r\n3;4\r\n")
    assert (table.header, table.delimiter, table.encoding) == (["a", "b"], ";", "utf-8")
    assert list(table.rows) == [(2, ["1", "2"]), (3, []), (4, ["3", "4"])]


def test_read_csv_can_skip_blank_and_comment_lines_above_the_header() -> None:
    table = read_csv("\n# om filen\na,b\n1,2\n", comment_prefix="#", skip_blank_lines=True)
    assert (table.header_row, table.comments) == (3, ((2, " om filen"),))
    assert list(table.rows) == [(4, ["1", "2"])]


def test_a_csv_without_header_has_no_rows() -> None:
    with pytest.raises(FileProblem) as caught:
        read_csv(b"\r\nx;y\r\n")
    assert caught.value.issue.code == TableCode.NO_ROWS


def test_a_csv_error_while_reading_becomes_an_issue_at_its_row() -> None:
    table = read_csv(('a;b\n1;2\n3;"' + "x" * 200_000 + '"\n').encode())
    assert [number for number, _ in table.rows] == [2]
    assert [(i.code, i.row) for i in table.issues] == [(TableCode.CORRUPT_FILE, 3)]


def test_json_rows_are_numbered_by_position_and_floats_are_exact() -> None:
    table = read_json(b'[{"a": 1, "b": 0.1}, 5, {"b": "x"}]')
    assert tuple(table.header) == ("a", "b")
    rows = list(table.rows)
    assert [number for number, _ in rows] == [1, 3]
    assert str(rows[0][1][1]) == "0.1"
    assert [(i.code, i.row) for i in table.issues] == [(TableCode.WRONG_TYPE, 2)]


@pytest.mark.parametrize(
    ("head", "expected"),
    [(b"PK\x03\x04rest", "xlsx"), (b'\xef\xbb\xbf [{"a": 1}]', "json"), (b"a;b", "csv")],
)
def test_sniff_format(head: bytes, expected: str) -> None:
    assert sniff_format(head) == expected


def test_legacy_excel_and_sizes_are_refused() -> None:
    with pytest.raises(FileProblem) as caught:
        sniff_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert caught.value.issue.code == TableCode.UNSUPPORTED_FORMAT
    for size, code in [(0, TableCode.EMPTY_FILE), (11, TableCode.FILE_TOO_LARGE)]:
        with pytest.raises(FileProblem) as caught:
            check_size(size, 10)
        assert caught.value.issue.code == code


def test_column_letters_are_excels() -> None:
    assert [column_letter(i) for i in (0, 25, 26)] == ["A", "Z", "AA"]
