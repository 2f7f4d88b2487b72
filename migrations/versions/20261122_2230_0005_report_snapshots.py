"""report snapshots: published ledelsesinformation, immutable

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 22:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PG_IMMUTABLE = """
CREATE OR REPLACE FUNCTION rammetal_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is immutable', TG_TABLE_NAME;
END $$;
CREATE TRIGGER report_snapshot_immutable BEFORE UPDATE OR DELETE ON report_snapshot
  FOR EACH ROW EXECUTE FUNCTION rammetal_immutable();
"""
_SQLITE_IMMUTABLE = (
    "CREATE TRIGGER report_snapshot_no_update BEFORE UPDATE ON report_snapshot "
    "BEGIN SELECT RAISE(ABORT, 'report_snapshot is immutable'); END",
    "CREATE TRIGGER report_snapshot_no_delete BEFORE DELETE ON report_snapshot "
    "BEGIN SELECT RAISE(ABORT, 'report_snapshot is immutable'); END",
)


def upgrade() -> None:
    op.create_table(
        "report_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rammeaftale_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("aar", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("noegletal", sa.JSON(), nullable=False),
        sa.Column("xlsx", sa.LargeBinary(), nullable=False),
        sa.Column("csv", sa.LargeBinary(), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by"], ["app_user.id"], name=op.f("fk_report_snapshot_published_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["rammeaftale_id"],
            ["rammeaftale.id"],
            name=op.f("fk_report_snapshot_rammeaftale_id_rammeaftale"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_snapshot")),
        sa.UniqueConstraint(
            "rammeaftale_id",
            "kind",
            "aar",
            "version",
            name=op.f("uq_report_snapshot_rammeaftale_id_kind_aar_version"),
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_IMMUTABLE)
    else:
        for stmt in _SQLITE_IMMUTABLE:
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS report_snapshot_immutable ON report_snapshot")
        op.execute("DROP FUNCTION IF EXISTS rammetal_immutable()")
    op.drop_table("report_snapshot")
