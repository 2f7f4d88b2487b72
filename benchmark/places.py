"""Ledelsesinformation table E: pladser per driftsherre × målgruppe × dag/døgn."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import pandas as pd

from benchmark.frames import QUANTITY_DIGITS, PlacesFrame, quantity
from benchmark.records import OfferPlaces
from benchmark.units import PLADSER, TOTAL, DriftsherreRows, Figure

Places: TypeAlias = PlacesFrame | pd.DataFrame | Iterable[OfferPlaces]

NOTE_FRACTIONAL = (
    "Totalen er summen af de uafrundede pladser (brøkdele af pladser) og kan afvige "
    "±1 fra summen af de viste, afrundede rækker"
)
NOTE_OVERALL = "Samlet oversigt beregnet som summen af målgruppernes tilbud"


@dataclass(frozen=True, slots=True)
class PladsRow:
    """Places (normering) of one driftsherre: dag and døgn in t−1 and t.
    Døgn includes the secure institutions' åben and sikret places."""

    driftsherre: str
    dag_forrige: Figure
    doegn_forrige: Figure
    dag: Figure
    doegn: Figure
    note: str | None = None


@dataclass(frozen=True)
class PladsTable(DriftsherreRows[PladsRow]):
    """Table E for one målgruppe (``maalgruppe`` None: all målgrupper together)."""

    maalgruppe: str | None
    year: int
    previous_year: int
    rows: tuple[PladsRow, ...]
    total: PladsRow
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pladsoversigt:
    """All of table E: one table per målgruppe and the overall table."""

    year: int
    previous_year: int
    maalgrupper: tuple[PladsTable, ...]
    overall: PladsTable

    def table(self, maalgruppe: str | None) -> PladsTable:
        """The table of one målgruppe, or the overall table for None."""
        if maalgruppe is None:
            return self.overall
        for t in self.maalgrupper:
            if t.maalgruppe == maalgruppe:
                return t
        raise KeyError(f"ingen tabel for målgruppe {maalgruppe}")


_Cells = dict[tuple[str, str], list[int]]
_SLOTS = (("dag", -1), ("doegn", -1), ("dag", 0), ("doegn", 0))


def _cells(frame: PlacesFrame, year: int) -> _Cells:
    """(driftsherre, målgruppe) → fixed-point places [dag t−1, døgn t−1, dag t, døgn t]."""
    keys = ("driftsherre", "maalgruppe", "doegn_dag", "year")
    sums = frame.sums(keys, ("normering",)).reset_index()
    cells: _Cells = {}
    slot = {(dd, year + offset): i for i, (dd, offset) in enumerate(_SLOTS)}
    for d, m, dd, y, n in zip(
        sums["driftsherre"], sums["maalgruppe"], sums["doegn_dag"], sums["year"],
        sums["normering"], strict=True,
    ):  # fmt: skip
        i = slot.get((str(dd), int(y)))
        if i is not None:
            cells.setdefault((str(d), str(m)), [0, 0, 0, 0])[i] += int(n)
    return cells


def _row(driftsherre: str, values: Sequence[int]) -> PladsRow:
    dag0, doegn0, dag1, doegn1 = (Figure(quantity(v), PLADSER) for v in values)
    return PladsRow(driftsherre, dag0, doegn0, dag1, doegn1)


def _table(
    maalgruppe: str | None,
    cells: _Cells,
    operators: Sequence[str],
    maalgrupper: Sequence[str],
    year: int,
) -> PladsTable:
    groups = maalgrupper if maalgruppe is None else [maalgruppe]
    rows = []
    totals = [0, 0, 0, 0]
    fractional = False
    for d in operators:
        values = [0, 0, 0, 0]
        for m in groups:
            for i, v in enumerate(cells.get((d, m), ())):
                values[i] += v
        fractional = fractional or any(v % 10**QUANTITY_DIGITS for v in values)
        totals = [t + v for t, v in zip(totals, values, strict=True)]
        rows.append(_row(d, values))
    total = _row(TOTAL, totals)
    notes = ((NOTE_OVERALL,) if maalgruppe is None else ()) + (
        (NOTE_FRACTIONAL,) if fractional else ()
    )
    return PladsTable(maalgruppe, year, year - 1, tuple(rows), total, notes)


def pladsoversigt(
    places: Places,
    year: int,
    *,
    driftsherrer: Sequence[str] | None = None,
    maalgrupper: Sequence[str] | None = None,
) -> Pladsoversigt:
    """Table E: Σnormering (pladser) per driftsherre × målgruppe × dag/døgn for
    ``year − 1`` and ``year``; åben/sikret count as døgn.

    Each målgruppe table lists every driftsherre (``driftsherrer`` in that order, default
    all in the input), the total is Σ of the unrounded rows. The overall table is computed
    from the målgruppe offers (Σ over målgrupper), never typed in separately.
    """
    frame = PlacesFrame.of(places)
    cells = _cells(frame, year)
    operators = (
        list(driftsherrer)
        if driftsherrer is not None
        else sorted({k[0] for k in cells}, key=lambda c: (len(c), c))
    )
    groups = list(maalgrupper) if maalgrupper is not None else sorted({k[1] for k in cells})
    tables = tuple(_table(m, cells, operators, groups, year) for m in groups)
    overall = _table(None, cells, operators, groups, year)
    return Pladsoversigt(year, year - 1, tables, overall)
