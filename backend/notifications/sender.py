"""Deliver the outbox over SMTP: what ``rammetal mail send`` (cron) runs.

Three short steps, so no transaction is open while the mail server is talked to:

1. claim the due mail (``afventer`` with ``next_attempt_at`` reached): each row's
   ``attempts`` goes up by one and ``next_attempt_at`` moves to the next retry
   (``mail_retry_seconds`` × 2^(attempts − 1)). A conditional update: two overlapping runs
   never claim the same row, and a run that dies mid-way leaves its mail to be retried;
2. send them over one SMTP connection;
3. mark each ``sendt``, or keep the error and, after ``mail_max_attempts``, mark it
   ``fejlet`` (shown on ``/administration``).

Each organisation's mail is read and written in that organisation's own tenant scope.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.db.base import utcnow
from backend.db.session import Database
from backend.db.tenancy import acting_as
from backend.notifications.models import MAX_ERROR, OutboxMail
from backend.notifications.states import MailStatus
from backend.organisations.models import Organisation

log = logging.getLogger(__name__)

#: At most this many mails per organisation per run (the next run takes the rest).
BATCH = 200


@dataclass(frozen=True)
class Outgoing:
    org_id: int
    id: uuid.UUID
    recipient: str
    subject: str
    body: str
    attempts: int  # counting this one


@dataclass
class SendReport:
    sent: int = 0
    retry_later: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class MailNotConfigured(RuntimeError):
    """No SMTP server is set (``RAMMETAL_SMTP_HOST``)."""


def retry_delay(settings: Settings, attempts: int) -> timedelta:
    """The pause after the ``attempts``-th attempt: the base, doubled after each attempt."""
    return timedelta(seconds=settings.mail_retry_seconds * 2 ** max(attempts - 1, 0))


def _org_ids(session: Session) -> list[int]:
    return list(session.scalars(sa.select(Organisation.id).order_by(Organisation.id)))


def claim_due(session: Session, settings: Settings, now: datetime) -> list[Outgoing]:
    claimed: list[Outgoing] = []
    for org_id in _org_ids(session):
        with acting_as(session, org_id):
            due = session.execute(
                sa.select(
                    OutboxMail.id,
                    OutboxMail.recipient,
                    OutboxMail.subject,
                    OutboxMail.body,
                    OutboxMail.attempts,
                )
                .where(
                    OutboxMail.org_id == org_id,
                    OutboxMail.status == MailStatus.AFVENTER,
                    OutboxMail.next_attempt_at <= now,
                )
                .order_by(OutboxMail.created_at)
                .limit(BATCH)
            ).all()
            for mail_id, recipient, subject, body, attempts in due:
                done = session.execute(
                    sa.update(OutboxMail)
                    .where(
                        OutboxMail.org_id == org_id,
                        OutboxMail.id == mail_id,
                        OutboxMail.status == MailStatus.AFVENTER,
                        OutboxMail.attempts == attempts,
                    )
                    .values(
                        attempts=attempts + 1,
                        next_attempt_at=now + retry_delay(settings, attempts + 1),
                    )
                    .execution_options(synchronize_session=False)
                )
                if getattr(done, "rowcount", 0) == 1:
                    claimed.append(
                        Outgoing(org_id, mail_id, recipient, subject, body, attempts + 1)
                    )
    return claimed


def message(settings: Settings, mail: Outgoing, now: datetime) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(idstring=str(mail.id), domain="rammetal")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(mail.body)
    return msg


def _connect(settings: Settings) -> smtplib.SMTP:
    if not settings.smtp_host:
        raise MailNotConfigured("RAMMETAL_SMTP_HOST er ikke sat.")
    smtp = smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    )
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR]


def deliver(
    settings: Settings,
    mails: list[Outgoing],
    now: datetime,
    connect: Callable[[Settings], smtplib.SMTP] = _connect,
) -> dict[uuid.UUID, str | None]:
    """Send ``mails``; per mail ``None`` (accepted by the server) or the error."""
    if not mails:
        return {}
    try:
        smtp = connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        return {mail.id: _describe(exc) for mail in mails}
    outcome: dict[uuid.UUID, str | None] = {}
    try:
        for mail in mails:
            try:
                refused = smtp.send_message(message(settings, mail, now))
                outcome[mail.id] = _describe(RuntimeError(refused)) if refused else None
            except (OSError, smtplib.SMTPException) as exc:
                outcome[mail.id] = _describe(exc)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return outcome


def record(
    session: Session,
    settings: Settings,
    mails: list[Outgoing],
    outcome: dict[uuid.UUID, str | None],
    now: datetime,
    report: SendReport,
) -> None:
    by_org: dict[int, list[Outgoing]] = {}
    for mail in mails:
        by_org.setdefault(mail.org_id, []).append(mail)
    for org_id, own in by_org.items():
        with acting_as(session, org_id):
            for mail in own:
                row = session.get(OutboxMail, {"org_id": org_id, "id": mail.id})
                if row is None:
                    continue
                error = outcome.get(mail.id, "ikke forsøgt")
                if error is None:
                    row.status, row.sent_at, row.last_error = MailStatus.SENDT, now, None
                    report.sent += 1
                    log.info("mail %s sent (attempt %d)", mail.id, mail.attempts)
                    continue
                row.last_error = error
                report.errors.append(f"{mail.recipient}: {error}")
                if mail.attempts >= settings.mail_max_attempts:
                    row.status = MailStatus.FEJLET
                    report.failed += 1
                    log.warning(
                        "mail %s failed after %d attempts: %s", mail.id, mail.attempts, error
                    )
                else:
                    report.retry_later += 1
                    log.info(
                        "mail %s not sent (attempt %d), retried later: %s",
                        mail.id,
                        mail.attempts,
                        error,
                    )
            session.flush()


def send_due(
    database: Database,
    settings: Settings,
    *,
    now: datetime | None = None,
    connect: Callable[[Settings], smtplib.SMTP] = _connect,
) -> SendReport:
    """Send every due mail of the outbox; what happened."""
    if not settings.smtp_host and connect is _connect:
        raise MailNotConfigured("RAMMETAL_SMTP_HOST er ikke sat: ingen mailserver at sende til.")
    now = now or utcnow()
    with database.unit_of_work() as session:
        mails = claim_due(session, settings, now)
    outcome = deliver(settings, mails, now, connect)
    report = SendReport()
    with database.unit_of_work() as session:
        record(session, settings, mails, outcome, now, report)
    return report
