"""The outbox: every mail Rammetal sends is first a row here, written in the transaction
of the step that causes it (a submission's submit, approval or rejection, a reminder run).

A rolled-back step leaves no row, so it sends nothing; a request never waits on the mail
server; and nothing is lost while the server is down: ``rammetal mail send`` (cron) sends
what is due, counts the attempts, retries later with a growing pause, and marks a mail
``fejlet`` after the last attempt (the platform admin sees it on ``/administration``).

Tenant-owned: a mail belongs to the organisation it is about, and its recipient is a user
of that organisation (:mod:`backend.notifications.service` checks it), so a mail is only
ever about the recipient's own organisation. ``dedupe_key`` makes a reminder once per
period × organisation × kind × recipient even when two reminder runs race.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, TenantOwned, UtcDateTime, new_id, utcnow
from backend.notifications.states import KINDS, STATUSES, MailStatus

MAX_SUBJECT = 300
MAX_ERROR = 500


class OutboxMail(TenantOwned, Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS!r}", name="kind"),
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        sa.CheckConstraint("attempts >= 0", name="attempts"),
        sa.UniqueConstraint("org_id", "dedupe_key"),
        sa.Index(
            "ix_mail_outbox_org_id_status_next_attempt_at", "org_id", "status", "next_attempt_at"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(sa.String(20))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(MAX_SUBJECT))
    body: Mapped[str] = mapped_column(sa.Text)
    period_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("reporting_period.id", ondelete="RESTRICT")
    )
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(10), default=MailStatus.AFVENTER)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(MAX_ERROR))
