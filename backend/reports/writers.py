"""Writers of the ledelsesinformation: XLSX for the secretariat, CSV and JSON.

All three render ``document.layout(report)``, so they share headers, rows and notes.

Numbers: an XLSX cell holds the *presented* (rounded) value as a real number, with a
Danish-style number format (``#,##0`` for kr., 1.000 kr. and pladser, ``#,##0.0`` for
årspladser and %); what a reader sees is what Excel computes with, and the cells equal
the printed tables. Percentages are written in percent (7,2 means 7,2 %, the header
says "(%)"), the same number as in the CSV, the JSON and the engine, rather than as the
fraction 0,072 with a ``%`` format. The unrounded values are in the JSON (``raw``).
No value is the text "-". Text from data (driftsherre and målgruppe names, notes) is
written so that ``= + - @`` can never start a formula.

CSV: one file, long format (one line per figure, a ``Tabel`` column), not a zip of one
CSV per table: a finance officer double-clicks a .csv and Excel opens it (UTF-8 with
BOM so æøå survive, ``;`` and decimal comma as a Danish Excel expects); a zip has to be
unpacked first. The long format keeps every table in one rectangular sheet that
AutoFilter and a pivot table (rows ``Række``, columns ``Kolonne``) turn back into the
printed tables; the XLSX is the file that looks like the print.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from backend.reports.document import (
    ROUNDING_RULE,
    SHEET_NAMES,
    Block,
    LedelsesinformationReport,
    Value,
    e_title,
    layout,
)
from backend.reports.states import Publication
from backend.tabular import danish_number_text, neutralise_cell, set_text_cell
from benchmark.presentation import NO_VALUE

FRONT_SHEET = "Om tabellerne"
CSV_COLUMNS = (
    "Tabel",
    "Afsnit",
    "Række",
    "Opdeling",
    "Kolonne",
    "År",
    "Værdi",
    "Enhed",
    "Prisår",
    "Note",
)
NOTE_COLUMN = "Note"
DATE_FORMAT = "dd-mm-yyyy hh:mm"
TOTALS_RULE = "Totaler er Σ/Σ (fx Σregnskab ÷ Σbelægning), aldrig et gennemsnit af forholdstal"
DISPLAY_RULE = (
    "Cellerne indeholder de viste, afrundede tal; totaler er beregnet af de uafrundede "
    "værdier og kan afvige ±1 fra summen af de viste rækker"
)
_TZ_NAME = "Europe/Copenhagen"

_TITLE_FONT = Font(bold=True, size=13)
_BOLD = Font(bold=True)
_NOTE_FONT = Font(italic=True, color="595959")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
_RIGHT = Alignment(horizontal="right")
_FIRST_DATA_ROW = 4  # title, unit note, header


def suggested_filename(report: LedelsesinformationReport, extension: str) -> str:
    """File name for a download, e.g. ``ledelsesinformation_2017_kladde.xlsx``."""
    return f"ledelsesinformation_{report.year}_{report.status}.{extension}"


def number_format(value: Decimal) -> str:
    """Excel number format for a rounded value: ``#,##0`` or ``#,##0.0…`` (its decimals)."""
    decimals = max(0, -int(value.as_tuple().exponent))
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def _local(moment: datetime) -> tuple[datetime, str]:
    """``moment`` as naive local (Copenhagen) time for Excel, with the zone's name."""
    if moment.tzinfo is None:
        return moment, ""
    try:
        return moment.astimezone(ZoneInfo(_TZ_NAME)).replace(tzinfo=None), ""
    except ZoneInfoNotFoundError:  # no tz database on the machine: say it is UTC
        return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None), " (UTC)"


def status_text(report: LedelsesinformationReport) -> str:
    """The status as shown: "Kladde: …" or "Offentliggjort dd-mm-åååå kl. tt:mm"."""
    if report.status != Publication.OFFENTLIGGJORT or report.published_at is None:
        return "Kladde: ikke offentliggjort, tallene kan ændre sig"
    local, zone = _local(report.published_at)
    return f"Offentliggjort {local:%d-%m-%Y} kl. {local:%H:%M}{zone}"


# --------------------------------------------------------------------------- XLSX
def _text(ws: Worksheet, row: int, column: int, value: str, font: Font | None = None) -> Cell:
    cell = ws.cell(row=row, column=column)
    set_text_cell(cell, value)
    if font is not None:
        cell.font = font
    return cell


def _value_cell(cell: Cell, value: Value, bold: bool) -> None:
    shown = value.shown.value
    if shown is None:
        set_text_cell(cell, NO_VALUE)
        cell.alignment = _RIGHT
    else:
        cell.value = int(shown) if shown == shown.to_integral_value() else float(shown)
        cell.number_format = number_format(shown)
    if bold:
        cell.font = _BOLD


def _header(ws: Worksheet, row: int, block: Block) -> None:
    headers = (*block.label_headers, *(c.label for c in block.columns))
    for column, label in enumerate(headers, start=1):
        cell = _text(ws, row, column, label, _BOLD)
        cell.fill, cell.alignment = _HEADER_FILL, _HEADER_ALIGN
    ws.row_dimensions[row].height = 45


def _notes(ws: Worksheet, row: int, block: Block) -> int:
    """Row notes and table notes as note rows from ``row``; returns the next free row."""
    lines = [f"{' / '.join(r.labels)}: {r.note}" for r in block.rows if r.note]
    for text in (*lines, *block.notes):
        _text(ws, row, 1, text, _NOTE_FONT)
        row += 1
    return row


def _block(ws: Worksheet, row: int, block: Block) -> int:
    """Write the rows of ``block`` from ``row``; returns the next free row."""
    width = len(block.label_headers)
    for data in block.rows:
        for column, label in enumerate(data.labels, start=1):
            _text(ws, row, column, label, _BOLD if data.total else None)
        for column, value in enumerate(data.values, start=width + 1):
            _value_cell(ws.cell(row=row, column=column), value, data.total)
        row += 1
    return _notes(ws, row, block)


def _sheet(wb: Workbook, title: str, blocks: list[Block]) -> None:
    """One sheet: title, unit note, header (frozen) and the blocks below each other."""
    first = blocks[0]
    ws = wb.create_sheet(first.sheet)
    _text(ws, 1, 1, title, _TITLE_FONT)
    _text(ws, 2, 1, first.unit_note, _NOTE_FONT)
    _header(ws, 3, first)
    row = _FIRST_DATA_ROW
    for i, block in enumerate(blocks):
        if len(blocks) > 1:  # table E: a title per målgruppe, the header repeated
            if i > 0:
                row += 1
                _header(ws, row + 1, block)
            _text(ws, row, 1, block.title, _BOLD)
            row += 2 if i > 0 else 1
        row = _block(ws, row, block)
    label_columns = len(first.label_headers)
    ws.freeze_panes = ws.cell(row=_FIRST_DATA_ROW, column=label_columns + 1)
    widths = (48, 12) if label_columns == 2 else (30,)
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    for column in range(label_columns + 1, label_columns + len(first.columns) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 16
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _front(wb: Workbook, report: LedelsesinformationReport, blocks: tuple[Block, ...]) -> None:
    ws = wb.active
    ws.title = FRONT_SHEET
    _text(ws, 1, 1, f"Ledelsesinformation {report.year}", _TITLE_FONT)
    rows: list[tuple[str, Any]] = [
        ("År", report.year),
        ("Sammenlignet med", report.previous_year),
        ("Prisår", f"{report.price_year}-priser. {report.a.notes[0]}"),
        ("Status", status_text(report)),
    ]
    if report.status == Publication.OFFENTLIGGJORT and report.published_at is not None:
        rows.append(("Offentliggjort", _local(report.published_at)[0]))
    rows += [
        ("Kilde", report.source),
        ("Afrunding", f"{ROUNDING_RULE}. {DISPLAY_RULE}."),
        ("Totaler", f"{TOTALS_RULE}."),
        ("Ingen værdi", '"-" betyder ingen værdi, fx ingen gennemsnitspris ved belægning 0.'),
    ]
    row = 3
    for label, value in rows:
        _text(ws, row, 1, label, _BOLD)
        if isinstance(value, datetime):
            ws.cell(row=row, column=2, value=value).number_format = DATE_FORMAT
        elif isinstance(value, int):
            ws.cell(row=row, column=2, value=value).number_format = "0"
        else:
            _text(ws, row, 2, value)
        row += 1
    row += 1
    _text(ws, row, 1, "Tabeller", _BOLD)
    titles = {b.table: b.title for b in reversed(blocks)} | {"E": e_title(report)}
    for letter, sheet in SHEET_NAMES.items():
        row += 1
        _text(ws, row, 1, sheet)
        _text(ws, row, 2, titles[letter])
    if report.notes:
        row += 2
        _text(ws, row, 1, "Noter", _BOLD)
        for note in report.notes:
            row += 1
            _text(ws, row, 1, note, _NOTE_FONT)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 20, 100
    ws.freeze_panes = "A2"


def ledelsesinformation_xlsx(report: LedelsesinformationReport) -> bytes:
    """The ledelsesinformation as XLSX: a front sheet "Om tabellerne" (year, status,
    source, rounding rule, report notes) and one sheet per table A–E (table E with one
    block per målgruppe after the block for all målgrupper), Danish headers, units and
    price year in a note row, real numbers with Danish number formats, totals in bold,
    notes under each table."""
    blocks = layout(report)
    wb = Workbook()
    wb.properties.title = f"Ledelsesinformation {report.year}"
    wb.properties.creator = "Rammetal"
    _front(wb, report, blocks)
    for letter in SHEET_NAMES:
        group = [b for b in blocks if b.table == letter]
        title = e_title(report) if letter == "E" else group[0].title
        _sheet(wb, title, group)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------- CSV
def csv_number(value: Decimal | None) -> str:
    """A presented value as CSV text: decimal comma, no thousands separator, "-" for none."""
    return NO_VALUE if value is None else danish_number_text(value)


def _csv_lines(block: Block) -> Iterator[list[Any]]:
    section = "" if block.table != "E" else block.title
    for row in block.rows:
        label, split = row.labels[0], (row.labels[1] if len(row.labels) > 1 else "")
        for column, value in zip(block.columns, row.values, strict=True):
            yield [
                block.sheet,
                section,
                label,
                split,
                column.label,
                column.period,
                csv_number(value.shown.value),
                value.shown.unit,
                value.shown.price_year or "",
                row.note or "",
            ]
    for note in block.notes:
        yield [block.sheet, section, "", "", NOTE_COLUMN, "", "", "", "", note]


def ledelsesinformation_csv(report: LedelsesinformationReport) -> bytes:
    """All tables in one long CSV (columns ``CSV_COLUMNS``, one line per figure, the
    table notes as lines with ``Kolonne`` = "Note"): UTF-8 with BOM, ``;``-separated,
    CRLF, decimal comma, the presented (rounded) values, "-" for no value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    value_index = CSV_COLUMNS.index("Værdi")
    for block in layout(report):
        for line in _csv_lines(block):
            writer.writerow(
                [v if i == value_index else neutralise_cell(v) for i, v in enumerate(line)]
            )
    return buffer.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------- JSON
def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _json_value(value: Value) -> dict[str, Any]:
    return {
        "raw": _decimal(value.figure.value),
        "raw_unit": value.figure.unit,
        "value": _decimal(value.shown.value),
        "text": value.shown.text,
        "unit": value.shown.unit,
        "price_year": value.shown.price_year,
    }


def _json_block(block: Block) -> dict[str, Any]:
    return {
        "table": block.table,
        "key": block.key,
        "sheet": block.sheet,
        "title": block.title,
        "maalgruppe": block.maalgruppe,
        "unit_note": block.unit_note,
        "label_headers": list(block.label_headers),
        "columns": [
            {
                "key": c.key,
                "label": c.label,
                "measure": c.measure,
                "period": c.period,
                "unit": c.unit,
            }
            for c in block.columns
        ],
        "rows": [
            {
                "key": row.key,
                "labels": list(row.labels),
                "total": row.total,
                "note": row.note,
                "values": {
                    c.key: _json_value(v) for c, v in zip(block.columns, row.values, strict=True)
                },
            }
            for row in block.rows
        ],
        "notes": list(block.notes),
    }


def ledelsesinformation_json(report: LedelsesinformationReport) -> dict[str, Any]:
    """A JSON-ready dict: year, price year, status, source, rounding rule, report notes and
    ``tables`` (one entry per printed table, E per målgruppe). Every figure has ``raw``
    (unrounded, a Decimal as string, in ``raw_unit``), ``value`` (rounded, as string) and
    ``text`` (Danish, "-" for none) in ``unit``, and ``price_year``."""
    return {
        "title": f"Ledelsesinformation {report.year}",
        "year": report.year,
        "previous_year": report.previous_year,
        "price_year": report.price_year,
        "status": report.status,
        "status_text": status_text(report),
        "published_at": None if report.published_at is None else report.published_at.isoformat(),
        "source": report.source,
        "rounding": ROUNDING_RULE,
        "notes": list(report.notes),
        "tables": [_json_block(block) for block in layout(report)],
    }
