"""Write mail to the outbox (in the caller's transaction), and read what failed.

The submission workflow calls :func:`enqueue_receipt` and :func:`enqueue_decision` in the
transaction of its step; the reminder run (``backend.submissions.reminders``) calls
:func:`enqueue_reminder`. Sending is :mod:`backend.notifications.sender`.

A mail goes only to an active user of the organisation it is about (a user who has moved
to another organisation gets nothing), and reminders only to users who report for it and
have not turned reminders off (``app_user.paamindelser``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.auth.models import User
from backend.db.base import utcnow
from backend.db.tenancy import elevated
from backend.notifications import texts
from backend.notifications.models import MAX_SUBJECT, OutboxMail
from backend.notifications.states import REMINDERS, MailKind, MailStatus
from backend.organisations.models import Organisation
from backend.policy import Permission, grants


def _recipient(session: Session, user_id: int | None, org_id: int) -> User | None:
    """The user, if it is active and belongs to ``org_id`` (else: no mail)."""
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or not user.active or user.organisation_id != org_id:
        return None
    return user


def _link(public_url: str | None, path: str) -> str | None:
    return public_url.rstrip("/") + path if public_url else None


def enqueue(
    session: Session,
    *,
    org_id: int,
    kind: MailKind,
    user: User,
    text: texts.Text,
    period_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutboxMail:
    """Add one mail to the outbox (flushed with the caller's unit of work)."""
    mail = OutboxMail(
        org_id=org_id,
        kind=kind,
        user_id=user.id,
        recipient=user.email,
        subject=text.subject[:MAX_SUBJECT],
        body=text.body,
        period_id=period_id,
        dedupe_key=dedupe_key,
        status=MailStatus.AFVENTER,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(mail)
    return mail


def enqueue_receipt(
    session: Session,
    *,
    org_id: int,
    user_id: int | None,
    about: texts.About,
    at: datetime,
    period_id: int,
    public_url: str | None = None,
) -> OutboxMail | None:
    """The receipt to the user who submitted (none for the operator's CLI)."""
    user = _recipient(session, user_id, org_id)
    if user is None:
        return None
    text = texts.receipt(user.navn, about, at, link=_link(public_url, "/indberetning"))
    return enqueue(
        session,
        org_id=org_id,
        kind=MailKind.KVITTERING,
        user=user,
        text=text,
        period_id=period_id,
    )


def enqueue_decision(
    session: Session,
    *,
    org_id: int,
    user_id: int | None,
    about: texts.About,
    approved: bool,
    kommentar: str | None,
    period_id: int,
    public_url: str | None = None,
) -> OutboxMail | None:
    """The secretariat's decision, with its comment, to the user who submitted."""
    user = _recipient(session, user_id, org_id)
    if user is None:
        return None
    link = _link(public_url, "/indberetning")
    if approved:
        text = texts.approved(user.navn, about, kommentar, link=link)
    else:
        text = texts.rejected(user.navn, about, kommentar or "", link=link)
    return enqueue(
        session,
        org_id=org_id,
        kind=MailKind.GODKENDT if approved else MailKind.AFVIST,
        user=user,
        text=text,
        period_id=period_id,
    )


def reminded(session: Session, *, org_id: int, period_id: int, kind: MailKind) -> bool:
    """Whether ``org_id`` has had the reminder ``kind`` for the period (in the outbox)."""
    found = session.scalar(
        sa.select(OutboxMail.id)
        .where(
            OutboxMail.org_id == org_id,
            OutboxMail.period_id == period_id,
            OutboxMail.kind == kind,
        )
        .limit(1)
    )
    return found is not None


def reminder_recipients(session: Session, org_id: int) -> list[User]:
    """The active users who report for ``org_id`` and want reminders."""
    users = session.scalars(
        sa.select(User)
        .where(User.organisation_id == org_id, User.active.is_(True), User.paamindelser.is_(True))
        .order_by(User.id)
    )
    return [u for u in users if Permission.REPORT in grants(u.role)]


def enqueue_reminder(
    session: Session,
    *,
    org_id: int,
    period_id: int,
    kind: MailKind,
    about: texts.About,
    today: date,
    public_url: str | None = None,
) -> int:
    """The reminder ``kind`` to ``org_id``'s reporters, once per period × organisation × kind;
    the number of mails written (0 when it was sent before). The caller's scope must
    write ``org_id``'s rows."""
    if kind not in REMINDERS:
        raise ValueError(kind)
    if reminded(session, org_id=org_id, period_id=period_id, kind=kind):
        return 0
    render = texts.reminder_before if kind is MailKind.PAAMINDELSE_FOER else texts.reminder_after
    link = _link(public_url, "/indberetning")
    users = reminder_recipients(session, org_id)
    for user in users:
        enqueue(
            session,
            org_id=org_id,
            kind=kind,
            user=user,
            text=render(user.navn, about, today, link=link),
            period_id=period_id,
            dedupe_key=f"{kind}:{period_id}:{user.id}",
        )
    return len(users)


@dataclass(frozen=True)
class FailedMail:
    id: uuid.UUID
    organisation: str
    kind: MailKind
    recipient: str
    subject: str
    attempts: int
    created_at: datetime
    last_error: str | None


def failed_mail(session: Session, *, limit: int = 200) -> list[FailedMail]:
    """The mail that could not be delivered, newest first, across every organisation: for
    the platform admin, who reads no tenant data otherwise (the one elevated read here)."""
    org_ids: Iterable[int] = session.scalars(sa.select(Organisation.id))
    with elevated(session, org_ids, reason="platform admin: undelivered mail"):
        rows = session.execute(
            sa.select(OutboxMail, Organisation.navn)
            .join(Organisation, Organisation.id == OutboxMail.org_id)
            .where(OutboxMail.status == MailStatus.FEJLET)
            .order_by(OutboxMail.created_at.desc())
            .limit(limit)
        ).all()
    return [
        FailedMail(
            mail.id,
            navn,
            MailKind(mail.kind),
            mail.recipient,
            mail.subject,
            mail.attempts,
            mail.created_at,
            mail.last_error,
        )
        for mail, navn in rows
    ]
