"""Reminders before and after a deadline, to the organisations that have not submitted.

What ``rammetal mail remind`` (cron, daily) runs. For every open period whose deadline is
at most ``days_before`` days away (and not passed), each reporting organisation of its
rammeaftale without a submitted or approved version gets the reminder "før fristen"; once
the deadline is ``days_after`` days behind (and at most :data:`LATE_WINDOW_DAYS` more,
so a period left open for years does not start mailing), the reminder "efter fristen".
Each reminder is written once per period × organisation × kind
(:func:`backend.notifications.service.enqueue_reminder`), so running it twice a day, or
every day of the window, sends nothing twice. The mails go out with the next
``rammetal mail send``.

Here rather than in ``backend.notifications``: it reads the submissions, and notifications
sit below submissions in the layer order (the workflow enqueues its mails there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.db.tenancy import acting_as
from backend.notifications import service as notifications
from backend.notifications.states import MailKind
from backend.notifications.texts import About
from backend.organisations.models import Organisation
from backend.periods.models import ReportingPeriod
from backend.periods.states import PeriodStatus
from backend.submissions.models import Submission
from backend.submissions.states import SubmissionStatus

#: After the deadline, the late reminder is written during this many days only.
LATE_WINDOW_DAYS = 14
#: Organisations of this type report nothing (the secretariat itself).
_NOT_REPORTING = "sekretariat"


@dataclass(frozen=True)
class ReminderReport:
    mails: int
    organisations: int


def reminder_kind(
    period: ReportingPeriod, today: date, *, days_before: int, days_after: int
) -> MailKind | None:
    """Which reminder ``period`` is due for ``today``, if any."""
    if period.status != PeriodStatus.AABEN:
        return None
    if period.frist - timedelta(days=days_before) <= today <= period.frist:
        return MailKind.PAAMINDELSE_FOER
    late = period.frist + timedelta(days=days_after)
    if late <= today <= late + timedelta(days=LATE_WINDOW_DAYS):
        return MailKind.PAAMINDELSE_EFTER
    return None


def has_submitted(session: Session, org_id: int, period: ReportingPeriod) -> bool:
    """Whether ``org_id`` has a submitted or approved version for the period (the caller's
    scope reads ``org_id``)."""
    found = session.scalar(
        sa.select(Submission.id)
        .where(
            Submission.org_id == org_id,
            Submission.period_id == period.id,
            Submission.stream == period.stream,
            Submission.status.in_([SubmissionStatus.INDSENDT, SubmissionStatus.GODKENDT]),
        )
        .limit(1)
    )
    return found is not None


def enqueue_reminders(
    session: Session,
    *,
    today: date,
    days_before: int,
    days_after: int,
    public_url: str | None = None,
) -> ReminderReport:
    """Write the reminders due ``today`` to the outbox (server-side work: the operator's
    cron; each organisation in its own scope)."""
    periods = session.scalars(
        sa.select(ReportingPeriod)
        .where(ReportingPeriod.status == PeriodStatus.AABEN)
        .order_by(ReportingPeriod.id)
    )
    mails = 0
    reminded: set[int] = set()
    for period in periods:
        kind = reminder_kind(period, today, days_before=days_before, days_after=days_after)
        if kind is None:
            continue
        organisations = session.scalars(
            sa.select(Organisation)
            .where(
                Organisation.rammeaftale_id == period.rammeaftale_id,
                Organisation.type != _NOT_REPORTING,
            )
            .order_by(Organisation.id)
        ).all()
        for org in organisations:
            with acting_as(session, org.id):
                if has_submitted(session, org.id, period):
                    continue
                about = About(org.navn, period.stream, period.aar, period.kvartal, period.frist)
                written = notifications.enqueue_reminder(
                    session,
                    org_id=org.id,
                    period_id=period.id,
                    kind=kind,
                    about=about,
                    today=today,
                    public_url=public_url,
                )
                session.flush()
            if written:
                mails += written
                reminded.add(org.id)
    return ReminderReport(mails, len(reminded))
