"""Validation: a `Table` → typed records, errors and warnings, all at once.

The header is matched first (unknown, duplicated, unnamed and missing columns), then every
row is converted cell by cell; a row whose cells are all valid goes through the stream's
row rules (cross-column checks, duplicates) and becomes a record. Nothing stops at the
first problem: the user gets every error in one round, up to ``max_errors``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import column_index_from_string

from backend.tabular import CellProblem, FileProblem, Table, TableCode, column_letter, fold

from .cells import converter_for
from .codes import Code
from .collector import Collector, PlannedColumn
from .context import IntakeContext
from .results import IntakeIssue
from .rules import ROW_RULES, RowRule
from .streams import Column, Kind, Stream

#: Columns a header may have (more is no template: 422 rather than a column without letter).
MAX_COLUMNS = 1000


def _needed(column: Column, context: IntakeContext) -> bool:
    """Required, or the quarter column of a yearly period (no quarter to default to)."""
    return column.required or (column.kind is Kind.KVARTAL and context.quarter is None)


def issue_order(issue: IntakeIssue) -> tuple[float, int]:
    """Sort key: file-level first, then by row and column; ``for_mange_fejl`` last."""
    if issue.code is Code.TOO_MANY_ERRORS:
        return (float("inf"), 0)
    column = column_index_from_string(issue.column) if issue.column else 0
    return (issue.row or 0, column)


def _letter(table: Table, index: int) -> str | None:
    return column_letter(index) if table.format != "json" else None


#: Data rows one upload may have, and the seconds its rows may take to validate.
MAX_ROWS = 100_000
MAX_SECONDS = 30.0


def header_text(cell: Any) -> str:
    """A header cell as text; a line break typed with Alt+Enter is a space (``Køber⏎kommune``
    and ``Normering⏎(pladser)`` are the same header as typed on one line)."""
    if cell is None:
        return ""
    return " ".join(str(cell).split())


def _where(table: Table) -> str:
    sheet = f" i arket '{table.sheet}'" if table.sheet else ""
    return f"række {table.header_row}{sheet}"


def plan_columns(
    table: Table, stream: Stream, context: IntakeContext, out: Collector
) -> list[PlannedColumn] | None:
    """Match the header to the stream's columns; None when nothing matches at all."""
    by_folded = {key: col for col in stream.columns for key in col.header_keys()}
    plan: dict[str, PlannedColumn] = {}
    unknown: list[tuple[int, str]] = []
    head = table.header_row
    for index, raw in enumerate(table.header):
        text = header_text(raw)
        if not text:
            continue
        column = by_folded.get(fold(text))
        if column is None and raw is not None and "\n" in str(raw):
            column = by_folded.get(fold(str(raw).replace("\r", "").replace("\n", "")))
        letter = _letter(table, index)
        if column is None:
            unknown.append((index, text))
        elif column.key in plan:
            out.at(
                Code.DUPLICATE_COLUMN,
                f"Kolonnen '{text}' findes mere end én gang i overskriften ({_where(table)}).",
                head,
                value=text,
                letter=letter,
                header=text,
            )
        else:
            plan[column.key] = PlannedColumn(
                index,
                column,
                letter,
                text,
                converter_for(column, context),
                _needed(column, context),
            )
    if not plan:
        shown = ", ".join(f"'{header_text(c)}'" for c in table.header if header_text(c))[:200]
        out.at(
            Code.INVALID_HEADER,
            f"Overskriften er læst i {_where(table)} ({shown}), men ingen af kolonnerne "
            "genkendes. Forventede kolonner: "
            + ", ".join(c.label for c in stream.columns)
            + ". Brug skabelonen, eller ret overskriftsrækken.",
            head,
        )
        return None
    for index, text in unknown:
        out.at(
            Code.UNKNOWN_COLUMN,
            f"Kolonnen '{text}' kendes ikke (overskriften er læst i {_where(table)}). "
            f"Kolonnerne hedder: {', '.join(c.label for c in stream.columns)}.",
            head,
            value=text,
            letter=_letter(table, index),
            header=text,
        )
    for column in stream.columns:
        if _needed(column, context) and column.key not in plan:
            out.at(
                Code.MISSING_COLUMN,
                f"Kolonnen '{column.label}' mangler (overskriften er læst i {_where(table)}).",
                head,
                header=column.label,
            )
    return sorted(plan.values(), key=lambda p: p.index)


def _is_empty(values: Sequence[Any]) -> bool:
    first = values[0] if values else None
    if first is not None and (type(first) is not str or first.strip()):
        return False  # fast path: the first cell (tilbud_id) is usually filled
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


@dataclass
class RowLoop:
    """State of one pass over the data rows."""

    table: Table
    plan: list[PlannedColumn]
    out: Collector
    rule: RowRule
    unnamed: frozenset[int]
    blocked: frozenset[str]  # "D7" refs of formulas without a cached value
    header_width: int
    complete: bool  # all required columns present; otherwise rows are only checked
    max_rows: int = MAX_ROWS
    max_seconds: float = MAX_SECONDS
    records: list[Any] = field(default_factory=list)
    row_count: int = 0
    #: Offer ids of rows the template prefilled and nobody filled in (see `_untouched`).
    untouched: list[str] = field(default_factory=list)
    #: Indexes of the cells a reporter fills in (required, not the offer or its name).
    value_cells: tuple[int, ...] = ()
    offer_cell: int | None = None

    def run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        for number, values in self.table.rows:
            if number & 1023 == 0 and time.monotonic() > deadline:
                raise FileProblem(
                    TableCode.TOO_SLOW,
                    f"Filen tager for lang tid at læse: efter {self.max_seconds:.0f} sekunder var "
                    f"kun række {number:,} nået. Del filen op, eller slet tomme rækker og "
                    "kolonner med indhold.".replace(",", "."),
                    sheet=self.table.sheet,
                )
            if _is_empty(values):
                continue
            if self._untouched(values):
                continue
            self.row_count += 1
            if self.row_count > self.max_rows:
                raise FileProblem(
                    TableCode.TOO_MANY_ROWS,
                    f"Filen har mere end {self.max_rows:,} datarækker (række {number:,}); højst "
                    f"{self.max_rows:,} er tilladt pr. fil. Del filen op.".replace(",", "."),
                    sheet=self.table.sheet,
                    row=number,
                )
            if self.out.full:
                continue  # keep counting rows, stop spending time on a hopeless file
            fields = self._convert(number, values)
            if fields is not None and self.complete:
                record = self.rule(number, fields, self.out)
                if record is not None:
                    self.records.append(record)

    def _untouched(self, values: Sequence[Any]) -> bool:
        """A row the template prefilled with an offer and that was left as it was: the offer
        is there, every cell the template leaves to the reporter is empty. Not an error per cell: one
        warning names the offers (:func:`untouched_warning`), and completeness counts them
        as not reported."""
        if self.offer_cell is None or not self.value_cells:
            return False
        width = len(values)
        offer = values[self.offer_cell] if self.offer_cell < width else None
        if offer is None or not str(offer).strip():
            return False
        if any(i < width and not _is_empty((values[i],)) for i in self.value_cells):
            return False
        self.untouched.append(str(offer).strip())
        return True

    def _convert(self, number: int, values: Sequence[Any]) -> dict[str, Any] | None:
        fields: dict[str, Any] = {}
        good = True
        width = len(values)
        if width > MAX_COLUMNS:
            self.out.at(
                Code.TOO_MANY_COLUMNS,
                f"Rækken har {width:,} felter; højst {MAX_COLUMNS:,} er tilladt.".replace(",", "."),
                number,
            )
            return None
        if self.table.delimiter == "," and width > self.header_width:
            extra = [v for v in values[self.header_width :] if not _is_empty((v,))]
            if extra:
                self.out.at(
                    Code.TOO_MANY_FIELDS,
                    f"Rækken har {width} felter, men overskriften har {self.header_width}. Filen "
                    "er kommasepareret, så et tal med decimalkomma (fx 1005,5) deles i to felter: "
                    "sæt tallet i anførselstegn, eller gem filen som CSV (semikolonsepareret).",
                    number,
                )
                return None
        for col in self.plan:
            raw = values[col.index] if col.index < width else None
            if self.blocked and f"{col.letter}{number}" in self.blocked:
                good = False  # reported once per cell by `_formula_issues`
                continue
            try:
                value = col.convert(raw)
            except CellProblem as problem:
                self.out.at(Code(problem.code), problem.message, number, col, raw)
                good = False
                continue
            if value is None and col.required:
                self.out.at(
                    Code.REQUIRED, f"Feltet '{col.column.label}' skal udfyldes.", number, col
                )
                good = False
            fields[col.column.key] = value
        if (self.unnamed or width > self.header_width) and self._unnamed_cells(number, values):
            good = False
        return fields if good else None

    def _unnamed_cells(self, number: int, values: Sequence[Any]) -> bool:
        found = False
        for index in (*sorted(self.unnamed), *range(self.header_width, len(values))):
            if index < len(values) and not _is_empty((values[index],)):
                self.out.at(
                    Code.UNNAMED_COLUMN,
                    "Cellen har en værdi, men kolonnen har ingen overskrift.",
                    number,
                    value=values[index],
                    letter=_letter(self.table, index),
                )
                found = True
        return found


def _formula_issues(table: Table, plan: list[PlannedColumn], out: Collector) -> frozenset[str]:
    """Errors for formulas without a cached value; one warning per column for the rest."""
    if not table.formula_cells:
        return frozenset()
    by_letter = {p.letter: p for p in plan}
    blocked: set[str] = set()
    cached: dict[str, list[int]] = {}
    for ref, has_value in table.formula_cells.items():
        letter = ref.rstrip("0123456789")
        row = int(ref[len(letter) :] or 0)
        if row <= table.header_row:
            continue
        if has_value:
            cached.setdefault(letter, []).append(row)
            continue
        blocked.add(ref)
        out.at(
            Code.FORMULA_WITHOUT_VALUE,
            "Cellen indeholder en formel uden beregnet værdi. Åbn filen i Excel, lad den "
            "beregne og gem igen – eller indsæt værdierne.",
            row,
            by_letter.get(letter),
            letter=letter,
        )
    for letter, rows in sorted(cached.items()):
        col = by_letter.get(letter)
        name = col.column.label if col else letter
        out.at(
            Code.FORMULA_CELL,
            f"Kolonnen '{name}' indeholder {len(rows)} formel(er); de beregnede værdier er brugt.",
            min(rows),
            col,
            letter=letter,
        )
    return frozenset(blocked)


#: The columns a stream's template prefills for each offer (and quarter): a row with only
#: these filled in was left as the template wrote it.
PREFILLED_COLUMNS: dict[str, frozenset[str]] = {
    "belaegning": frozenset({"tilbud_id", "tilbudsnavn", "kvartal", "normering"}),
    "regnskab": frozenset({"tilbud_id", "tilbudsnavn"}),
    "takster": frozenset({"tilbud_id", "tilbudsnavn"}),
}


def untouched_warning(
    offer_ids: Sequence[str], context: IntakeContext, sheet: str | None
) -> IntakeIssue:
    """One warning for every prefilled row left empty, naming the offers once each."""
    names = list(
        dict.fromkeys(context.offers[i].navn if i in context.offers else i for i in offer_ids)
    )
    count = len(names)
    return IntakeIssue(
        Code.OFFERS_NOT_FILLED,
        f"{count} tilbud fra skabelonen er ikke udfyldt og er ikke "
        f"indberettet: {', '.join(names)}. Udfyld rækkerne, eller skriv i sekretariatets "
        "kommentar, hvorfor tilbuddet ikke har tal i perioden.",
        sheet=sheet,
    )


def validate_table(
    table: Table,
    stream: Stream,
    context: IntakeContext,
    max_errors: int = 1000,
    *,
    max_rows: int = MAX_ROWS,
    max_seconds: float = MAX_SECONDS,
) -> tuple[list[Any], Collector, int]:
    """Validate every row of ``table``; returns (records, collected issues, row count)."""
    out = Collector(sheet=table.sheet, max_errors=max_errors)
    if all(cell is None or not str(cell).strip() for cell in table.header):
        what = f"Arket '{table.sheet}' er tomt" if table.sheet else "Filen er tom"
        out.at(Code.NO_ROWS, f"{what}: der er hverken overskrift eller datarækker.")
        return [], out, 0
    if len(table.header) > MAX_COLUMNS:
        out.at(
            Code.TOO_MANY_COLUMNS,
            f"Overskriften har {len(table.header):,} kolonner; højst {MAX_COLUMNS:,} er "
            "tilladt.".replace(",", "."),
            table.header_row,
        )
        return [], out, 0
    plan = plan_columns(table, stream, context, out)
    if plan is None:
        return [], out, 0
    named = {p.index for p in plan} | {
        i for i, h in enumerate(table.header) if h is not None and str(h).strip()
    }
    unnamed = frozenset(range(len(table.header))) - named if table.format != "json" else frozenset()
    blocked = _formula_issues(table, plan, out)
    rule: RowRule = ROW_RULES[stream.key](context, {p.column.key: p for p in plan})
    planned = {p.column.key for p in plan}
    complete = all(col.key in planned for col in stream.columns if _needed(col, context))
    loop = RowLoop(
        table,
        plan,
        out,
        rule,
        unnamed,
        blocked,
        len(table.header) if table.format != "json" else 10**9,
        complete,
        max_rows,
        max_seconds,
    )
    prefilled = PREFILLED_COLUMNS.get(stream.key)
    if prefilled is not None:
        offer = next((p for p in plan if p.column.key == "tilbud_id"), None)
        loop.offer_cell = offer.index if offer is not None else None
        loop.value_cells = tuple(p.index for p in plan if p.column.key not in prefilled)
    loop.run()
    loop.rule.finish(out)
    if loop.untouched:
        out.add(untouched_warning(loop.untouched, context, table.sheet))
    for issue in table.issues:
        out.add(IntakeIssue.of(issue))
    if loop.row_count == 0 and not out.errors:
        out.at(
            Code.NO_ROWS,
            f"Der er ingen datarækker under overskriften (overskriften er læst i {_where(table)}).",
        )
    return loop.records, out, loop.row_count
