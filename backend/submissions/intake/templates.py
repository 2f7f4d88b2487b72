"""Upload templates per organisation, period and stream (XLSX and CSV).

Header decision: row 1 holds the Danish labels (what finance staff read); each header
cell carries a comment with the ASCII key and a short help text. The reader accepts the
label, the key and a few aliases, so a user who retypes a header with the key still
passes. The XLSX template has a hidden sheet "Lister" with the målgruppe names and
tilbudstyper that feed drop-down validations, a frozen header row, column widths and
number formats; the CSV template is semicolon-separated UTF-8 with BOM.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from backend.tabular import danish_number_text, neutralise_cell, set_text_cell

from .context import IntakeContext, OfferInfo
from .streams import Column, Kind, Stream, get_stream

TILBUDSTYPE_LABELS = {"dag": "dag", "doegn": "døgn", "aaben": "åben", "sikret": "sikret"}
LISTS_SHEET = "Lister"
DATE_FORMAT = "dd-mm-yyyy"
#: Blank rows below the pre-filled ones that still get formats and drop-downs.
SPARE_ROWS = 200
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _prefill(stream: Stream, context: IntakeContext) -> list[dict[str, Any]]:
    """Rows the template starts with: the organisation's offers (per quarter, for belægning)."""
    offers: Iterable[OfferInfo] = sorted(context.offers.values(), key=lambda o: o.tilbud_id)
    names = {g.kode: g.navn for g in context.maalgrupper}
    rows: list[dict[str, Any]] = []
    for offer in offers:
        base = {"tilbud_id": offer.tilbud_id, "tilbudsnavn": offer.navn}
        if stream.key == "belaegning":
            quarters = [context.quarter] if context.quarter else [1, 2, 3, 4]
            rows.extend({**base, "kvartal": q} for q in quarters)
        elif stream.key == "tilbud":
            rows.append(
                {
                    "tilbud_id": offer.tilbud_id,
                    "navn": offer.navn,
                    "tilbudsportalen_id": offer.tilbudsportalen_id,
                    "maalgruppe": names.get(offer.maalgruppe, offer.maalgruppe),
                    "tilbudstype": TILBUDSTYPE_LABELS.get(offer.tilbudstype, offer.tilbudstype),
                    "sel_paragraf": offer.sel_paragraf,
                    "normering": offer.normering,
                    "omfattet": "ja" if offer.omfattet else "nej",
                    "gyldig_fra": offer.gyldig_fra,
                    "gyldig_til": offer.gyldig_til,
                }
            )
        else:
            rows.append(base)
    return rows


def _write_header(ws: Worksheet, columns: tuple[Column, ...]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.label)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        note = f"Nøgle: {column.key}" + (" (skal udfyldes)" if column.required else "")
        if column.help:
            note += f"\n{column.help}"
        cell.comment = Comment(note, "Rammetal", width=260, height=90)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"


def _write_lists(wb: Workbook, context: IntakeContext) -> tuple[str, str]:
    """Hidden sheet with the drop-down lists; returns the two list formulas."""
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    lists["A1"], lists["B1"] = "Målgruppe", "Tilbudstype"
    for row, gruppe in enumerate(context.maalgrupper, start=2):
        set_text_cell(lists.cell(row=row, column=1), gruppe.navn)
    for row, label in enumerate(TILBUDSTYPE_LABELS.values(), start=2):
        lists.cell(row=row, column=2, value=label)
    last_gruppe = max(2, len(context.maalgrupper) + 1)
    last_type = len(TILBUDSTYPE_LABELS) + 1
    return (f"{LISTS_SHEET}!$A$2:$A${last_gruppe}", f"{LISTS_SHEET}!$B$2:$B${last_type}")


def _add_validations(
    ws: Worksheet, columns: tuple[Column, ...], formulas: tuple[str, str], last_row: int
) -> None:
    kinds = {Kind.MAALGRUPPE: formulas[0], Kind.TILBUDSTYPE: formulas[1]}
    for index, column in enumerate(columns, start=1):
        formula = kinds.get(column.kind)
        if formula is None:
            continue
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ugyldig værdi",
            error="Vælg en værdi fra listen.",
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(validation)


def _format_for(column: Column) -> str | None:
    return DATE_FORMAT if column.kind is Kind.DATE else column.number_format


def build_xlsx_template(stream: str | Stream, context: IntakeContext) -> bytes:
    """XLSX template for one organisation (``context.offers``), period and stream."""
    spec = get_stream(stream) if isinstance(stream, str) else stream
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet_title
    _write_header(ws, spec.columns)
    rows = _prefill(spec, context)
    last_row = len(rows) + 1 + SPARE_ROWS
    for index, column in enumerate(spec.columns, start=1):
        fmt = _format_for(column)
        for row in range(2, last_row + 1):
            cell = ws.cell(row=row, column=index)
            value = rows[row - 2].get(column.key) if row - 2 < len(rows) else None
            if value is not None:
                set_text_cell(cell, value)
            if fmt:
                cell.number_format = fmt
    if any(c.kind in (Kind.MAALGRUPPE, Kind.TILBUDSTYPE) for c in spec.columns):
        _add_validations(ws, spec.columns, _write_lists(wb, context), last_row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_value(value: Any) -> str:
    """A value as CSV text in Danish notation (decimal comma, ISO dates), neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, Decimal | int | float):
        return danish_number_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(neutralise_cell(str(value)))


def build_csv_template(stream: str | Stream, context: IntakeContext) -> bytes:
    """CSV template: ``;``-separated, UTF-8 with BOM (so Excel shows æøå), CRLF lines."""
    spec = get_stream(stream) if isinstance(stream, str) else stream
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.label for c in spec.columns])
    for row in _prefill(spec, context):
        writer.writerow([csv_value(row.get(c.key)) for c in spec.columns])
    return buffer.getvalue().encode("utf-8-sig")
