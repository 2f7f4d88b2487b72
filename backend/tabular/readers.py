"""Readers: bytes → a `Table` (header plus an iterator of numbered rows).

Each reader raises `FileProblem` for a file it cannot read at all and otherwise yields
rows lazily; problems found while iterating (a corrupt XLSX part, a broken CSV quote, a
JSON item that is not an object) are appended to ``Table.issues``. Row numbers are as
the user sees them: the header is row ``header_row`` (1 unless lines above it were
skipped), a data row is its record's position after it (JSON: the object's 1-based
position in the list). Columns are 0-based positions; `column_letter` names them as
Excel does.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from .decoding import CSV_DELIMITERS, decode, sniff_delimiter
from .problems import FileProblem, TableCode, TableIssue

Row = tuple[int, Sequence[Any]]
XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and encrypted .xlsx
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
FORMATS = ("xlsx", "csv", "json")


@dataclass
class Table:
    """A readable file: header cells and numbered data rows, plus what was detected.

    ``comments`` are the ``(row, text)`` lines skipped above the header (CSV with a
    ``comment_prefix``); ``formula_cells`` maps a cell reference ("D7") of the XLSX sheet
    to whether its formula has a cached value.
    """

    format: str
    header: Sequence[Any]
    rows: Iterator[Row]
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1
    comments: tuple[tuple[int, str], ...] = ()
    formula_cells: Mapping[str, bool] = field(default_factory=dict)
    issues: list[TableIssue] = field(default_factory=list)


def column_letter(index: int) -> str:
    """Excel's name of the 0-based column ``index``: 0 → "A", 26 → "AA"."""
    return get_column_letter(index + 1)


def check_size(size: int, max_bytes: int) -> None:
    """Reject a file larger than ``max_bytes`` (before any parsing), or an empty one."""
    if size > max_bytes:
        raise FileProblem(
            TableCode.FILE_TOO_LARGE,
            f"Filen er større end de tilladte {max_bytes / 1_048_576:.1f} MB.".replace(".", ",", 1),
        )
    if size == 0:
        raise FileProblem(TableCode.EMPTY_FILE, "Filen er tom.")


def sniff_format(head: bytes) -> str:
    """``xlsx``, ``json`` or ``csv`` from the first bytes; legacy Excel is rejected."""
    if head.startswith(XLSX_MAGIC) or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        raise FileProblem(
            TableCode.UNSUPPORTED_FORMAT,
            "Filen er i det gamle Excel-format (.xls) eller beskyttet med adgangskode. "
            "Gem den som .xlsx uden adgangskode.",
        )
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped[:1] in (b"[", b"{"):
        return "json"
    return "csv"


# --------------------------------------------------------------------------- CSV

_SEP_LINE = re.compile(r"sep=([;,\t|])[ \t]*\r?\n", re.IGNORECASE)
#: csv.Error texts in Danish (the module's messages are English).
_CSV_ERRORS = (
    (
        "field larger than field limit",
        "et felt er længere end {limit} tegn (mangler et afsluttende anførselstegn?)",
    ),
    (
        "new-line character seen in unquoted field",
        "et linjeskift står midt i et felt uden anførselstegn",
    ),
    ("line contains nul", "linjen indeholder et NUL-tegn"),
    ("unexpected end of data", "filen slutter midt i et felt i anførselstegn"),
    ("expected", "et anførselstegn står forkert i et felt"),
)


def _csv_message(exc: csv.Error) -> str:
    text = str(exc).lower()
    for english, danish in _CSV_ERRORS:
        if english in text:
            return danish.format(limit=f"{csv.field_size_limit():,}".replace(",", "."))
    return "en linje kan ikke læses som CSV"


def _header_start(
    text: str, comment_prefix: str | None, skip_blank: bool
) -> tuple[int, int, list[tuple[int, str]]]:
    """Offset and row number of the header line, and the comment lines above it."""
    pos, number, comments = 0, 1, []
    while pos < len(text):
        end = text.find("\n", pos)
        line = (text[pos:] if end < 0 else text[pos:end]).rstrip("\r")
        is_comment = comment_prefix is not None and line.lstrip().startswith(comment_prefix)
        if not (is_comment or (skip_blank and not line.strip())):
            break
        if is_comment:
            comments.append((number, line.lstrip()[len(comment_prefix or "") :]))
        if end < 0:
            pos = len(text)
            break
        pos, number = end + 1, number + 1
    return pos, number, comments


def read_csv(
    data: bytes | str,
    *,
    delimiters: Sequence[str] = CSV_DELIMITERS,
    default_delimiter: str | None = None,
    utf16: bool = False,
    comment_prefix: str | None = None,
    skip_blank_lines: bool = False,
) -> Table:
    """A delimited text file; the delimiter is sniffed from the header line.

    ``comment_prefix`` lines (and, with ``skip_blank_lines``, blank lines) above the
    header are skipped and kept as ``comments``. Cells are returned as written.
    """
    text, encoding = decode(data, utf16=utf16)
    declared = _SEP_LINE.match(text)
    offset = 0
    if declared:  # Excel's "sep=;" first line names the delimiter
        offset = declared.end()
        text = text[offset:]
    start, header_row, comments = _header_start(text, comment_prefix, skip_blank_lines)
    if declared:
        header_row += 1
    end = text.find("\n", start)
    first_line = (text[start:] if end < 0 else text[start:end]).rstrip("\r")
    if not first_line.strip():
        raise FileProblem(
            TableCode.NO_ROWS, "Filen er tom: der er ingen overskriftslinje.", row=header_row
        )
    if declared:
        delimiter = declared[1]
    else:
        delimiter = sniff_delimiter(first_line, delimiters, default=default_delimiter)
    reader = csv.reader(io.StringIO(text[start:], newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FileProblem(
            TableCode.CORRUPT_FILE,
            f"CSV-filen kan ikke læses: {_csv_message(exc)}.",
            row=header_row,
        ) from None
    table = Table(
        format="csv",
        header=header,
        rows=iter(()),
        encoding=encoding,
        delimiter=delimiter,
        header_row=header_row,
        comments=tuple(comments),
    )
    table.rows = _csv_rows(reader, table)
    return table


def _csv_rows(reader: Any, table: Table) -> Iterator[Row]:
    try:
        yield from enumerate(reader, start=table.header_row + 1)
    except csv.Error as exc:
        table.issues.append(
            TableIssue(
                TableCode.CORRUPT_FILE,
                f"CSV-filen kan ikke læses i række {table.header_row + reader.line_num - 1}: "
                f"{_csv_message(exc)}.",
                row=table.header_row + reader.line_num - 1,
            )
        )


# --------------------------------------------------------------------------- JSON


_JSON_MESSAGES = {
    "Expecting value": "der mangler en værdi",
    "Expecting property name enclosed in double quotes": "et feltnavn skal stå i dobbelte "
    "anførselstegn",
    "Expecting ',' delimiter": "der mangler et komma",
    "Expecting ':' delimiter": "der mangler et kolon",
    "Extra data": "der er mere efter JSON-dokumentets slutning",
    "Unterminated string starting at": "en tekst mangler sit afsluttende anførselstegn",
    "Invalid control character at": "en tekst indeholder et styretegn",
    "Invalid \\escape": "en tekst har en ugyldig \\-escape",
}


def _json_message(msg: str) -> str:
    for english, danish in _JSON_MESSAGES.items():
        if msg.startswith(english):
            return danish
    return "dokumentet kan ikke læses"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} er ikke et gyldigt tal i JSON")


def read_json(data: bytes) -> Table:
    """A list of objects, or ``{"rows": [...]}``; floats are read as Decimal."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(TableCode.ENCODING, "JSON skal være kodet som UTF-8.") from None
    try:
        document = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise FileProblem(
            TableCode.INVALID_JSON,
            f"Ugyldig JSON i linje {exc.lineno}, tegn {exc.colno}: {_json_message(exc.msg)}.",
        ) from None
    except RecursionError:
        raise FileProblem(
            TableCode.INVALID_JSON, "Ugyldig JSON: filen er indlejret for mange niveauer."
        ) from None
    except ValueError as exc:
        detail = str(exc)
        if "digits" in detail:  # int literal beyond Python's 4.300-digit limit
            detail = "et tal har for mange cifre"
        raise FileProblem(TableCode.INVALID_JSON, f"Ugyldig JSON: {detail}.") from None
    items = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise FileProblem(
            TableCode.INVALID_STRUCTURE,
            'JSON skal være en liste af objekter eller et objekt med listen i "rows".',
        )
    keys: dict[str, None] = {}
    for item in items:
        if isinstance(item, dict):
            keys.update(dict.fromkeys(item))
    if items and not any(isinstance(item, dict) for item in items):
        raise FileProblem(
            TableCode.INVALID_STRUCTURE,
            f"JSON-listen har {len(items)} elementer, men ingen af dem er et objekt. Hver række "
            'skal være et objekt med kolonnenavnene som nøgler, fx {"tilbud_id": "…", '
            '"forbrug": 90}.',
        )
    header = tuple(keys)
    table = Table(format="json", header=header, rows=iter(()), encoding="utf-8")
    table.rows = _json_rows(items, header, table)
    return table


def _json_rows(items: list[Any], header: tuple[str, ...], table: Table) -> Iterator[Row]:
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            yield number, tuple(item.get(key) for key in header)
        else:
            table.issues.append(
                TableIssue(
                    TableCode.WRONG_TYPE, f"Element {number} er ikke et JSON-objekt.", row=number
                )
            )
