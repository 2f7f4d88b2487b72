"""Reporting periods: the secretariat creates, changes the deadline of, closes and reopens
the periods of its rammeaftale; every role of the rammeaftale reads them.

Periods are platform-level rows (no tenant scope), so their changes are recorded in the
audit log explicitly, in the acting secretariat's organisation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backend.audit import service as audit
from backend.audit.service import snapshot
from backend.db.base import utcnow
from backend.db.session import scoped
from backend.db.tenancy import TenantScope, require_scope
from backend.errors import Conflict, Invalid, NotFound, PreconditionFailed
from backend.organisations.models import Organisation
from backend.periods.models import QUARTERLY_STREAMS, WHOLE_YEAR, ReportingPeriod
from backend.submissions.models import Submission

ENTITY = "reporting_period"
_DUPLICATE = "Perioden findes allerede for rammeaftalen."


def _kvartal(stream: str, kvartal: int | None) -> int:
    """The stored quarter: 1-4 for a quarterly stream, WHOLE_YEAR for a yearly one."""
    if stream in QUARTERLY_STREAMS and kvartal is None:
        raise Invalid(
            "Kvartal mangler.",
            errors=[
                {
                    "field": "kvartal",
                    "location": "json",
                    "message": f"Datastrømmen '{stream}' indberettes kvartalsvis: angiv kvartal 1-4.",
                }
            ],
        )
    if stream not in QUARTERLY_STREAMS and kvartal is not None:
        raise Invalid(
            "Kvartal må ikke angives.",
            errors=[
                {
                    "field": "kvartal",
                    "location": "json",
                    "message": f"Datastrømmen '{stream}' indberettes for et helt år: udelad kvartal.",
                }
            ],
        )
    if kvartal is not None and not 1 <= kvartal <= 4:
        raise Invalid(
            "Ugyldigt kvartal.",
            errors=[
                {
                    "field": "kvartal",
                    "location": "json",
                    "message": "Kvartal skal være mellem 1 og 4.",
                }
            ],
        )
    return WHOLE_YEAR if kvartal is None else kvartal


def _audit(
    session: Session,
    *,
    actor_org_id: int,
    action: str,
    period: ReportingPeriod,
    before: dict[str, Any] | None,
) -> None:
    with scoped(session, TenantScope.single(actor_org_id)):
        audit.record(
            session,
            org_id=actor_org_id,
            action=action,
            entity=ENTITY,
            entity_id=str(period.id),
            before=before,
            after=snapshot(period),
        )
        session.flush()


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise PreconditionFailed("Perioden er ændret samtidig af en anden. Hent den igen.") from exc
    except IntegrityError as exc:
        raise Conflict(_DUPLICATE, code="periode_findes") from exc


def create_period(
    session: Session,
    *,
    rammeaftale_id: int,
    actor_org_id: int,
    stream: str,
    aar: int,
    kvartal: int | None,
    frist: date,
) -> ReportingPeriod:
    """Open a period of ``rammeaftale_id``; 409 if the same stream, year and quarter exists."""
    stored = _kvartal(stream, kvartal)
    exists = session.scalar(
        sa.select(
            sa.exists().where(
                ReportingPeriod.rammeaftale_id == rammeaftale_id,
                ReportingPeriod.stream == stream,
                ReportingPeriod.aar == aar,
                ReportingPeriod.kvartal == stored,
            )
        )
    )
    if exists:
        raise Conflict(_DUPLICATE, code="periode_findes")
    period = ReportingPeriod(
        rammeaftale_id=rammeaftale_id,
        stream=stream,
        aar=aar,
        kvartal=stored,
        frist=frist,
        status="aaben",
    )
    session.add(period)
    _flush(session)  # the unique constraint still decides a race between two secretaries
    _audit(session, actor_org_id=actor_org_id, action="create", period=period, before=None)
    return period


def get_period(session: Session, *, rammeaftale_id: int, period_id: int) -> ReportingPeriod:
    """A period of the caller's rammeaftale; another rammeaftale's is indistinguishable from none."""
    period = session.scalar(
        sa.select(ReportingPeriod).where(
            ReportingPeriod.id == period_id, ReportingPeriod.rammeaftale_id == rammeaftale_id
        )
    )
    if period is None:
        raise NotFound("Perioden findes ikke.", code="periode_findes_ikke")
    return period


def list_periods(
    session: Session,
    *,
    rammeaftale_id: int,
    aar: int | None = None,
    stream: str | None = None,
    status: str | None = None,
) -> list[ReportingPeriod]:
    query = sa.select(ReportingPeriod).where(ReportingPeriod.rammeaftale_id == rammeaftale_id)
    if aar is not None:
        query = query.where(ReportingPeriod.aar == aar)
    if stream:
        query = query.where(ReportingPeriod.stream == stream)
    if status:
        query = query.where(ReportingPeriod.status == status)
    order = (ReportingPeriod.aar.desc(), ReportingPeriod.stream, ReportingPeriod.kvartal)
    return list(session.scalars(query.order_by(*order)))


def update_period(
    session: Session,
    period: ReportingPeriod,
    *,
    actor_org_id: int,
    expected_version: int,
    frist: date | None = None,
    status: str | None = None,
) -> ReportingPeriod:
    """Move the deadline, close or reopen, if the client saw the current version."""
    if period.version != expected_version:
        raise PreconditionFailed("Perioden er ændret siden du hentede den. Hent den igen.")
    before = snapshot(period)
    if frist is not None:
        period.frist = frist
    if status is not None and status != period.status:
        period.status = status
        period.closed_at = utcnow() if status == "lukket" else None
    if not session.is_modified(period):
        return period
    _flush(session)
    action = "update"
    if period.status != before["status"]:
        action = "close" if period.status == "lukket" else "reopen"
    _audit(session, actor_org_id=actor_org_id, action=action, period=period, before=before)
    return period


_STATUS_DA = {
    "draft": "kladde",
    "submitted": "indsendt",
    "approved": "godkendt",
    "rejected": "afvist",
}


def status_overview(
    session: Session, period: ReportingPeriod, *, today: date | None = None
) -> list[dict[str, Any]]:
    """Per reporting organisation in scope: the state of its latest version for the period.

    Late (``for_sent``) means the deadline has passed and nothing has been submitted yet
    (no version, a draft, or a rejected version awaiting correction); a version submitted
    after the deadline is also marked late.
    """
    today = today or utcnow().date()
    scope = require_scope()
    orgs = session.execute(
        sa.select(Organisation.id, Organisation.kode, Organisation.navn)
        .where(
            Organisation.rammeaftale_id == period.rammeaftale_id,
            Organisation.type != "sekretariat",
            Organisation.id.in_(sorted(scope.readable)),
        )
        .order_by(Organisation.navn)
    ).all()
    ranked = (
        sa.select(
            Submission.org_id,
            Submission.status,
            Submission.version,
            Submission.uploaded_at,
            Submission.submitted_at,
            sa.func.row_number()
            .over(partition_by=Submission.org_id, order_by=Submission.version.desc())
            .label("rn"),
        )
        .where(Submission.period_id == period.id, Submission.stream == period.stream)
        .subquery()
    )
    latest = {row.org_id: row for row in session.execute(sa.select(ranked).where(ranked.c.rn == 1))}
    out = []
    for org_id, kode, navn in orgs:
        row = latest.get(org_id)
        submitted = row is not None and row.status in ("submitted", "approved")
        late = (not submitted and today > period.frist) or (
            row is not None
            and submitted
            and row.submitted_at is not None
            and row.submitted_at.date() > period.frist
        )
        status = _STATUS_DA[row.status] if row is not None else "ingen"
        out.append(
            {
                "organisation": kode,
                "navn": navn,
                "version": row.version if row else None,
                "indberettet": row.uploaded_at if row else None,
                "for_sent": late,
                "status": "for_sent" if late and not submitted else status,
            }
        )
    return out
