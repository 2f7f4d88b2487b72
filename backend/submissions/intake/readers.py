"""Readers: bytes → a `Table` (header plus an iterator of numbered rows).

Each reader raises `FileProblem` for a file it cannot read at all and otherwise yields
rows lazily; problems found while iterating (a corrupt XLSX part, a JSON item that is not
an object) are appended to ``Table.issues``. Row numbers are as the user sees them: the
header is row 1 (JSON: the object's 1-based position in the list).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import logging
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook

from .codes import Code
from .results import FileProblem, IntakeIssue
from .safety import formula_cells, has_formulas, inspect_xlsx, open_zip
from .text import fold

log = logging.getLogger(__name__)

Row = tuple[int, Sequence[Any]]
_CORRUPT = (zipfile.BadZipFile, zlib.error, ParseError, EOFError, KeyError, OSError)
#: openpyxl warnings about features it drops when reading; harmless for a data upload.
_HARMLESS_OPENPYXL = (
    "extension is not supported",
    "Conditional Formatting extension",
    "no default style",
    "DrawingML support is incomplete",
)


@dataclass
class Table:
    """A readable upload: header cells and numbered data rows, plus what was detected."""

    format: str
    header: Sequence[Any]
    rows: Iterator[Row]
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    formula_cells: Mapping[str, bool] = field(default_factory=dict)
    issues: list[IntakeIssue] = field(default_factory=list)


def _corrupt(detail: str = "") -> FileProblem:
    return FileProblem(
        Code.CORRUPT_FILE, f"Filen er beskadiget og kan ikke læses.{detail}".rstrip()
    )


# --------------------------------------------------------------------------- XLSX


def _pick_sheet(workbook: Any, wanted: Sequence[str]) -> Any:
    """The sheet named like the stream (folded), else the first visible worksheet."""
    sheets = list(workbook.worksheets)
    folded = {fold(ws.title): ws for ws in sheets}
    for name in wanted:
        if fold(name) in folded:
            return folded[fold(name)]
    for ws in sheets:
        if ws.sheet_state == "visible":
            return ws
    raise FileProblem(Code.NO_SHEET, "Projektmappen indeholder intet synligt regneark.")


def read_xlsx(data: bytes, sheet_names: Sequence[str] = ()) -> Table:
    """Open an XLSX (after `inspect_xlsx`) read-only, with cached values of formulas.

    The chosen sheet is also scanned for formula cells so validation can reject formulas
    without a cached value (``formula_without_value``) and warn about the rest.
    """
    inspect_xlsx(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except FileProblem:
        raise
    except (*_CORRUPT, ValueError, TypeError, AttributeError) as exc:
        raise _corrupt() from exc
    ws = _pick_sheet(workbook, sheet_names)
    ws.reset_dimensions()  # the stored <dimension> is often wrong; read what is there
    formulas: dict[str, bool] = {}
    path = getattr(ws, "_worksheet_path", None)
    if path:
        with open_zip(data) as zf:
            try:
                if has_formulas(zf, path):
                    formulas = formula_cells(zf, path)
            except _CORRUPT as exc:
                raise _corrupt() from exc
    rows = ws.iter_rows(values_only=True)
    try:
        header = next(rows, None)
    except _CORRUPT as exc:
        workbook.close()
        raise _corrupt() from exc
    table = Table(
        format="xlsx", header=header or (), rows=iter(()), sheet=ws.title, formula_cells=formulas
    )
    table.rows = _xlsx_rows(rows, workbook, table)
    return table


def _xlsx_rows(rows: Iterator[Sequence[Any]], workbook: Any, table: Table) -> Iterator[Row]:
    number = 1
    try:
        for number, values in enumerate(rows, start=2):
            yield number, values
    except _CORRUPT:
        table.issues.append(
            IntakeIssue(
                Code.CORRUPT_FILE,
                f"Filen er beskadiget efter række {number}.",
                sheet=table.sheet,
                row=number + 1,
            )
        )
    finally:
        workbook.close()


@contextlib.contextmanager
def openpyxl_warnings(issues: list[IntakeIssue]) -> Iterator[None]:
    """Turn openpyxl's UserWarnings into intake warnings (or a log line if harmless).

    openpyxl warns about workbook features it drops (data validation extensions,
    conditional formatting, drawings…). Those are recorded here instead of escaping to the
    caller; any other warning raised inside the block is re-issued unchanged.
    Note: `warnings.catch_warnings` is process-global, like every warnings filter.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for item in caught:
        module = getattr(item, "filename", "") or ""
        if issubclass(item.category, UserWarning) and "openpyxl" in module:
            text = str(item.message)
            if any(marker in text for marker in _HARMLESS_OPENPYXL):
                log.debug("openpyxl: %s", text)
            else:
                issues.append(
                    IntakeIssue(Code.WORKBOOK_WARNING, f"Bemærkning fra Excel-læseren: {text}")
                )
        else:
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)


# --------------------------------------------------------------------------- CSV


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else Windows-1252. UTF-16 rejected."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise FileProblem(
            Code.ENCODING,
            "Filen er gemt som UTF-16 (Unicode-tekst). Gem den som CSV UTF-8 eller "
            "CSV (semikolonsepareret).",
        )
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", data[len(codecs.BOM_UTF8) :]
    else:
        encoding, body = "utf-8", data
    try:
        return body.decode("utf-8"), encoding
    except UnicodeDecodeError:
        if encoding == "utf-8-sig":
            raise FileProblem(Code.ENCODING, "Filen har UTF-8-mærke, men ugyldige tegn.") from None
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise FileProblem(
            Code.ENCODING,
            f"Filen indeholder ugyldige tegn (byte {exc.start + 1}); gem den som CSV UTF-8.",
        ) from None


def sniff_delimiter(header_line: str) -> str:
    """``;`` (Danish Excel) or ``,`` from the header line; anything else is rejected."""
    if ";" in header_line:
        return ";"
    if "," in header_line:
        return ","
    detail = "tabulator" if "\t" in header_line else "intet kendt skilletegn"
    raise FileProblem(
        Code.DELIMITER,
        f"Overskriftslinjen bruger {detail}; kolonnerne skal adskilles med semikolon "
        "(eller komma).",
        row=1,
    )


def read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    end = text.find("\n")
    first_line = (text if end < 0 else text[:end]).rstrip("\r")
    if not first_line.strip():
        raise FileProblem(Code.NO_ROWS, "Filen har ingen overskriftslinje.", row=1)
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    table = Table(
        format="csv", header=header, rows=iter(()), encoding=encoding, delimiter=delimiter
    )
    table.rows = _csv_rows(reader, table)
    return table


def _csv_rows(reader: Any, table: Table) -> Iterator[Row]:
    try:
        yield from enumerate(reader, start=2)
    except csv.Error as exc:
        table.issues.append(
            IntakeIssue(Code.CORRUPT_FILE, f"CSV-filen kan ikke læses: {exc}.", row=reader.line_num)
        )


# --------------------------------------------------------------------------- JSON


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} er ikke et gyldigt tal i JSON")


def read_json(data: bytes) -> Table:
    """A list of objects, or ``{"rows": [...]}``; floats are read as Decimal."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(Code.ENCODING, "JSON skal være kodet som UTF-8.") from None
    try:
        document = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise FileProblem(
            Code.INVALID_JSON,
            f"Ugyldig JSON i linje {exc.lineno}, tegn {exc.colno}: {exc.msg}.",
        ) from None
    except ValueError as exc:
        raise FileProblem(Code.INVALID_JSON, f"Ugyldig JSON: {exc}.") from None
    items = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise FileProblem(
            Code.INVALID_STRUCTURE,
            'JSON skal være en liste af objekter eller et objekt med listen i "rows".',
        )
    keys: dict[str, None] = {}
    for item in items:
        if isinstance(item, dict):
            keys.update(dict.fromkeys(item))
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
                IntakeIssue(
                    Code.WRONG_TYPE, f"Element {number} er ikke et JSON-objekt.", row=number
                )
            )
