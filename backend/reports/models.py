"""Published snapshots of the ledelsesinformation (and its nøgletal): immutable.

A snapshot belongs to the rammeaftale, not to one tenant: once published, every
principal of the agreement may read it. Rows are never updated or deleted (a trigger
refuses both); a correction is published as the next version and the earlier one stays
readable with its date.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, UtcDateTime, utcnow


class ReportSnapshot(Base):
    __tablename__ = "report_snapshot"
    __table_args__ = (sa.UniqueConstraint("rammeaftale_id", "kind", "aar", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rammeaftale_id: Mapped[int] = mapped_column(sa.ForeignKey("rammeaftale.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    aar: Mapped[int] = mapped_column(sa.Integer)
    version: Mapped[int] = mapped_column(sa.Integer)
    inputs_sha256: Mapped[str] = mapped_column(sa.String(64))
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    noegletal: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    xlsx: Mapped[bytes] = mapped_column(sa.LargeBinary)
    csv: Mapped[bytes] = mapped_column(sa.LargeBinary)
    published_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
