"""Presentation: rounding like the published tables and the Danish number format.

The engine keeps every figure unrounded; these helpers round only for display. Rounding
is half away from zero (as the secretariat's spreadsheet does). Defaults per unit:
1.000 kr. and kr. as integers, % and årspladser with one decimal, pladser as integers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from benchmark.accounts import AccountAmountTable, TakstudviklingRow, TakstudviklingTable
from benchmark.occupancy import BelaegningTable
from benchmark.places import PladsTable
from benchmark.units import (
    AARSPLADSER,
    AARSPLADSER_PR_10000,
    DAGE,
    KR,
    KR_PR_INDBYGGER,
    PCT,
    PLADSER,
    PR_10000,
    TKR,
    TOTAL,
    Figure,
)

NO_VALUE = "-"
DEFAULT_DECIMALS = {
    KR: 0,
    TKR: 0,
    PCT: 1,
    PLADSER: 0,
    AARSPLADSER: 1,
    PR_10000: 1,
    AARSPLADSER_PR_10000: 1,
    KR_PR_INDBYGGER: 0,
    DAGE: 0,
}


def decimals_for(unit: str) -> int:
    """How many decimals a figure in ``unit`` is shown with (one for a unit not listed)."""
    return DEFAULT_DECIMALS.get(unit, 1)


def round_half_up(value: Decimal | int | float | None, decimals: int) -> Decimal | None:
    """``value`` rounded half away from zero to ``decimals`` decimals (None stays None)."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_da(value: Decimal | int | float | None, decimals: int) -> str:
    """Danish number format: "1.234,5" (thousands ".", decimal ","), rounded half away from
    zero to ``decimals``; "-" for no value; negative numbers as "-1.234,5"."""
    rounded = round_half_up(value, decimals)
    if rounded is None:
        return NO_VALUE
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@dataclass(frozen=True, slots=True)
class PresentedCell:
    """A rounded value (a real number for XLSX), its Danish text, unit and price year."""

    value: Decimal | None
    text: str
    unit: str
    price_year: int | None = None


def present(
    figure: Figure, *, unit: str | None = None, decimals: int | None = None
) -> PresentedCell:
    """Round a figure for display in ``unit`` (kr. may be shown as 1.000 kr.: value ÷ 1000)
    with ``decimals`` (default per unit, see ``DEFAULT_DECIMALS``)."""
    target = unit or figure.unit
    value = figure.value
    if target == TKR and figure.unit == KR:
        value = None if value is None else value / 1000
    elif target != figure.unit:
        raise ValueError(f"kan ikke vise {figure.unit} som {target}")
    places = DEFAULT_DECIMALS[target] if decimals is None else decimals
    rounded = round_half_up(value, places)
    return PresentedCell(rounded, format_da(rounded, places), target, figure.price_year)


@dataclass(frozen=True)
class PresentedTable:
    """A table as printed: column headers and rows of (label, cells), plus notes."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[PresentedCell, ...]], ...]
    notes: tuple[str, ...] = ()

    def row(self, label: str) -> tuple[PresentedCell, ...]:
        """The cells of the row with ``label``."""
        return next(cells for name, cells in self.rows if name == label)


def _label(code: str, labels: Mapping[str, str] | None) -> str:
    return labels.get(code, code) if labels else code


def _takst_cells(row: TakstudviklingRow) -> tuple[PresentedCell, ...]:
    # The published Hovedtotal shows belægning as an integer, the rows with one decimal.
    belaegning_decimals = 0 if row.driftsherre == TOTAL else 1
    return (
        present(row.belaegning_forrige, decimals=belaegning_decimals),
        present(row.regnskab_forrige, unit=TKR),
        present(row.pris_forrige),
        present(row.belaegning, decimals=belaegning_decimals),
        present(row.regnskab, unit=TKR),
        present(row.pris),
        present(row.takstudvikling),
    )


def present_takstudvikling(
    table: TakstudviklingTable, labels: Mapping[str, str] | None = None
) -> PresentedTable:
    """Table A as published: belægning (årspladser, 1 decimal; total integer), regnskab in
    1.000 kr., gennemsnitspris in kr., takstudvikling in % with one decimal."""
    t0, t1, py = table.previous_year, table.year, table.price_year
    columns = (
        f"Belægning {t0}",
        f"Regnskab {t0} ({py}-priser, 1.000 kr.)",
        f"Gennemsnitspris pr. plads {t0} (kr.)",
        f"Belægning {t1}",
        f"Regnskab {t1} (1.000 kr.)",
        f"Gennemsnitspris pr. plads {t1} (kr.)",
        f"Takstudvikling {t0}-{t1} (%)",
    )
    rows = tuple((_label(r.driftsherre, labels), _takst_cells(r)) for r in table.rows)
    total = (TOTAL, _takst_cells(table.total))
    title = f"Takstudvikling på regnskab {t0}-{t1}"
    return PresentedTable(title, columns, (*rows, total), table.notes)


def present_amounts(
    table: AccountAmountTable, labels: Mapping[str, str] | None = None
) -> PresentedTable:
    """Table B or C as published: both years in 1.000 kr. (integers), price year stated."""
    t0, t1, py = table.previous_year, table.year, table.price_year
    columns = (f"{t0} ({py}-priser, 1.000 kr.)", f"{t1} (1.000 kr.)")
    rows = tuple(
        (_label(r.driftsherre, labels), (present(r.forrige, unit=TKR), present(r.aktuel, unit=TKR)))
        for r in (*table.rows, table.total)
    )
    title = "Over-/underskud" if table.measure == "over_underskud_kr" else "Tillægsydelser"
    return PresentedTable(title, columns, rows, table.notes)


def present_belaegning(
    table: BelaegningTable, labels: Mapping[str, str] | None = None
) -> PresentedTable:
    """Table D as published: one row per målgruppe and split, Q1–Q4 % per year."""
    columns = (f"Belægning {table.previous_year} (%)", f"Belægning {table.year} (%)")
    rows = tuple(
        (
            f"{_label(r.maalgruppe, labels)} / {r.label}",
            (present(r.forrige.aar), present(r.aktuel.aar)),
        )
        for r in table.rows
    )
    return PresentedTable("Belægningsprocent", columns, rows, table.notes)


def present_pladser(table: PladsTable, labels: Mapping[str, str] | None = None) -> PresentedTable:
    """One table E as published: dag and døgn places for t−1 and t (integers)."""
    t0, t1 = table.previous_year, table.year
    columns = (f"Dag {t0}", f"Døgn {t0}", f"Dag {t1}", f"Døgn {t1}")
    rows = tuple(
        (
            _label(r.driftsherre, labels),
            tuple(present(f) for f in (r.dag_forrige, r.doegn_forrige, r.dag, r.doegn)),
        )
        for r in (*table.rows, table.total)
    )
    title = (
        "Pladser" if table.maalgruppe is None else f"Pladser: {_label(table.maalgruppe, labels)}"
    )
    return PresentedTable(title, columns, rows, table.notes)
