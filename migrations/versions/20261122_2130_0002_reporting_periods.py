"""reporting periods: one row per rammeaftale, stream, year and quarter (0 = whole year)

Platform-level (no org_id, no RLS): every organisation of a rammeaftale reports into
the same period. Whole-year periods store kvartal 0 so the unique constraint dedupes them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reporting_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rammeaftale_id", sa.Integer(), nullable=False),
        sa.Column("stream", sa.String(length=20), nullable=False),
        sa.Column("aar", sa.Integer(), nullable=False),
        sa.Column("kvartal", sa.Integer(), nullable=False),
        sa.Column("frist", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(status = 'lukket') = (closed_at IS NOT NULL)",
            name=op.f("ck_reporting_period_closed_at"),
        ),
        sa.CheckConstraint(
            "(stream = 'belaegning' AND kvartal BETWEEN 1 AND 4) OR (stream <> 'belaegning' AND kvartal = 0)",
            name=op.f("ck_reporting_period_kvartal"),
        ),
        sa.CheckConstraint(
            "status IN ('aaben', 'lukket')", name=op.f("ck_reporting_period_status")
        ),
        sa.CheckConstraint(
            "stream IN ('belaegning', 'regnskab', 'takster', 'tilbud')",
            name=op.f("ck_reporting_period_stream"),
        ),
        sa.CheckConstraint("aar BETWEEN 2000 AND 2100", name=op.f("ck_reporting_period_aar")),
        sa.ForeignKeyConstraint(
            ["rammeaftale_id"],
            ["rammeaftale.id"],
            name=op.f("fk_reporting_period_rammeaftale_id_rammeaftale"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_period")),
        sa.UniqueConstraint(
            "rammeaftale_id",
            "stream",
            "aar",
            "kvartal",
            name=op.f("uq_reporting_period_rammeaftale_id_stream_aar_kvartal"),
        ),
    )


def downgrade() -> None:
    op.drop_table("reporting_period")
