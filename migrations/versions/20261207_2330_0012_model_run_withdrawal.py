"""model run withdrawal: a published run can be withdrawn once, and never changes again

The status ``tilbagetrukket`` joins ``kladde`` and ``offentliggjort`` in
``ck_model_run_status``, with the columns ``withdrawn_at`` and ``withdrawn_by`` (issue 20,
item 7). The freeze of migration 0006 is replaced: a published run may be updated once,
to ``tilbagetrukket`` with ``withdrawn_at`` set and every other column as it was; a
withdrawn run is frozen; neither may be deleted.

PostgreSQL compares the rest of the row as JSONB (the JSON columns have no equality);
SQLite compares each column with ``IS``. SQLite has no ALTER of a constraint: batch mode
copies the table, which drops its triggers, so they are created again (as 0008 does).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHECK = "ck_model_run_status"
_WITH = "status IN ('kladde', 'offentliggjort', 'tilbagetrukket')"
_WITHOUT = "status IN ('kladde', 'offentliggjort')"
_FK = "fk_model_run_withdrawn_by_app_user"

#: Every column a withdrawal leaves as it was.
_KEPT = (
    "id",
    "rammeaftale_id",
    "noegletal",
    "maalgruppe",
    "years",
    "method",
    "indicators",
    "parameters",
    "inputs_sha256",
    "inputs",
    "results",
    "warnings",
    "created_by",
    "created_at",
    "published_at",
)
_SQLITE_WITHDRAWAL = (
    "OLD.status = 'offentliggjort' AND NEW.status = 'tilbagetrukket' "
    "AND OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL AND "
    + " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _KEPT)
)
_SQLITE_FROZEN = (
    "CREATE TRIGGER model_run_no_update BEFORE UPDATE ON model_run "
    "WHEN OLD.status = 'tilbagetrukket' OR (OLD.status = 'offentliggjort' "
    f"AND NOT ({_SQLITE_WITHDRAWAL})) "
    "BEGIN SELECT RAISE(ABORT, 'model_run is published and immutable'); END",
    "CREATE TRIGGER model_run_no_delete BEFORE DELETE ON model_run "
    "WHEN OLD.status IN ('offentliggjort', 'tilbagetrukket') "
    "BEGIN SELECT RAISE(ABORT, 'model_run is published and immutable'); END",
)
#: The triggers of migration 0006 (the downgrade restores them).
_SQLITE_FROZEN_0006 = (
    "CREATE TRIGGER model_run_no_update BEFORE UPDATE ON model_run "
    "WHEN OLD.status = 'offentliggjort' "
    "BEGIN SELECT RAISE(ABORT, 'model_run is published and immutable'); END",
    "CREATE TRIGGER model_run_no_delete BEFORE DELETE ON model_run "
    "WHEN OLD.status = 'offentliggjort' "
    "BEGIN SELECT RAISE(ABORT, 'model_run is published and immutable'); END",
)
_SQLITE_TRIGGERS = ("model_run_no_update", "model_run_no_delete")

_PG_FROZEN = """
CREATE OR REPLACE FUNCTION rammetal_model_run_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = 'offentliggjort' AND NEW.status = 'tilbagetrukket'
     AND OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL
     AND (to_jsonb(NEW) - 'status' - 'withdrawn_at' - 'withdrawn_by')
       = (to_jsonb(OLD) - 'status' - 'withdrawn_at' - 'withdrawn_by') THEN
    RETURN NEW;
  END IF;
  IF OLD.status IN ('offentliggjort', 'tilbagetrukket') THEN
    RAISE EXCEPTION 'model_run % is published and immutable', OLD.id;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
"""
_PG_FROZEN_0006 = """
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
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        with op.batch_alter_table("model_run", recreate="always") as batch:
            batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
            batch.add_column(sa.Column("withdrawn_by", sa.Integer(), nullable=True))
            batch.create_foreign_key(op.f(_FK), "app_user", ["withdrawn_by"], ["id"])
            batch.drop_constraint(op.f(_CHECK), type_="check")
            batch.create_check_constraint(op.f(_CHECK), _WITH)
        for statement in _SQLITE_FROZEN:
            op.execute(statement)
        return
    op.add_column("model_run", sa.Column("withdrawn_at", sa.DateTime(timezone=True)))
    op.add_column("model_run", sa.Column("withdrawn_by", sa.Integer()))
    op.create_foreign_key(op.f(_FK), "model_run", "app_user", ["withdrawn_by"], ["id"])
    op.drop_constraint(op.f(_CHECK), "model_run", type_="check")
    op.create_check_constraint(op.f(_CHECK), "model_run", _WITH)
    op.execute(_PG_FROZEN)


def downgrade() -> None:
    # A withdrawn run cannot be stored without its status: refuse rather than publish it again.
    count = (
        op.get_bind()
        .exec_driver_sql("SELECT COUNT(*) FROM model_run WHERE status = 'tilbagetrukket'")
        .scalar()
    )
    if count:
        raise RuntimeError(f"{count} model run(s) are withdrawn; cannot downgrade below 0011")
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        with op.batch_alter_table("model_run", recreate="always") as batch:
            batch.drop_constraint(op.f(_CHECK), type_="check")
            batch.create_check_constraint(op.f(_CHECK), _WITHOUT)
            batch.drop_constraint(op.f(_FK), type_="foreignkey")
            batch.drop_column("withdrawn_by")
            batch.drop_column("withdrawn_at")
        for statement in _SQLITE_FROZEN_0006:
            op.execute(statement)
        return
    op.execute(_PG_FROZEN_0006)
    op.drop_constraint(op.f(_CHECK), "model_run", type_="check")
    op.create_check_constraint(op.f(_CHECK), "model_run", _WITHOUT)
    op.drop_constraint(op.f(_FK), "model_run", type_="foreignkey")
    op.drop_column("model_run", "withdrawn_by")
    op.drop_column("model_run", "withdrawn_at")
