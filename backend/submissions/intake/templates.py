"""Upload templates per organisation, period and stream (XLSX and CSV).

Header decision: row 1 holds the Danish labels (what finance staff read); each header
cell carries a comment with the ASCII key and a short help text. The reader accepts the
label, the key and a few aliases, so a user who retypes a header with the key still
passes. The XLSX template has a hidden sheet "Lister" with the målgruppe names and
tilbudstyper that feed drop-down validations (the tilbudstype list depends on the row's
målgruppe), a frozen header row, column widths and number formats; the CSV template is
semicolon-separated UTF-8 with BOM.
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

from .cells import TILBUDSTYPE_NAVNE
from .context import IntakeContext, OfferInfo
from .streams import Column, Kind, Stream, get_stream

TILBUDSTYPE_LABELS = TILBUDSTYPE_NAVNE
LISTS_SHEET = "Lister"
DATE_FORMAT = "dd-mm-yyyy"
#: Blank rows below the pre-filled ones that still get formats and drop-downs.
SPARE_ROWS = 200
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="9C0006")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INFO_FILL = PatternFill("solid", fgColor="EDEDED")
_INFO_FONT = Font(color="595959")
GUIDE_SHEET = "Vejledning"
#: Marks a required column in the header; the reader ignores it (headers are folded).
REQUIRED_MARK = " *"
#: Key of a prefilled row's cell comments (column key → text), e.g. where a value is last
#: year's; the CSV template has no comments and writes the value alone.
NOTES = "_notes"
#: A 36-character offer id (UUID) is readable at this width.
ID_WIDTH = 38
_REGNSKAB_EXAMPLE = (
    ("Tilbuds-ID", "Tilbudsnavn", "Årets omkostninger (kr.)", "Belægning (årspladser)"),
    ("(tilbuddets ID)", "Bostedet Åen", 3_000_000, 9.5),
    ("(tilbuddets ID)", "Dagcentret", 1_200_000, 20),
    ("", "I alt for driftsherren", 4_200_000, 29.5),
)


def header_label(column: Column) -> str:
    """The header the templates write: the Danish label, `REQUIRED_MARK` when required."""
    return column.label + (REQUIRED_MARK if column.required else "")


def _info_only(stream: Stream, column: Column) -> bool:
    """Columns that are information only: the offer's name, and its id outside the registry
    stream (the id identifies the row; it is filled in by the template)."""
    return column.kind is Kind.INFO or (column.kind is Kind.OFFER and stream.key != "tilbud")


def _width(column: Column) -> int:
    if column.kind is Kind.OFFER:
        return ID_WIDTH
    return max(column.width, len(header_label(column)) + 3)


def _prefill(stream: Stream, context: IntakeContext) -> list[dict[str, Any]]:
    """Rows the template starts with: the organisation's offers (per quarter, for belægning,
    with the registry's normering for the year, else the one approved for the year before)."""
    offers: Iterable[OfferInfo] = sorted(context.offers.values(), key=lambda o: o.tilbud_id)
    names = {g.kode: g.navn for g in context.maalgrupper}
    rows: list[dict[str, Any]] = []
    for offer in offers:
        base: dict[str, Any] = {"tilbud_id": offer.tilbud_id, "tilbudsnavn": offer.navn}
        if stream.key == "belaegning":
            quarters = [context.quarter] if context.quarter else [1, 2, 3, 4]
            base["normering"] = _trimmed(offer.normering)  # the registry's, for the year
            last_year = context.previous_normering.get(offer.tilbud_id)
            if offer.normering is None and last_year is not None:
                base["normering"] = _trimmed(last_year)
                base[NOTES] = {"normering": _last_year_note(context)}
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


def _trimmed(number: Decimal | None) -> Decimal | None:
    """Without the storage scale's trailing zeros (10,00 → 10; 7,5000 → 7,5)."""
    if number is None:
        return None
    return (
        number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    )


def _last_year_note(context: IntakeContext) -> str:
    return (
        f"Sidste års normering: det er den godkendte normering for {context.year - 1}; "
        f"registret har ingen for {context.year}. Ret den, hvis tilbuddet har fået et andet "
        "antal pladser."
    )


def _write_header(ws: Worksheet, stream: Stream) -> None:
    for index, column in enumerate(stream.columns, start=1):
        cell = ws.cell(row=1, column=index, value=header_label(column))
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _INFO_FILL if _info_only(stream, column) else _HEADER_FILL
        note = f"Nøgle: {column.key}" + (" (skal udfyldes)" if column.required else "")
        if _info_only(stream, column):
            note += "\nKun til information; ændres ikke ved indlæsning."
        elif column.help:
            note += f"\n{column.help}"
        cell.comment = Comment(note, "Rammetal", width=260, height=90)
        ws.column_dimensions[get_column_letter(index)].width = _width(column)
    ws.freeze_panes = "A2"


def _write_guide(wb: Workbook, stream: Stream, context: IntakeContext) -> None:
    """A visible sheet after the data sheet that says what the marks mean (the reader picks
    the data sheet by its name, never this one)."""
    ws = wb.create_sheet(GUIDE_SHEET)
    lines = [
        f"Sådan udfylder du skabelonen ({stream.label})",
        "",
        f"Kolonner med{REQUIRED_MARK} i overskriften (rød skrift) skal udfyldes.",
        "Grå kolonner er kun til information; de ændres ikke ved indlæsning.",
        "Skriv tal med komma som decimaltegn (12,5). Procenter som tal (96) eller i et "
        "%-formateret felt (96 %).",
        f"Indlæs arket '{stream.sheet_title}'; dette ark læses ikke.",
    ]
    if stream.key == "belaegning":
        lines += [
            "",
            f"Normeringen er udfyldt fra registret for {context.year}. Har registret ingen for "
            f"{context.year}, er den godkendte normering for {context.year - 1} udfyldt; cellen "
            "har da en kommentar, der siger det.",
        ]
    if stream.key == "regnskab":
        lines += [
            "",
            "Totallinjen: en række uden Tilbuds-ID er driftsherrens samlede regnskab. Den "
            "sammenlignes med summen af tilbudslinjerne (afvigelser giver en advarsel).",
            "Eksempel:",
        ]
    for row, text in enumerate(lines, start=1):
        ws.cell(row=row, column=1, value=text).font = Font(bold=row == 1)
    if stream.key == "regnskab":
        start = len(lines) + 1
        for offset, values in enumerate(_REGNSKAB_EXAMPLE):
            for col, value in enumerate(values, start=1):
                ws.cell(row=start + offset, column=col, value=value).font = Font(bold=offset == 0)
        for letter in "BCD":
            ws.column_dimensions[letter].width = 26
    ws.column_dimensions["A"].width = 20


#: Lister: column A the målgrupper, B every tilbudstype, and from `_TYPE_COLUMN` on one
#: column per målgruppe (in catalogue order): its name, the number of its tilbudstyper, then
#: the tilbudstyper themselves.
_TYPE_COLUMN = 4
_TYPE_FIRST_ROW = 3


def _write_lists(wb: Workbook, context: IntakeContext) -> None:
    """Hidden sheet with the drop-down lists. The per-målgruppe columns come from the same
    catalogue entries (`Maalgruppe.tilbudstyper`) the upload checks a row against."""
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    lists["A1"], lists["B1"] = "Målgruppe", "Tilbudstype"
    for row, gruppe in enumerate(context.maalgrupper, start=2):
        set_text_cell(lists.cell(row=row, column=1), gruppe.navn)
    for row, label in enumerate(TILBUDSTYPE_LABELS.values(), start=2):
        lists.cell(row=row, column=2, value=label)
    for offset, gruppe in enumerate(context.maalgrupper):
        column = _TYPE_COLUMN + offset
        set_text_cell(lists.cell(row=1, column=column), gruppe.navn)
        types = gruppe.ordered_tilbudstyper()
        lists.cell(row=2, column=column, value=len(types))
        for row, kode in enumerate(types, start=_TYPE_FIRST_ROW):
            lists.cell(row=row, column=column, value=TILBUDSTYPE_LABELS.get(kode, kode))


def list_formulas(context: IntakeContext, maalgruppe_cell: str | None) -> dict[Kind, str]:
    """The drop-down formulas. The tilbudstype list depends on the row's målgruppe
    (``maalgruppe_cell``, e.g. ``$D2``, relative to the first data row): OFFSET picks the
    målgruppe's column in Lister, as high as its count. Blank or not a catalogue name (a
    typo, or the ASCII code): every tilbudstype; the upload still checks the type against
    the målgruppe. OFFSET, MATCH, INDEX and IF work in a list validation in Excel and in
    LibreOffice (which imports the formula and marks a type outside the målgruppe's list
    as invalid); INDIRECT on a defined name per målgruppe would need names that Danish
    målgruppe names are not."""
    last_gruppe = max(2, len(context.maalgrupper) + 1)
    gruppe_range = f"{LISTS_SHEET}!$A$2:$A${last_gruppe}"
    all_types = f"{LISTS_SHEET}!$B$2:$B${len(TILBUDSTYPE_LABELS) + 1}"
    formulas = {Kind.MAALGRUPPE: gruppe_range, Kind.TILBUDSTYPE: all_types}
    if maalgruppe_cell is None or not context.maalgrupper:
        return formulas
    match = f"MATCH({maalgruppe_cell},{gruppe_range},0)"
    first, last = (
        get_column_letter(_TYPE_COLUMN),
        get_column_letter(_TYPE_COLUMN + len(context.maalgrupper) - 1),
    )
    base = f"{LISTS_SHEET}!${get_column_letter(_TYPE_COLUMN - 1)}${_TYPE_FIRST_ROW}"
    counts = f"{LISTS_SHEET}!${first}$2:${last}$2"
    formulas[Kind.TILBUDSTYPE] = (
        f"IF(ISNA({match}),{all_types},OFFSET({base},0,{match},INDEX({counts},{match}),1))"
    )
    return formulas


def _add_validations(
    ws: Worksheet, columns: tuple[Column, ...], context: IntakeContext, last_row: int
) -> None:
    _write_lists(ws.parent, context)
    gruppe = next((i for i, c in enumerate(columns, 1) if c.kind is Kind.MAALGRUPPE), None)
    formulas = list_formulas(context, None if gruppe is None else f"${get_column_letter(gruppe)}2")
    for index, column in enumerate(columns, start=1):
        formula = formulas.get(column.kind)
        if formula is None:
            continue
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ugyldig værdi",
            error=(
                "Vælg en tilbudstype fra listen; den viser de typer, målgruppen har."
                if column.kind is Kind.TILBUDSTYPE and gruppe is not None
                else "Vælg en værdi fra listen."
            ),
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
    _write_header(ws, spec)
    rows = _prefill(spec, context)
    last_row = len(rows) + 1 + SPARE_ROWS
    for index, column in enumerate(spec.columns, start=1):
        fmt = _format_for(column)
        info = _info_only(spec, column)
        for row in range(2, last_row + 1):
            cell = ws.cell(row=row, column=index)
            prefilled = rows[row - 2] if row - 2 < len(rows) else {}
            value = prefilled.get(column.key)
            if value is not None:
                set_text_cell(cell, value)
            note = prefilled.get(NOTES, {}).get(column.key)
            if note:
                cell.comment = Comment(note, "Rammetal", width=260, height=90)
            if fmt:
                cell.number_format = fmt
            if info:
                cell.fill, cell.font = _INFO_FILL, _INFO_FONT
    if any(c.kind in (Kind.MAALGRUPPE, Kind.TILBUDSTYPE) for c in spec.columns):
        _add_validations(ws, spec.columns, context, last_row)
    _write_guide(wb, spec, context)
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
    writer.writerow([header_label(c) for c in spec.columns])
    for row in _prefill(spec, context):
        writer.writerow([csv_value(row.get(c.key)) for c in spec.columns])
    return buffer.getvalue().encode("utf-8-sig")
