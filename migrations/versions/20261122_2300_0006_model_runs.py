"""model runs: the expected-need model's runs, frozen once published

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A draft may be published (one UPDATE) or deleted; a published run never changes.
_PG_FROZEN = """
CREATE OR REPLACE FUNCTION rammetal_model_run_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'offentliggjort' THEN
    RAISE EXCEPTION 'model_run % is published and immutable', OLD.id;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER model_run_immutable BEFORE UPDATE OR DELETE ON model_run
  FOR EACH ROW EXECUTE FUNCTION rammetal_model_run_frozen();
"""
_SQLITE_FROZEN = (
    "CREATE TRIGGER model_run_no_update BEFORE UPDATE ON model_run "
    "WHEN OLD.status = 'offentliggjort' "
    "BEGIN SELECT RAISE(ABORT, 'model_run is published and immutable'); END",
    "CREATE TRIGGER model_run_no_delete BEFORE DELETE ON model_run "
    "WHEN OLD.status = 'offentliggjort' "
    "BEGIN SELECT RAISE(ABORT, 'model_run is published and immutable'); END",
)


def upgrade() -> None:
    op.create_table(
        "model_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rammeaftale_id", sa.Integer(), nullable=False),
        sa.Column("noegletal", sa.String(length=100), nullable=False),
        sa.Column("maalgruppe", sa.String(length=50), nullable=True),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('kladde', 'offentliggjort')", name=op.f("ck_model_run_status")
        ),
        sa.CheckConstraint("method IN ('ols', 'ridge')", name=op.f("ck_model_run_method")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_model_run_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["rammeaftale_id"],
            ["rammeaftale.id"],
            name=op.f("fk_model_run_rammeaftale_id_rammeaftale"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_run")),
    )
    op.create_index(
        "ix_model_run_rammeaftale_status", "model_run", ["rammeaftale_id", "status"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FROZEN)
    else:
        for stmt in _SQLITE_FROZEN:
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS model_run_immutable ON model_run")
        op.execute("DROP FUNCTION IF EXISTS rammetal_model_run_frozen()")
    op.drop_index("ix_model_run_rammeaftale_status", table_name="model_run")
    op.drop_table("model_run")
