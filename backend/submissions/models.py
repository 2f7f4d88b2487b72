"""Submissions: one organisation × reporting period × stream, versioned, with the original
file and the typed lines of every version.

A submission row is written once by an upload; afterwards only its workflow fields
(``status``, ``submitted_at``, ``decided_*``) change. A correction is a new version; older
versions, their files and lines stay readable. ``UNIQUE (org_id, period_id, stream,
version)`` is what makes two racing uploads fail: both compute the same next version and
the database lets only one of them in.

The line tables hold the intake's typed values (``Numeric``, never float) keyed by
``line_no`` = the row number in the uploaded file (header = row 1; JSON: the object's
position), so a line can always be traced back to the cell the user wrote. Offer
references are composite ``(org_id, offer_id)`` foreign keys: a line can only point at an
offer of its own organisation.

Not ``__audited__``: the automatic hook would snapshot every line (thousands of audit rows
per upload) and the submission's warnings list. The workflow service records one compact
audit event per upload (hash, size, rows) and per status change instead.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base, TenantOwned, UtcDateTime, new_id, utcnow
from backend.organisations.models import Organisation
from backend.periods.models import STREAMS
from backend.submissions.states import STATUSES, SubmissionStatus

FILE_FORMATS = ("xlsx", "csv", "json")

MONEY = sa.Numeric(16, 2)  # kr.
PLACES = sa.Numeric(12, 4)  # normering, belægning (årspladser)
DAYS = sa.Numeric(14, 4)  # forbrug (place-days)
PERCENT = sa.Numeric(7, 3)


class Submission(TenantOwned, Base):
    __tablename__ = "submission"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "period_id", "stream", "version"),
        sa.CheckConstraint(f"stream IN {STREAMS!r}", name="stream"),
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        sa.CheckConstraint(f"file_format IN {FILE_FORMATS!r}", name="file_format"),
        sa.CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    period_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reporting_period.id", ondelete="RESTRICT")
    )
    stream: Mapped[str] = mapped_column(sa.String(20))
    version: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(10), default=SubmissionStatus.KLADDE)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    file_size: Mapped[int] = mapped_column(sa.Integer)
    file_format: Mapped[str] = mapped_column(sa.String(10))
    encoding: Mapped[str | None] = mapped_column(sa.String(30))
    row_count: Mapped[int] = mapped_column(sa.Integer)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    note: Mapped[str | None] = mapped_column(sa.Text)
    uploaded_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="RESTRICT")
    )
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="RESTRICT")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_comment: Mapped[str | None] = mapped_column(sa.Text)

    organisation: Mapped[Organisation] = relationship(lazy="joined", viewonly=True)

    @property
    def org_kode(self) -> str:
        return self.organisation.kode


class SubmissionFile(TenantOwned, Base):
    """The uploaded bytes, exactly as received (downloadable; ``file_sha256`` is over them)."""

    __tablename__ = "submission_file"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["org_id", "submission_id"], ["submission.org_id", "submission.id"], ondelete="CASCADE"
        ),
    )

    submission_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


class _Line(TenantOwned):
    """Columns and keys shared by the line tables."""

    submission_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, sort_order=-5)
    line_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True, sort_order=-4)

    @classmethod
    def _keys(cls, *, offer: bool) -> tuple[sa.ForeignKeyConstraint, ...]:
        keys = [
            sa.ForeignKeyConstraint(
                ["org_id", "submission_id"],
                ["submission.org_id", "submission.id"],
                ondelete="CASCADE",
            )
        ]
        if offer:
            keys.append(
                sa.ForeignKeyConstraint(
                    ["org_id", "offer_id"], ["offer.org_id", "offer.id"], ondelete="RESTRICT"
                )
            )
        return tuple(keys)


class BelaegningLine(_Line, Base):
    __tablename__ = "submission_belaegning_line"
    __table_args__ = (
        *_Line._keys(offer=True),
        sa.CheckConstraint("kvartal BETWEEN 1 AND 4", name="kvartal"),
    )

    offer_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    kvartal: Mapped[int] = mapped_column(sa.Integer)
    normering: Mapped[Decimal | None] = mapped_column(PLACES)
    forbrug: Mapped[Decimal] = mapped_column(DAYS)
    koeberkommune: Mapped[str | None] = mapped_column(sa.String(10))


class RegnskabLine(_Line, Base):
    """One offer's accounts, or the operator's total line (``offer_id`` NULL)."""

    __tablename__ = "submission_regnskab_line"
    __table_args__ = _Line._keys(offer=True)

    offer_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    regnskab: Mapped[Decimal] = mapped_column(MONEY)
    # årspladser with 6 decimals: a price (regnskab ÷ belægning) must survive storage to the krone
    belaegning: Mapped[Decimal] = mapped_column(sa.Numeric(16, 6))
    over_underskud: Mapped[Decimal | None] = mapped_column(MONEY)
    tillaeg: Mapped[Decimal | None] = mapped_column(MONEY)
    takst: Mapped[Decimal | None] = mapped_column(MONEY)
    prisaar: Mapped[int] = mapped_column(sa.Integer)


class TakstLine(_Line, Base):
    __tablename__ = "submission_takst_line"
    __table_args__ = _Line._keys(offer=True)

    offer_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    basistakst: Mapped[Decimal] = mapped_column(MONEY)
    takstgruppe: Mapped[str | None] = mapped_column(sa.String(200))
    belaegningsprocent: Mapped[Decimal] = mapped_column(PERCENT)


class TilbudLine(_Line, Base):
    """One offer of an uploaded registry; ``offer_id`` NULL for a new offer. Applied to the
    offer registry when the submission is approved."""

    __tablename__ = "submission_tilbud_line"
    __table_args__ = _Line._keys(offer=True)

    offer_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    navn: Mapped[str] = mapped_column(sa.String(300))
    tilbudsportalen_id: Mapped[str | None] = mapped_column(sa.String(200))
    maalgruppe: Mapped[str] = mapped_column(sa.String(50))
    tilbudstype: Mapped[str] = mapped_column(sa.String(10))
    sel_paragraf: Mapped[str | None] = mapped_column(sa.String(30))
    normering: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    omfattet: Mapped[bool] = mapped_column(sa.Boolean)
    gyldig_fra: Mapped[date] = mapped_column(sa.Date)
    gyldig_til: Mapped[date | None] = mapped_column(sa.Date)


LINE_MODELS: dict[str, type[BelaegningLine | RegnskabLine | TakstLine | TilbudLine]] = {
    "belaegning": BelaegningLine,
    "regnskab": RegnskabLine,
    "takster": TakstLine,
    "tilbud": TilbudLine,
}
