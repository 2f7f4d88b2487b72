"""Ledelsesinformation table D: belægningsprocent per målgruppe and split, Q1–Q4."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

import pandas as pd

from benchmark.frames import OccupancyFrame, quantity
from benchmark.records import OccupancyLine
from benchmark.units import DAGE, PCT, Figure, ratio

Occupancy: TypeAlias = OccupancyFrame | pd.DataFrame | Iterable[OccupancyLine]

SPLIT_LABELS = {
    "samlede": "Samlede",
    "doegn": "Døgn",
    "dag": "Dag",
    "aaben": "Åbne",
    "sikret": "Sikrede",
}
"""Split codes and the labels printed in the ledelsesinformation."""

SECURE_MAALGRUPPER = ("sikrede_institutioner",)
"""Målgrupper whose døgn places are split into åben/sikret instead of døgn/dag."""

_SPLIT_TYPES: dict[str, tuple[str, ...]] = {
    "samlede": ("dag", "doegn", "aaben", "sikret"),
    "doegn": ("doegn",),
    "dag": ("dag",),
    "aaben": ("aaben",),
    "sikret": ("sikret",),
}
_SUMS = ("forbrug_gyldig", "normering_dage", "forbrug_udeladt", "linjer_udeladt")


@dataclass(frozen=True, slots=True)
class BelaegningYear:
    """Belægningsprocent of one year: per quarter and for Q1–Q4 together (%), with the
    numerator Σforbrug and denominator Σ(normering × days in quarter), both in place-days."""

    year: int
    kvartaler: tuple[Figure, Figure, Figure, Figure]
    aar: Figure
    forbrug_dage: Figure
    normering_dage: Figure


@dataclass(frozen=True, slots=True)
class BelaegningRow:
    """One row of table D: a målgruppe and split ("samlede", "doegn", "dag", "aaben",
    "sikret") in t−1 and t."""

    maalgruppe: str
    split: str
    forrige: BelaegningYear
    aktuel: BelaegningYear

    @property
    def label(self) -> str:
        """The split as printed ("Samlede", "Døgn", ...)."""
        return SPLIT_LABELS[self.split]


@dataclass(frozen=True, slots=True)
class BelaegningDiagnostics:
    """What the year's table left out: lines with forbrug but no normering (excluded
    from numerator and denominator) and offer-quarters whose buyer lines disagree on
    the normering (the largest is used)."""

    year: int
    lines_without_normering: int
    forbrug_excluded: Figure
    inconsistent_buyer_normering: int


@dataclass(frozen=True)
class BelaegningTable:
    """Table D for ``year`` and ``previous_year``."""

    year: int
    previous_year: int
    rows: tuple[BelaegningRow, ...]
    diagnostics: tuple[BelaegningDiagnostics, ...]
    notes: tuple[str, ...] = ()

    def row(self, maalgruppe: str, split: str) -> BelaegningRow:
        """The row of one målgruppe and split code."""
        for r in self.rows:
            if r.maalgruppe == maalgruppe and r.split == split:
                return r
        raise KeyError(f"ingen række for {maalgruppe}/{split}")


def splits_for(
    maalgruppe: str, secure_maalgrupper: Collection[str] = SECURE_MAALGRUPPER
) -> tuple[str, ...]:
    """The splits printed for a målgruppe: Samlede/Døgn/Dag, or Samlede/Åbne/Sikrede."""
    if maalgruppe in secure_maalgrupper:
        return ("samlede", "aaben", "sikret")
    return ("samlede", "doegn", "dag")


_Cells = dict[tuple[str, str, int, int], tuple[int, int]]


def _year(cells: _Cells, maalgruppe: str, split: str, year: int) -> BelaegningYear:
    quarters = []
    forbrug_total = normering_total = 0
    for quarter in (1, 2, 3, 4):
        forbrug = normering = 0
        for tilbudstype in _SPLIT_TYPES[split]:
            f, n = cells.get((maalgruppe, tilbudstype, year, quarter), (0, 0))
            forbrug += f
            normering += n
        quarters.append(_pct(forbrug, normering))
        forbrug_total += forbrug
        normering_total += normering
    return BelaegningYear(
        year,
        (quarters[0], quarters[1], quarters[2], quarters[3]),
        _pct(forbrug_total, normering_total),
        Figure(quantity(forbrug_total), DAGE),
        Figure(quantity(normering_total), DAGE),
    )


def _pct(forbrug: int, normering_dage: int) -> Figure:
    value = ratio(Decimal(forbrug), Decimal(normering_dage))
    return Figure(None if value is None else value * 100, PCT)


def belaegning_table(
    occupancy: Occupancy,
    year: int,
    *,
    maalgrupper: Sequence[str] | None = None,
    secure_maalgrupper: Collection[str] = SECURE_MAALGRUPPER,
) -> BelaegningTable:
    """Table D: belægningsprocent = Σforbrug ÷ Σ(normering × days in the quarter) × 100 (%)
    per målgruppe and split, per quarter and for Q1–Q4, for ``year − 1`` and ``year``.

    Days are the real days of each quarter of that year (Q1 has 91 days in leap years).
    Only lines with normering > 0 count (their forbrug is reported in ``diagnostics``).
    Buyer lines of one offer-quarter count the normering once. Values above 100 % are kept.
    A split without normering gives None ("-"). Rows: every målgruppe in ``maalgrupper``
    (default: those in the input, sorted) with the splits of ``splits_for``.
    """
    frame = OccupancyFrame.of(occupancy)
    sums = frame.offer_quarter_sums(("maalgruppe", "tilbudstype", "year", "quarter"), _SUMS)
    sums = sums.reset_index()
    sums = sums[sums["year"].isin([year - 1, year])]
    cells: _Cells = {
        (str(m), str(t), int(y), int(q)): (int(f), int(n))
        for m, t, y, q, f, n in zip(
            sums["maalgruppe"],
            sums["tilbudstype"],
            sums["year"],
            sums["quarter"],
            sums["forbrug_gyldig"],
            sums["normering_dage"],
            strict=True,
        )
    }
    groups = (
        list(maalgrupper)
        if maalgrupper is not None
        else sorted({str(m) for m in sums["maalgruppe"]})
    )
    rows = tuple(
        BelaegningRow(m, s, _year(cells, m, s, year - 1), _year(cells, m, s, year))
        for m in groups
        for s in splits_for(m, secure_maalgrupper)
    )
    diagnostics = tuple(_diagnostics(frame, sums, y) for y in (year - 1, year))
    notes: tuple[str, ...] = ()
    if frame.derived_lines:
        notes = (f"{frame.derived_lines} belægningslinjer er afledte, ikke indberettede",)
    return BelaegningTable(year, year - 1, rows, diagnostics, notes)


def _diagnostics(frame: OccupancyFrame, sums: pd.DataFrame, year: int) -> BelaegningDiagnostics:
    of_year = sums[sums["year"] == year]
    inconsistent = frame.inconsistent_buyer_normering
    return BelaegningDiagnostics(
        year,
        int(of_year["linjer_udeladt"].sum()),
        Figure(quantity(int(of_year["forbrug_udeladt"].sum())), DAGE),
        int(inconsistent.get(year, 0)),
    )
