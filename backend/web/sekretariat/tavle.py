"""The secretariat's board (``/sekretariat`` and its XLSX/CSV): organisation × period of a
year, each cell a :class:`~backend.web.delivery.Delivery`, a total per column ("2 af 20
har indsendt"), filtered by stream (columns) and state (rows). The page and the download
are built from the same :class:`Board`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from backend.periods import service as periods
from backend.periods.models import STREAM_LABELS, ReportingPeriod
from backend.submissions import workflow
from backend.web.delivery import MANGLER, STATES, Delivery, delivery


@dataclass(frozen=True)
class Total:
    organisations: int
    submitted: int
    overdue: int

    @property
    def text(self) -> str:
        """ "18 af 20 har indsendt, 2 mangler"."""
        words = f"{self.submitted} af {self.organisations} har indsendt"
        return words + (f", {self.overdue} mangler" if self.overdue else "")


@dataclass
class Board:
    aar: int
    years: list[int]
    #: Every period of the rammeaftale (the approval queue spans the years).
    all_periods: list[ReportingPeriod]
    #: The year's periods the stream filter leaves, in column order.
    periods: list[ReportingPeriod]
    stream: str
    state: str
    #: (kode, navn) of every organisation, by name; ``rows``: those the state filter leaves.
    organisations: list[tuple[str, str]] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)
    cells: dict[str, dict[int, Delivery]] = field(default_factory=dict)
    totals: dict[int, Total] = field(default_factory=dict)

    @property
    def streams(self) -> list[tuple[str, str]]:
        """The streams that have a period in the year (the stream filter's choices)."""
        found = {p.stream for p in self.all_periods if p.aar == self.aar}
        return sorted(((s, STREAM_LABELS.get(s, s)) for s in found), key=lambda x: x[1])

    @property
    def filtered(self) -> bool:
        return bool(self.stream or self.state)

    def filter_words(self) -> str:
        """What the filters leave, in words: "Regnskab; Mangler – fristen er overskredet"."""
        parts = []
        if self.stream:
            parts.append(STREAM_LABELS.get(self.stream, self.stream))
        if self.state:
            parts.append(STATES[self.state])
        return "; ".join(parts)


def build(
    session: Session, *, rammeaftale_id: int, aar: int | None, stream: str, state: str, today: date
) -> Board:
    """The board of ``aar`` (the latest year with a period when None); an unknown stream
    or state filter is ignored."""
    all_periods = periods.list_periods(session, rammeaftale_id=rammeaftale_id)
    years = sorted({p.aar for p in all_periods}, reverse=True)
    if aar is None:
        aar = years[0] if years else 0
    of_year = sorted((p for p in all_periods if p.aar == aar), key=lambda p: (p.stream, p.kvartal))
    stream = stream if any(p.stream == stream for p in of_year) else ""
    state = state if state in STATES else ""
    shown = [p for p in of_year if not stream or p.stream == stream]
    board = Board(aar, years, all_periods, shown, stream, state)
    names: dict[str, str] = {}
    cells: dict[str, dict[int, Delivery]] = defaultdict(dict)
    for period in shown:
        rows: list[dict[str, Any]] = workflow.status_overview(session, period, today=today)
        for row in rows:
            names[row["organisation"]] = row["navn"]
            cells[row["organisation"]][period.id] = delivery(row, period.frist, today)
        board.totals[period.id] = Total(
            organisations=len(rows),
            submitted=sum(1 for kode in cells if (c := cells[kode].get(period.id)) and c.done),
            overdue=sum(
                1 for kode in cells if (c := cells[kode].get(period.id)) and c.state == MANGLER
            ),
        )
    board.organisations = sorted(names.items(), key=lambda kv: kv[1])
    board.cells = dict(cells)
    board.rows = [
        (kode, navn)
        for kode, navn in board.organisations
        if not state or any(c.state == state for c in cells[kode].values())
    ]
    return board
