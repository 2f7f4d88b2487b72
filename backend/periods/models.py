"""Reporting periods: a year (and for belægning a quarter) of one data stream, with a deadline.

A period belongs to a rammeaftale, not to an organisation: every organisation of the
rammeaftale reports into the same period, so the table is platform-level (no ``org_id``,
no RLS). Changes are audited explicitly by the service in the acting secretariat's
organisation, since the automatic audit hook records tenant-owned rows only.

Whole-year periods store ``kvartal = 0`` rather than NULL: a unique constraint treats
NULLs as distinct on PostgreSQL (and SQLite), so ``(rammeaftale_id, stream, aar, NULL)``
would not be deduplicated, and an expression index on ``coalesce(kvartal, 0)`` is not
reflected by SQLite (autogenerate would warn and drift). The API shows 0 as ``null``.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, UtcDateTime, utcnow
from backend.periods.states import STATUSES, PeriodStatus

QUARTERLY_STREAMS = ("belaegning",)  # the kvartal check constraint names it too
YEARLY_STREAMS = ("regnskab", "takster", "tilbud")
STREAMS = QUARTERLY_STREAMS + YEARLY_STREAMS
#: Each data stream's Danish name (a capital first; ``.lower()`` inside a sentence).
STREAM_LABELS = {
    "belaegning": "Belægning",
    "regnskab": "Regnskab",
    "takster": "Takster",
    "tilbud": "Tilbudsoversigt",
}
WHOLE_YEAR = 0


class ReportingPeriod(Base):
    __tablename__ = "reporting_period"
    __table_args__ = (
        sa.CheckConstraint(f"stream IN {STREAMS!r}", name="stream"),
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        sa.CheckConstraint("aar BETWEEN 2000 AND 2100", name="aar"),
        sa.CheckConstraint(
            "(stream = 'belaegning' AND kvartal BETWEEN 1 AND 4)"
            " OR (stream <> 'belaegning' AND kvartal = 0)",
            name="kvartal",
        ),
        sa.CheckConstraint("(status = 'lukket') = (closed_at IS NOT NULL)", name="closed_at"),
        sa.UniqueConstraint("rammeaftale_id", "stream", "aar", "kvartal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rammeaftale_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rammeaftale.id", ondelete="RESTRICT")
    )
    stream: Mapped[str] = mapped_column(sa.String(20))
    aar: Mapped[int] = mapped_column(sa.Integer)
    kvartal: Mapped[int] = mapped_column(sa.Integer, default=WHOLE_YEAR)
    frist: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(10), default=PeriodStatus.AABEN)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __mapper_args__ = {"version_id_col": version}

    @property
    def kvartal_or_none(self) -> int | None:
        """The quarter, or None for a whole-year period (as the API shows it)."""
        return self.kvartal or None
