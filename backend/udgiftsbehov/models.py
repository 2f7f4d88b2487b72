"""Runs of the expected-need model: inputs, parameters and results, frozen once published.

A run belongs to the rammeaftale, not to one tenant (like ``report_snapshot``). A draft
(kladde) is visible to the secretariat only; publishing it makes it readable by every
principal of the agreement, and from then on the row never changes: the service refuses
and a database trigger (migrations 0006, 0011) refuses UPDATE and DELETE of a published
run, but for its one withdrawal (status ``tilbagetrukket`` with ``withdrawn_at`` and
``withdrawn_by``, nothing else changed); a withdrawn run never changes again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, UtcDateTime, utcnow
from backend.reports.states import STATUSES, Publication

METHODS = ("ols", "ridge", "log")


class ModelRun(Base):
    __tablename__ = "model_run"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        sa.CheckConstraint(f"method IN {METHODS!r}", name="method"),
        sa.Index("ix_model_run_rammeaftale_status", "rammeaftale_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rammeaftale_id: Mapped[int] = mapped_column(sa.ForeignKey("rammeaftale.id"))
    noegletal: Mapped[str] = mapped_column(sa.String(100))
    maalgruppe: Mapped[str | None] = mapped_column(sa.String(50))
    years: Mapped[list[int]] = mapped_column(sa.JSON)
    method: Mapped[str] = mapped_column(sa.String(10))
    indicators: Mapped[list[str]] = mapped_column(sa.JSON)
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    inputs_sha256: Mapped[str] = mapped_column(sa.String(64))
    inputs: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    results: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(20), default=Publication.KLADDE)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawn_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
