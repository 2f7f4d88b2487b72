"""The ledelsesinformation of one year as a document, and its layout as printed tables.

``LedelsesinformationReport`` bundles the benchmark outputs of tables A–E with the
report's status. ``layout`` turns it into ``Block``s (one printed table each: title,
unit note, Danish headers, rows of raw figures with their presented cells, notes), the
single description the XLSX, CSV and JSON writers render, so the three formats always
show the same headers, rows, rounding and notes.

Notes: each engine table's own ``notes`` are printed under that table; a note about one
table (e.g. a named deviation from the published source) belongs there
(``dataclasses.replace(table, notes=(*table.notes, note))``). ``report.notes`` are
report-wide and shown on the front page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from backend.reports.states import STATUSES, Publication
from backend.tabular import fold
from benchmark.accounts import AccountAmountTable, TakstudviklingTable
from benchmark.occupancy import BelaegningTable
from benchmark.places import Pladsoversigt, PladsTable
from benchmark.presentation import (
    PresentedCell,
    PresentedTable,
    format_da,
    present_amounts,
    present_belaegning,
    present_pladser,
    present_takstudvikling,
)
from benchmark.units import AARSPLADSER, KR, PCT, PLADSER, TKR, TOTAL, Figure

SHEET_NAMES = {
    "A": "A Takstudvikling",
    "B": "B Over-underskud",
    "C": "C Tillægsydelser",
    "D": "D Belægning",
    "E": "E Pladser",
}
DEFAULT_SOURCE = (
    "Driftsherrernes indberetninger til Rammetal: regnskab (tabel A-C), kvartalsvis "
    "belægningsopgørelse (tabel D) og tilbudsregistret (tabel E)"
)
ROUNDING_RULE = "Beregnet af uafrundede værdier; afrundet ved visning"
ALL_MAALGRUPPER = "Alle målgrupper"


@dataclass(frozen=True)
class LedelsesinformationReport:
    """The ledelsesinformation for ``year`` (against ``year − 1``), money in ``price_year``.

    ``a`` takstudvikling, ``b`` over-/underskud, ``c`` tillægsydelser, ``d`` belægning,
    ``e`` pladsoversigt as computed by ``benchmark``. ``status`` is "kladde" or
    "offentliggjort" (then ``published_at`` is required). ``labels`` maps codes
    (driftsherre org codes, målgruppe codes) to the names printed; unknown codes are
    printed as they are. ``notes`` are report-wide notes for the front page.
    """

    year: int
    price_year: int
    a: TakstudviklingTable
    b: AccountAmountTable
    c: AccountAmountTable
    d: BelaegningTable
    e: Pladsoversigt
    notes: tuple[str, ...] = ()
    status: str = Publication.KLADDE
    published_at: datetime | None = None
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    source: str = DEFAULT_SOURCE

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status skal være en af {STATUSES}, ikke {self.status!r}")
        if self.status == Publication.OFFENTLIGGJORT and self.published_at is None:
            raise ValueError("en offentliggjort ledelsesinformation skal have en dato")
        if self.b.measure != "over_underskud_kr" or self.c.measure != "tillaeg_kr":
            raise ValueError("b skal være over-/underskud og c tillægsydelser")
        years = {self.a.year, self.b.year, self.c.year, self.d.year, self.e.year}
        if years != {self.year}:
            raise ValueError(f"tabellerne gælder {sorted(years)}, ikke {self.year}")
        price_years = {self.a.price_year, self.b.price_year, self.c.price_year}
        if price_years != {self.price_year}:
            raise ValueError(f"prisår {sorted(price_years)} passer ikke med {self.price_year}")
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))

    @property
    def previous_year(self) -> int:
        """The year compared with."""
        return self.year - 1

    def label(self, code: str) -> str:
        """The printed name of a driftsherre or målgruppe code."""
        return self.labels.get(code, code)


@dataclass(frozen=True)
class Column:
    """One value column: ASCII ``key``, the printed Danish ``label``, the ``measure`` and
    ``period`` it shows, and the presented ``unit``."""

    key: str
    label: str
    measure: str
    period: str
    unit: str


@dataclass(frozen=True)
class Value:
    """A raw, unrounded engine figure and the cell presented for it."""

    figure: Figure
    shown: PresentedCell


@dataclass(frozen=True)
class Row:
    """One printed row: its code (``TOTAL`` for the total), printed labels (one per label
    column), values per column, whether it is a total row, and the engine's row note."""

    key: str
    labels: tuple[str, ...]
    values: tuple[Value, ...]
    total: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Block:
    """One printed table. ``table`` is the letter A–E; E has one block per målgruppe and
    one for all målgrupper (``maalgruppe`` None)."""

    table: str
    key: str
    title: str
    unit_note: str
    label_headers: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...]
    maalgruppe: str | None = None

    @property
    def sheet(self) -> str:
        """The XLSX sheet (and CSV ``Tabel`` value) the block belongs to."""
        return SHEET_NAMES[self.table]


def _price_note(previous_year: int, year: int, price_year: int) -> str:
    if price_year == year:
        return f"{previous_year} i {year}-priser"
    return f"{previous_year} og {year} i {price_year}-priser"


def _columns(
    presented: PresentedTable, specs: Sequence[tuple[str, str, str]]
) -> tuple[Column, ...]:
    """Columns with the headers the presentation prints; ``specs`` = (measure, period, unit)."""
    return tuple(
        Column(_key(measure, period), label, measure, period, unit)
        for label, (measure, period, unit) in zip(presented.columns, specs, strict=True)
    )


def _key(measure: str, period: str) -> str:
    return f"{fold(measure)}_{fold(period)}"


def _rows(
    presented: PresentedTable,
    raw: Sequence[tuple[str, tuple[Figure, ...], str | None]],
    labels: Sequence[tuple[str, ...]] | None = None,
) -> tuple[Row, ...]:
    """Join the presented rows with the raw figures (same order, one per engine row)."""
    rows = []
    for i, ((label, cells), (key, figures, note)) in enumerate(
        zip(presented.rows, raw, strict=True)
    ):
        values = tuple(Value(f, c) for f, c in zip(figures, cells, strict=True))
        printed = labels[i] if labels is not None else (label,)
        rows.append(Row(key, printed, values, key == TOTAL, note))
    return tuple(rows)


def _block_a(report: LedelsesinformationReport) -> Block:
    table = report.a
    t0, t1 = str(table.previous_year), str(table.year)
    presented = present_takstudvikling(table, report.labels)
    specs = (
        ("Belægning", t0, AARSPLADSER),
        ("Regnskab", t0, TKR),
        ("Gennemsnitspris pr. plads", t0, KR),
        ("Belægning", t1, AARSPLADSER),
        ("Regnskab", t1, TKR),
        ("Gennemsnitspris pr. plads", t1, KR),
        ("Takstudvikling", f"{t0}-{t1}", PCT),
    )
    raw = [
        (
            r.driftsherre,
            (
                r.belaegning_forrige,
                r.regnskab_forrige,
                r.pris_forrige,
                r.belaegning,
                r.regnskab,
                r.pris,
                r.takstudvikling,
            ),
            r.note,
        )
        for r in (*table.rows, table.total)
    ]
    unit_note = (
        f"Belægning i årspladser, regnskab i 1.000 kr., gennemsnitspris pr. plads i kr., "
        f"takstudvikling i %. {_price_note(table.previous_year, table.year, table.price_year)}."
    )
    title = f"A. Takstudvikling på regnskab {t0}-{t1}"
    return Block(
        "A",
        "takstudvikling",
        title,
        unit_note,
        ("Driftsherre",),
        _columns(presented, specs),
        _rows(presented, raw),
        table.notes,
    )


def _block_amounts(report: LedelsesinformationReport, letter: str) -> Block:
    table = report.b if letter == "B" else report.c
    measure = "Over-/underskud" if letter == "B" else "Tillægsydelser"
    t0, t1 = str(table.previous_year), str(table.year)
    presented = present_amounts(table, report.labels)
    specs = ((measure, t0, TKR), (measure, t1, TKR))
    raw = [(r.driftsherre, (r.forrige, r.aktuel), r.note) for r in (*table.rows, table.total)]
    price = _price_note(table.previous_year, table.year, table.price_year)
    if letter == "B":
        title = f"B. Over-(+)/underskud(−) {t0}-{t1}"
        unit_note = f"1.000 kr. Overskud (+), underskud (−). {price}."
        key = "over_underskud"
    else:
        title = f"C. Tillægsydelser og indskrivning over 100 % {t0}-{t1}"
        unit_note = f"1.000 kr. {price}."
        key = "tillaegsydelser"
    return Block(
        letter,
        key,
        title,
        unit_note,
        ("Driftsherre",),
        _columns(presented, specs),
        _rows(presented, raw),
        table.notes,
    )


def _block_d(report: LedelsesinformationReport) -> Block:
    table = report.d
    t0, t1 = str(table.previous_year), str(table.year)
    presented = present_belaegning(table, report.labels)
    specs = (("Belægning", t0, PCT), ("Belægning", t1, PCT))
    raw = [(f"{r.maalgruppe}/{r.split}", (r.forrige.aar, r.aktuel.aar), None) for r in table.rows]
    labels = [(report.label(r.maalgruppe), r.label) for r in table.rows]
    rows = tuple(
        Row(row.key, row.labels, row.values, source.split == "samlede", row.note)
        for row, source in zip(_rows(presented, raw, labels), table.rows, strict=True)
    )
    notes = list(table.notes)
    for diagnostic in table.diagnostics:
        if diagnostic.lines_without_normering:
            notes.append(
                f"{diagnostic.year}: {diagnostic.lines_without_normering} linjer med forbrug "
                f"uden normering er udeladt "
                f"({format_da(diagnostic.forbrug_excluded.value, 0)} dage)"
            )
        if diagnostic.inconsistent_buyer_normering:
            notes.append(
                f"{diagnostic.year}: {diagnostic.inconsistent_buyer_normering} tilbudskvartaler "
                "med forskellig normering på køberlinjerne; den største er brugt"
            )
    unit_note = (
        "Belægningsprocent = Σforbrug ÷ Σ(normering × dage) for 1.-4. kvartal, i %. "
        "Belægning over 100 % er reel og afskæres ikke."
    )
    title = f"D. Belægningsprocent {t0}-{t1}"
    return Block(
        "D",
        "belaegning",
        title,
        unit_note,
        ("Målgruppe", "Opdeling"),
        _columns(presented, specs),
        rows,
        tuple(notes),
    )


def _block_e(report: LedelsesinformationReport, table: PladsTable) -> Block:
    t0, t1 = str(table.previous_year), str(table.year)
    presented = present_pladser(table, report.labels)
    specs = (
        ("Dag", t0, PLADSER),
        ("Døgn", t0, PLADSER),
        ("Dag", t1, PLADSER),
        ("Døgn", t1, PLADSER),
    )
    raw = [
        (r.driftsherre, (r.dag_forrige, r.doegn_forrige, r.dag, r.doegn), r.note)
        for r in (*table.rows, table.total)
    ]
    group = ALL_MAALGRUPPER if table.maalgruppe is None else report.label(table.maalgruppe)
    key = "pladser_i_alt" if table.maalgruppe is None else f"pladser_{table.maalgruppe}"
    unit_note = "Antal pladser (normering). Åbne og sikrede pladser tælles som døgn."
    return Block(
        "E",
        key,
        group,
        unit_note,
        ("Driftsherre",),
        _columns(presented, specs),
        _rows(presented, raw),
        table.notes,
        table.maalgruppe,
    )


def layout(report: LedelsesinformationReport) -> tuple[Block, ...]:
    """All printed tables in order: A, B, C, D, then E for all målgrupper and per målgruppe."""
    e = report.e
    return (
        _block_a(report),
        _block_amounts(report, "B"),
        _block_amounts(report, "C"),
        _block_d(report),
        _block_e(report, e.overall),
        *(_block_e(report, table) for table in e.maalgrupper),
    )


def e_title(report: LedelsesinformationReport) -> str:
    """The title of table E (its blocks are titled by målgruppe)."""
    return f"E. Pladser {report.previous_year}-{report.year}"
