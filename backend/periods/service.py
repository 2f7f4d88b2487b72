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
from backend.errors import Conflict, Invalid, NotFound, PreconditionFailed
from backend.periods.models import (
    QUARTERLY_STREAMS,
    STREAM_LABELS,
    WHOLE_YEAR,
    ReportingPeriod,
)
from backend.periods.states import PeriodStatus

ENTITY = "reporting_period"
_DUPLICATE = "Perioden findes allerede for rammeaftalen."


def _duplicate(stream: str, aar: int, kvartal: int) -> str:
    """The 409's text, naming the period: "Der findes allerede en periode for Belægning
    2027, 1. kvartal. Ret dens frist i stedet."."""
    quarter = f", {kvartal}. kvartal" if kvartal else ""
    name = f"{STREAM_LABELS.get(stream, stream)} {aar}{quarter}"
    return f"Der findes allerede en periode for {name}. Ret dens frist i stedet."


def _kvartal(stream: str, kvartal: int | None) -> int:
    """The stored quarter: 1-4 for a quarterly stream, WHOLE_YEAR for a yearly one."""
    if stream in QUARTERLY_STREAMS and kvartal is None:
        raise Invalid(
            "Kvartal mangler.",
            errors=[
                {
                    "field": "kvartal",
                    "location": "json",
                    "message": f"{STREAM_LABELS[stream]} indberettes pr. kvartal: "
                    "angiv kvartal 1-4.",
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
                    "message": f"{STREAM_LABELS.get(stream, stream)} indberettes for et helt "
                    "år: udelad kvartal.",
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


def _record(
    session: Session,
    *,
    actor_org_id: int,
    action: str,
    period: ReportingPeriod,
    before: dict[str, Any] | None,
) -> None:
    """Periods belong to the rammeaftale: the change is recorded in the acting
    organisation (the secretariat's)."""
    audit.record(
        session,
        org_id=actor_org_id,
        action=action,
        entity=ENTITY,
        entity_id=str(period.id),
        before=before,
        after=snapshot(period),
    )


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
        raise Conflict(_duplicate(stream, aar, stored), code="periode_findes")
    period = ReportingPeriod(
        rammeaftale_id=rammeaftale_id,
        stream=stream,
        aar=aar,
        kvartal=stored,
        frist=frist,
        status=PeriodStatus.AABEN,
    )
    session.add(period)
    _flush(session)  # the unique constraint still decides a race between two secretaries
    _record(session, actor_org_id=actor_org_id, action="create", period=period, before=None)
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
        period.closed_at = utcnow() if status == PeriodStatus.LUKKET else None
    if not session.is_modified(period):
        return period
    _flush(session)
    action = "update"
    if period.status != before["status"]:
        action = "close" if period.status == PeriodStatus.LUKKET else "reopen"
    _record(session, actor_org_id=actor_org_id, action=action, period=period, before=before)
    return period
