"""Ledelsesinformation tables A, B and C from the annual accounts (regnskab) stream.

A. Takstudvikling på regnskab per driftsherre, B. over-/underskud, C. tillægsydelser;
year t against t−1 with t−1 restated in the prices of t (or of ``price_year``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

import pandas as pd

from benchmark.frames import AccountFrame, money, quantity
from benchmark.prices import restatement_factor
from benchmark.records import AccountLine, PriceIndex
from benchmark.units import (
    AARSPLADSER,
    KR,
    PCT,
    TOTAL,
    DriftsherreRows,
    Figure,
    development_pct,
    ratio,
)

Accounts: TypeAlias = AccountFrame | pd.DataFrame | Iterable[AccountLine]

_MONEY = ("regnskab_kr", "over_underskud_kr", "tillaeg_kr")
_ALL = (*_MONEY, "belaegning_aarspladser")


@dataclass(frozen=True, slots=True)
class TakstudviklingRow:
    """One row of table A. ``*_forrige`` is year t−1 restated in the table's price year.

    pris = regnskab ÷ belægning (kr. per årsplads); takstudvikling = pris ÷ pris_forrige − 1
    in %. ``note`` explains a missing or −100 % value.
    """

    driftsherre: str
    belaegning_forrige: Figure
    regnskab_forrige: Figure
    pris_forrige: Figure
    belaegning: Figure
    regnskab: Figure
    pris: Figure
    takstudvikling: Figure
    note: str | None = None


@dataclass(frozen=True)
class TakstudviklingTable(DriftsherreRows[TakstudviklingRow]):
    """Table A for ``year`` against ``previous_year``, all money in ``price_year`` prices."""

    year: int
    previous_year: int
    price_year: int
    rows: tuple[TakstudviklingRow, ...]
    total: TakstudviklingRow
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AccountAmountRow:
    """One row of table B or C: the amount in t−1 (restated) and in t, kr."""

    driftsherre: str
    forrige: Figure
    aktuel: Figure
    note: str | None = None


@dataclass(frozen=True)
class AccountAmountTable(DriftsherreRows[AccountAmountRow]):
    """Table B (``measure="over_underskud_kr"``) or C (``measure="tillaeg_kr"``)."""

    measure: str
    year: int
    previous_year: int
    price_year: int
    rows: tuple[AccountAmountRow, ...]
    total: AccountAmountRow
    notes: tuple[str, ...] = ()


_Sums = dict[tuple[str, int], dict[str, Decimal]]


def operator_year_sums(
    accounts: Accounts, years: Sequence[int], price_year: int, price_index: PriceIndex | None
) -> _Sums:
    """Σ per (driftsherre, year) of regnskab, over-/underskud, tillæg (kr. restated to
    ``price_year`` prices: amount × PL_price_year ÷ PL_line_price_year) and belægning
    (årspladser). Only (driftsherre, year) pairs with lines appear."""
    frame = AccountFrame.of(accounts)
    sums = frame.sums(("driftsherre", "year", "price_year"), _ALL).reset_index()
    sums = sums[sums["year"].isin(list(years))]
    out: _Sums = {}
    factors: dict[int, Decimal] = {}
    for rec in sums.itertuples(index=False):
        py = int(rec.price_year)
        if py not in factors:
            factors[py] = restatement_factor(py, price_year, price_index)
        key = (str(rec.driftsherre), int(rec.year))
        acc = out.setdefault(key, dict.fromkeys(_ALL, Decimal(0)))
        for name in _MONEY:
            acc[name] += money(getattr(rec, name)) * factors[py]
        acc["belaegning_aarspladser"] += quantity(rec.belaegning_aarspladser)
    return out


def _operators(sums: _Sums, driftsherrer: Sequence[str] | None) -> list[str]:
    if driftsherrer is not None:
        return list(driftsherrer)
    return sorted({d for d, _ in sums}, key=lambda c: (len(c), c))


def _takst_row(
    driftsherre: str,
    previous: dict[str, Decimal] | None,
    current: dict[str, Decimal] | None,
    price_year: int,
) -> TakstudviklingRow:
    def figures(values: dict[str, Decimal] | None) -> tuple[Figure, Figure, Figure]:
        if values is None:
            return (
                Figure(None, AARSPLADSER),
                Figure(None, KR, price_year),
                Figure(None, KR, price_year),
            )
        b, r = values["belaegning_aarspladser"], values["regnskab_kr"]
        return (
            Figure(b, AARSPLADSER),
            Figure(r, KR, price_year),
            Figure(ratio(r, b), KR, price_year),
        )

    b0, r0, p0 = figures(previous)
    b1, r1, p1 = figures(current)
    development = development_pct(p1.value, p0.value)
    note = None
    if current is None:
        note = "Intet regnskab indberettet for året"
    elif p1.value is None:
        note = "Belægning 0: ingen gennemsnitspris"
        if p0.value is not None:
            development = Decimal(-100)
            note += "; takstudvikling −100 %"
        if current["regnskab_kr"] != 0:
            note += "; regnskab uden belægning"
    return TakstudviklingRow(driftsherre, b0, r0, p0, b1, r1, p1, Figure(development, PCT), note)


def _add(rows: Iterable[dict[str, Decimal] | None]) -> dict[str, Decimal] | None:
    present = [r for r in rows if r is not None]
    if not present:
        return None
    return {name: sum((r[name] for r in present), Decimal(0)) for name in _ALL}


def restatements(
    accounts: Accounts, years: Sequence[int], price_year: int, price_index: PriceIndex | None
) -> dict[int, Decimal]:
    """The factor PL_price_year ÷ PL_from of every price year the lines of ``years`` were
    stated in other than ``price_year`` (empty: nothing was restated)."""
    data = AccountFrame.of(accounts).data
    stated = {int(v) for v in data.loc[data["year"].isin(list(years)), "price_year"]}
    stated -= {price_year}
    return {py: restatement_factor(py, price_year, price_index) for py in sorted(stated)}


def price_note(
    year: int,
    previous_year: int,
    price_year: int,
    factors: Mapping[int, Decimal],
    price_index: PriceIndex | None,
) -> str:
    """What was restated: "ikke omregnet" when nothing was; else the index, its source and
    each factor (PL_price_year ÷ PL_from, 4 decimals)."""
    head = f"{previous_year} og {year} i {price_year}-priser"
    if not factors:
        return f"{head}; ikke omregnet (alle beløb var indberettet i {price_year}-priser)"
    source = price_index.source if price_index is not None and price_index.source else None
    listed = "; ".join(
        f"{py}-priser × {format(factor.quantize(Decimal('0.0001')), 'f').replace('.', ',')} "
        f"(PL {price_year} ÷ PL {py})"
        for py, factor in factors.items()
    )
    return f"{head}; omregnet med PL-indeks{f' ({source})' if source else ''}: {listed}"


def takstudvikling_table(
    accounts: Accounts,
    year: int,
    *,
    price_index: PriceIndex | None = None,
    price_year: int | None = None,
    driftsherrer: Sequence[str] | None = None,
) -> TakstudviklingTable:
    """Table A: takstudvikling på regnskab per driftsherre, ``year`` against ``year − 1``.

    Per driftsherre and year: belægning = Σbelægning (årspladser), regnskab = Σregnskab
    (kr., restated to ``price_year``, default ``year``), gennemsnitspris = Σregnskab ÷
    Σbelægning (kr. per årsplads; None when Σbelægning = 0), takstudvikling =
    pris_t ÷ pris_t−1 − 1 (%). A driftsherre with a previous price and belægning 0 now gets
    −100 %. The total row is Σ/Σ over the rows, never an average of ratios.
    """
    py = year if price_year is None else price_year
    accounts = AccountFrame.of(accounts)
    sums = operator_year_sums(accounts, (year - 1, year), py, price_index)
    rows = tuple(
        _takst_row(d, sums.get((d, year - 1)), sums.get((d, year)), py)
        for d in _operators(sums, driftsherrer)
    )
    ops = [r.driftsherre for r in rows]
    total = _takst_row(
        TOTAL,
        _add(sums.get((d, year - 1)) for d in ops),
        _add(sums.get((d, year)) for d in ops),
        py,
    )
    factors = restatements(accounts, (year - 1, year), py, price_index)
    notes = (
        price_note(year, year - 1, py, factors, price_index),
        "Hovedtotal = Σregnskab ÷ Σbelægning",
    )
    return TakstudviklingTable(year, year - 1, py, rows, total, notes)


def _amount_table(
    accounts: Accounts,
    measure: str,
    year: int,
    price_index: PriceIndex | None,
    price_year: int | None,
    driftsherrer: Sequence[str] | None,
) -> AccountAmountTable:
    py = year if price_year is None else price_year
    accounts = AccountFrame.of(accounts)
    sums = operator_year_sums(accounts, (year - 1, year), py, price_index)

    def figure(values: dict[str, Decimal] | None) -> Figure:
        return Figure(None if values is None else values[measure], KR, py)

    rows = []
    totals = [Decimal(0), Decimal(0)]
    for d in _operators(sums, driftsherrer):
        previous, current = sums.get((d, year - 1)), sums.get((d, year))
        row = AccountAmountRow(d, figure(previous), figure(current))
        for i, fig in enumerate((row.forrige, row.aktuel)):
            totals[i] += fig.value or Decimal(0)
        rows.append(row)
    total = AccountAmountRow(TOTAL, Figure(totals[0], KR, py), Figure(totals[1], KR, py))
    factors = restatements(accounts, (year - 1, year), py, price_index)
    notes = (
        price_note(year, year - 1, py, factors, price_index),
        "Hovedtotal = summen af de uafrundede rækker",
    )
    return AccountAmountTable(measure, year, year - 1, py, tuple(rows), total, notes)


def over_underskud_table(
    accounts: Accounts,
    year: int,
    *,
    price_index: PriceIndex | None = None,
    price_year: int | None = None,
    driftsherrer: Sequence[str] | None = None,
) -> AccountAmountTable:
    """Table B: Σover-(+)/underskud(−) per driftsherre in kr., ``year − 1`` restated to
    ``price_year`` (default ``year``) prices; total = Σ of the unrounded rows."""
    return _amount_table(accounts, "over_underskud_kr", year, price_index, price_year, driftsherrer)


def tillaeg_table(
    accounts: Accounts,
    year: int,
    *,
    price_index: PriceIndex | None = None,
    price_year: int | None = None,
    driftsherrer: Sequence[str] | None = None,
) -> AccountAmountTable:
    """Table C: Σtillægsydelser (incl. indskrivning over 100 %) per driftsherre in kr.,
    ``year − 1`` restated to ``price_year`` (default ``year``); total = Σ of the rows."""
    return _amount_table(accounts, "tillaeg_kr", year, price_index, price_year, driftsherrer)
