"""Tables of the comparison pages, and their XLSX and CSV downloads.

A cell is one of five kinds, shown differently on the page and explained in its legend:
a value (``value``), zero (``zero``: a real 0, printed "0,0"), no data (``missing``:
nothing was reported, printed "ingen data", never 0), not applicable (``na``, e.g. the
Region has no peer group and no placement among the municipalities) and derived
(``derived``: an average computed from other organisations' values). Label cells are
``text``.

The downloads write what the page shows: real numbers rounded as presented, with the
Danish-style number formats of ``backend.reports.writers`` (XLSX) or decimal comma and
``;`` (CSV, UTF-8 with BOM, as the ledelsesinformation's CSV), and the kind's text
("ingen data", "ikke relevant") where there is no number. Text from data can never start
a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from backend.reports.writers import csv_number, number_format
from backend.submissions.intake.templates import set_text_cell
from backend.tabular.media import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from backend.tabular.text import neutralise_cell
from backend.web import format
from benchmark.presentation import round_half_up

__all__ = ["CSV_MEDIA_TYPE", "XLSX_MEDIA_TYPE", "Cell", "Row", "Table", "table_csv", "table_xlsx"]

# The kinds of ``backend.web.format`` (the page's macros render them).
VALUE, ZERO, NO_DATA, NOT_APPLICABLE, DERIVED, TEXT = (
    "value",
    "zero",
    "missing",
    "na",
    "derived",
    "text",
)
NO_DATA_TEXT = format.NO_DATA
NOT_APPLICABLE_TEXT = format.NOT_APPLICABLE
_BOLD = Font(bold=True)
_NOTE = Font(italic=True, color="595959")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Cell(format.Cell):
    """A page cell (``backend.web.format.Cell``: text, kind, right-aligned when numeric)
    with the rounded number behind it for the downloads (None for text and no value)."""

    number: Decimal | None = None


def text(value: str) -> Cell:
    return Cell(value, TEXT, numeric=False)


def number(value: Decimal | str | float | None, decimals: int, *, derived: bool = False) -> Cell:
    """A figure as a cell: "ingen data" when None, zero as its own kind, averages derived;
    the text in the pages' Danish format (``backend.web.format.number``)."""
    if value is None:
        return Cell(NO_DATA_TEXT, NO_DATA)
    raw = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = round_half_up(raw, decimals)
    assert rounded is not None
    kind = DERIVED if derived else (ZERO if raw == 0 else VALUE)
    return Cell(format.number(raw, decimals), kind, number=rounded)


def not_applicable() -> Cell:
    return Cell(NOT_APPLICABLE_TEXT, NOT_APPLICABLE)


def integer(value: int) -> Cell:
    return Cell(format.number(value, 0), VALUE, number=Decimal(value))


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    own: bool = False
    derived: bool = False


@dataclass(frozen=True)
class Table:
    """A table as shown and downloaded: ``key`` names the download, ``caption`` is the
    table's <caption>, ``row_header`` the index of the column that labels each row."""

    key: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    row_header: int = 0
    numeric: tuple[bool, ...] = field(default=())

    def is_numeric(self, column: int) -> bool:
        return self.numeric[column] if column < len(self.numeric) else False


def table_xlsx(table: Table, *, sheet: str = "Tabel") -> bytes:
    """One sheet: the caption, the header (frozen), the rows with real numbers and
    Danish-style number formats, then the notes."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    set_text_cell(ws.cell(row=1, column=1), table.caption)
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    for column, header in enumerate(table.headers, start=1):
        cell = ws.cell(row=2, column=column)
        set_text_cell(cell, header)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    row_number = 3
    for row in table.rows:
        for column, value in enumerate(row.cells, start=1):
            cell = ws.cell(row=row_number, column=column)
            if value.number is not None:
                n = value.number
                cell.value = int(n) if n == n.to_integral_value() else float(n)
                cell.number_format = number_format(n)
            else:
                set_text_cell(cell, value.text)
                if value.kind in (NO_DATA, NOT_APPLICABLE):
                    cell.alignment = Alignment(horizontal="right")
            if row.own or row.derived:
                cell.font = Font(bold=row.own, italic=row.derived)
        row_number += 1
    for note in _notes(table):
        set_text_cell(ws.cell(row=row_number, column=1), note)
        ws.cell(row=row_number, column=1).font = _NOTE
        row_number += 1
    ws.freeze_panes = "A3"
    for column in range(1, len(table.headers) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 18
    ws.column_dimensions[get_column_letter(table.row_header + 1)].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table_csv(table: Table) -> bytes:
    """The header and the rows (decimal comma, no thousands separator; "ingen data" and
    "ikke relevant" as text), then the notes as lines of their own; UTF-8 with BOM, ``;``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow(
            [
                csv_number(c.number) if c.number is not None else neutralise_cell(c.text)
                for c in row.cells
            ]
        )
    for note in _notes(table):
        writer.writerow([neutralise_cell(note)])
    return buffer.getvalue().encode("utf-8-sig")


def _notes(table: Table) -> Sequence[str]:
    return (*table.notes, "* afledt: gennemsnit beregnet af andre organisationers værdier")
