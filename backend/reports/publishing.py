"""Before an edition is published: is the year ready, and what changes against the latest
published version.

:func:`readiness` is the "Klar til offentliggørelse?" panel: per organisation and data
stream whether the approved data is there (or missing, waiting for approval, rejected),
whether the PL index needed for the year's prices is loaded, the version a publish would
make and whether anything changed since the latest published version (an unchanged
edition is refused by :func:`backend.reports.service.publish`). :func:`changed_cells` lists
the cells of tables A–E whose value differs from the latest published version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from backend.errors import DomainError
from backend.periods import service as periods
from backend.periods.models import STREAM_LABELS, STREAMS, ReportingPeriod
from backend.reports import service
from backend.reports.writers import ledelsesinformation_json
from backend.submissions import workflow

#: A cell's state, worst first, with the word the panel shows.
STATES = {
    "afvist": "Afvist",
    "mangler": "Mangler",
    "venter": "Venter på godkendelse",
    "godkendt": "Godkendt",
}
_STATE_OF = {
    "godkendt": "godkendt",
    "indsendt": "venter",
    "afvist": "afvist",
}


@dataclass(frozen=True)
class Coverage:
    """One organisation × stream: its state and, for a quarterly stream, which quarters."""

    state: str  # a key of STATES; "" when the stream has no period in the year
    text: str


@dataclass(frozen=True)
class OrganisationRow:
    kode: str
    navn: str
    cells: tuple[Coverage, ...]  # one per :attr:`Readiness.streams`

    @property
    def complete(self) -> bool:
        return all(c.state in ("godkendt", "") for c in self.cells)


@dataclass(frozen=True)
class Readiness:
    year: int
    streams: tuple[str, ...]
    stream_labels: tuple[str, ...]
    rows: tuple[OrganisationRow, ...]
    #: None when the PL index needed for the year's prices is loaded, else what is missing
    pl_index_problem: str | None
    #: what the checklist says of the PL index when nothing is missing
    pl_index_text: str
    #: the version a publish would make, and the latest published one (0: none)
    next_version: int
    latest_version: int
    #: the draft's inputs are those of the latest published version (publishing is refused)
    unchanged: bool
    #: None when there is approved data for the year, else why not
    no_data: str | None

    @property
    def counts(self) -> dict[str, int]:
        out = {key: 0 for key in STATES}
        for row in self.rows:
            for cell in row.cells:
                if cell.state:
                    out[cell.state] += 1
        return out

    @property
    def incomplete(self) -> tuple[OrganisationRow, ...]:
        return tuple(r for r in self.rows if not r.complete)

    @property
    def can_publish(self) -> bool:
        return self.pl_index_problem is None and not self.unchanged and self.no_data is None


def _quarter_text(state: str, quarters: list[int]) -> str:
    word = STATES[state]
    if not quarters or quarters == [0]:
        return word
    return f"{word} (K{', K'.join(str(q) for q in sorted(quarters))})"


def _coverage(by_period: list[tuple[ReportingPeriod, str]]) -> Coverage:
    """The worst state of a stream's periods in the year, naming the quarters in it."""
    if not by_period:
        return Coverage("", "Ingen periode")
    quarters: dict[str, list[int]] = defaultdict(list)
    for period, state in by_period:
        quarters[state].append(period.kvartal)
    worst = next(s for s in STATES if s in quarters)
    if worst == "godkendt":
        return Coverage(worst, STATES[worst])
    return Coverage(worst, _quarter_text(worst, quarters[worst]))


def readiness(session: Session, rammeaftale_id: int, year: int) -> Readiness:
    """The checklist before publishing ``year`` (read in the secretariat's tenant scope)."""
    chosen = periods.list_periods(session, rammeaftale_id=rammeaftale_id, aar=year)
    streams = tuple(s for s in STREAMS if any(p.stream == s for p in chosen))
    states: dict[str, dict[str, list[tuple[ReportingPeriod, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    names: dict[str, str] = {}
    for period in sorted(chosen, key=lambda p: (p.stream, p.kvartal)):
        for row in workflow.status_overview(session, period):
            names[row["organisation"]] = row["navn"]
            state = _STATE_OF.get(row["status"], "mangler")
            states[row["organisation"]][period.stream].append((period, state))
    rows = tuple(
        OrganisationRow(
            kode=kode,
            navn=names[kode],
            cells=tuple(_coverage(states[kode].get(s, [])) for s in streams),
        )
        for kode in sorted(names, key=lambda k: names[k])
    )
    latest = service.snapshots(session, rammeaftale_id, year)
    pl_problem = no_data = None
    pl_text = ""
    unchanged = False
    try:
        inputs = service.draft_inputs(session, rammeaftale_id, year)
        unchanged = bool(latest) and latest[-1].inputs_sha256 == inputs.sha256()
        service.build_report(inputs)
        pl_text = _pl_index_text(sorted(inputs.price_index.values), year)
    except DomainError as exc:
        if exc.code == "pl_indeks_mangler":
            pl_problem = exc.detail
        else:
            no_data = exc.detail
    latest_version = latest[-1].version if latest else 0
    return Readiness(
        year=year,
        streams=streams,
        stream_labels=tuple(STREAM_LABELS[s] for s in streams),
        rows=rows,
        pl_index_problem=pl_problem,
        pl_index_text=pl_text,
        next_version=latest_version + 1,
        latest_version=latest_version,
        unchanged=unchanged,
        no_data=no_data,
    )


def _pl_index_text(years: list[int], year: int) -> str:
    if not years:
        return (
            "Der er intet PL-indeks indlæst: beløbene bruges, som de er indberettet, uden "
            "omregning til faste priser."
        )
    return f"PL-indekset er indlæst ({years[0]}-{years[-1]}); beløbene vises i {year}-priser."


@dataclass(frozen=True)
class ChangedCell:
    """A cell of tables A–E whose shown value differs from the latest published version."""

    table: str
    row: str
    column: str
    before: str
    after: str


def _cells(document: dict[str, Any]) -> dict[tuple[str, str, str], tuple[str, str, str, str]]:
    """(table key, row key, column key) → (table title, row label, column label) and text."""
    out: dict[tuple[str, str, str], tuple[str, str, str, str]] = {}
    for table in document["tables"]:
        labels = {c["key"]: c["label"] for c in table["columns"]}
        title = f"Tabel {table['table']}: {table['title']}"
        for row in table["rows"]:
            row_label = " / ".join(str(x) for x in row["labels"] if x)
            for key, value in row["values"].items():
                text = "-" if value is None else str(value.get("text", value.get("value")))
                out[(str(table["key"]), str(row["key"]), key)] = (
                    title,
                    row_label,
                    labels[key],
                    text,
                )
    return out


def changed_cells(session: Session, rammeaftale_id: int, year: int) -> list[ChangedCell]:
    """The cells of the draft that differ (as shown) from the latest published version;
    every cell when nothing is published yet is not a change (an empty list)."""
    published = service.snapshots(session, rammeaftale_id, year)
    if not published:
        return []
    report, _inputs = service.draft(session, rammeaftale_id, year)
    now = _cells(ledelsesinformation_json(report))
    before = _cells(published[-1].document)
    out = []
    for key in sorted(set(now) | set(before)):
        new, old = now.get(key), before.get(key)
        after_text = new[3] if new else "(ingen række)"
        before_text = old[3] if old else "(ingen række)"
        if after_text == before_text:
            continue
        title, row, column, _text = new or old or ("", "", "", "")
        out.append(ChangedCell(title, row, column, before_text, after_text))
    return out
