"""What the secretariat reads before it decides on a version (and the officer before it
submits): the parsed lines with their offers' names, every warning as text, completeness
against the offer register, each value against the last approved one (large changes
marked), and the earlier versions with how many lines changed.

Read-only; it reads as the submission's organisation (``acting_as``), so the tenant hook
scopes every statement. The permission is the caller's to hold: a principal that cannot
read the organisation's rows gets a 404 from :func:`~backend.submissions.service.get_submission`
before anything here runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.db.tenancy import acting_as
from backend.periods.models import ReportingPeriod
from backend.submissions import history
from backend.submissions.intake.context import OfferInfo
from backend.submissions.intake.streams import STREAMS, Column, Kind
from backend.submissions.models import LINE_MODELS, Submission
from backend.submissions.service import _own_offers
from backend.submissions.states import SubmissionStatus

#: A value that moved more than this share against the last approved one is marked.
LARGE_CHANGE = Decimal("0.25")
#: Columns that identify a line rather than carry a value.
_KEY_COLUMNS = frozenset({"tilbud_id", "tilbudsnavn"})
#: The columns that, with the offer, identify a line across versions.
_LINE_KEYS: dict[str, tuple[str, ...]] = {
    "belaegning": ("kvartal", "koeberkommune"),
    "takster": ("takstgruppe",),
    "regnskab": (),
    "tilbud": ("navn",),
}
_STREAMS_WITH_OFFERS = ("belaegning", "regnskab", "takster")


@dataclass(frozen=True)
class ValueChange:
    """One value of a line against the last approved one (``before`` None: no such value)."""

    value: Any
    before: Any = None

    @property
    def share(self) -> Decimal | None:
        """(value − before) ÷ |before|, for two numbers with ``before`` ≠ 0."""
        if not isinstance(self.value, Decimal | int) or not isinstance(self.before, Decimal | int):
            return None
        if self.before == 0:
            return None
        return (Decimal(self.value) - Decimal(self.before)) / abs(Decimal(self.before))

    @property
    def large(self) -> bool:
        share = self.share
        return share is not None and abs(share) > LARGE_CHANGE

    @property
    def changed(self) -> bool:
        return self.before is not None and self.before != self.value


@dataclass(frozen=True)
class ReviewLine:
    line_no: int
    offer: str  # the offer's name in the register ("Organisationens total" for no offer)
    values: tuple[ValueChange, ...]
    new: bool  # no line with the same offer (and quarter, group) was approved before

    @property
    def large(self) -> bool:
        return any(v.large for v in self.values)


@dataclass(frozen=True)
class Coverage:
    """Which offers of the register the version has a line for."""

    expected: tuple[str, ...]  # names of the offers that should have a line
    missing: tuple[str, ...]

    @property
    def reported(self) -> int:
        return len(self.expected) - len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def text(self) -> str:
        """``3 af 11 tilbud har en linje; mangler: A, B`` (Danish)."""
        head = f"{self.reported} af {len(self.expected)} tilbud har en linje"
        return head if self.complete else f"{head}; mangler: {', '.join(self.missing)}"


@dataclass(frozen=True)
class VersionChange:
    """An earlier (or later) version of the same organisation × period × stream."""

    id: uuid.UUID
    version: int
    status: str
    uploaded_at: datetime
    row_count: int
    changed: int  # lines with the same key and another value
    added: int  # lines this version has and that one has not
    removed: int  # lines that version has and this one has not


@dataclass(frozen=True)
class Review:
    submission: Submission
    period: ReportingPeriod
    columns: tuple[Column, ...]
    lines: tuple[ReviewLine, ...]
    warnings: tuple[str, ...]
    coverage: Coverage | None
    compared_with: str | None  # what the "før" values are, in words; None: nothing approved
    versions: tuple[VersionChange, ...]

    @property
    def large_changes(self) -> int:
        return sum(1 for line in self.lines if line.large)


def _value_columns(stream: str) -> tuple[Column, ...]:
    return tuple(
        c for c in STREAMS[stream].columns if c.key not in _KEY_COLUMNS and c.kind != Kind.INFO
    )


def _key(stream: str, line: Any) -> tuple[Any, ...]:
    return (line.offer_id, *(getattr(line, k) for k in _LINE_KEYS[stream]))


def _lines(session: Session, submission_ids: Sequence[uuid.UUID], stream: str, org_id: int) -> list:
    if not submission_ids:
        return []
    model = LINE_MODELS[stream]
    return list(
        session.scalars(
            sa.select(model)
            .where(model.org_id == org_id, model.submission_id.in_(submission_ids))
            .order_by(model.submission_id, model.line_no)
        )
    )


def _in_year(offer: OfferInfo, year: int) -> bool:
    start, end = date(year, 1, 1), date(year, 12, 31)
    return (
        offer.omfattet
        and (offer.gyldig_fra is None or offer.gyldig_fra <= end)
        and (offer.gyldig_til is None or offer.gyldig_til >= start)
    )


def expected_offers(offers: Iterable[OfferInfo], year: int) -> list[OfferInfo]:
    """The completeness rule: every offer of the register that is covered by the agreement
    (omfattet) and valid in ``year`` has a line for the period."""
    return sorted((o for o in offers if _in_year(o, year)), key=lambda o: o.navn)


def coverage(offers: dict[str, OfferInfo], year: int, reported_ids: Iterable[Any]) -> Coverage:
    reported = {str(i) for i in reported_ids if i is not None}
    expected = expected_offers(offers.values(), year)
    return Coverage(
        expected=tuple(o.navn for o in expected),
        missing=tuple(o.navn for o in expected if o.tilbud_id not in reported),
    )


def coverage_of(
    session: Session, submission: Submission, period: ReportingPeriod
) -> Coverage | None:
    """The completeness of one version (None for the offer register itself)."""
    if submission.stream not in _STREAMS_WITH_OFFERS:
        return None
    model = LINE_MODELS[submission.stream]
    with acting_as(session, submission.org_id):
        offers = _own_offers(session, submission.organisation, period.aar)
        reported = session.scalars(
            sa.select(model.offer_id).where(
                model.org_id == submission.org_id, model.submission_id == submission.id
            )
        ).all()
    return coverage(offers, period.aar, reported)


def _compared(
    session: Session, submission: Submission, period: ReportingPeriod
) -> tuple[list[uuid.UUID], str | None]:
    """The approved version(s) the values are compared with: an earlier approved version of
    the same period, else the approved data of the same stream the year before."""
    earlier = session.execute(
        sa.select(Submission.id, Submission.version)
        .where(
            Submission.org_id == submission.org_id,
            Submission.period_id == submission.period_id,
            Submission.stream == submission.stream,
            Submission.status == SubmissionStatus.GODKENDT,
            Submission.version < submission.version,
        )
        .order_by(Submission.version.desc())
        .limit(1)
    ).first()
    if earlier is not None:
        return [earlier.id], f"godkendt version {earlier.version}"
    last_year = history._approved(
        session, submission.org_id, period.rammeaftale_id, submission.stream, period.aar - 1
    )
    if last_year:
        return last_year, f"godkendt for {period.aar - 1}"
    return [], None


def _versions(
    session: Session, submission: Submission, own: dict[tuple[Any, ...], tuple[Any, ...]]
) -> tuple[VersionChange, ...]:
    others = list(
        session.scalars(
            sa.select(Submission)
            .where(
                Submission.org_id == submission.org_id,
                Submission.period_id == submission.period_id,
                Submission.stream == submission.stream,
                Submission.id != submission.id,
            )
            .order_by(Submission.version.desc())
        )
    )
    columns = _value_columns(submission.stream)
    by_version: dict[uuid.UUID, dict[tuple[Any, ...], tuple[Any, ...]]] = {o.id: {} for o in others}
    for line in _lines(session, [o.id for o in others], submission.stream, submission.org_id):
        by_version[line.submission_id][_key(submission.stream, line)] = tuple(
            getattr(line, c.key) for c in columns
        )
    out = []
    for other in others:
        theirs = by_version[other.id]
        out.append(
            VersionChange(
                id=other.id,
                version=other.version,
                status=other.status,
                uploaded_at=other.uploaded_at,
                row_count=other.row_count,
                changed=sum(1 for k in own.keys() & theirs.keys() if own[k] != theirs[k]),
                added=len(own.keys() - theirs.keys()),
                removed=len(theirs.keys() - own.keys()),
            )
        )
    return tuple(out)


def warning_text(warning: dict[str, Any]) -> str:
    """``Række 7, Basistakst: …`` – where a stored warning is, then what it says."""
    where = [f"Række {warning['row']}" if warning.get("row") else None, warning.get("header")]
    place = ", ".join(str(w) for w in where if w)
    message = str(warning.get("message", ""))
    return f"{place}: {message}" if place else message


def review(session: Session, submission: Submission, period: ReportingPeriod) -> Review:
    """Everything a reviewer needs about ``submission`` (read as its organisation)."""
    stream = submission.stream
    columns = _value_columns(stream)
    with acting_as(session, submission.org_id):
        offers = _own_offers(session, submission.organisation, period.aar)
        lines = _lines(session, [submission.id], stream, submission.org_id)
        compared_ids, compared_with = _compared(session, submission, period)
        before: dict[tuple[Any, ...], Any] = {}
        for old in _lines(session, compared_ids, stream, submission.org_id):
            before[_key(stream, old)] = old
        own = {_key(stream, line): tuple(getattr(line, c.key) for c in columns) for line in lines}
        versions = _versions(session, submission, own)
    names = {key: info.navn for key, info in offers.items()}
    review_lines = []
    for line in lines:
        old = before.get(_key(stream, line))
        offer_id = getattr(line, "offer_id", None)
        name = names.get(str(offer_id), "") if offer_id is not None else ""
        if stream == "tilbud":
            name = line.navn
        elif offer_id is None:
            name = "Organisationens total"
        review_lines.append(
            ReviewLine(
                line_no=line.line_no,
                offer=name,
                values=tuple(
                    ValueChange(
                        getattr(line, c.key), getattr(old, c.key) if old is not None else None
                    )
                    for c in columns
                ),
                new=old is None and compared_with is not None,
            )
        )
    return Review(
        submission=submission,
        period=period,
        columns=columns,
        lines=tuple(review_lines),
        warnings=tuple(warning_text(w) for w in submission.warnings or ()),
        coverage=(
            coverage(offers, period.aar, (getattr(x, "offer_id", None) for x in lines))
            if stream in _STREAMS_WITH_OFFERS
            else None
        ),
        compared_with=compared_with,
        versions=versions,
    )
