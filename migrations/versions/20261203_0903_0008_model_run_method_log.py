"""model run method log: the multiplicative (log-linear) expected-need model

The check constraint ``ck_model_run_method`` admits 'log' beside 'ols' and 'ridge'
(issue 12, item 2). PostgreSQL alters the constraint in place; SQLite has no ALTER of a
constraint, so batch mode recreates the table, which drops its triggers: the two
triggers that freeze a published run (migration 0006) are created again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:03:18
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WITH_LOG = "method IN ('ols', 'ridge', 'log')"
_WITHOUT_LOG = "method IN ('ols', 'ridge')"
# The two triggers of migration 0006 that freeze a published run (recreated after the copy).
_SQLITE_FROZEN = (
    "CREATE TRIGGER model_run_no_update BEFORE UPDATE ON model_run "
    "WHEN OLD.status = 'offentliggjort' "
    "BEGIN SELECT RAISE(ABORT, 'model_run is published and immutable'); END",
    "CREATE TRIGGER model_run_no_delete BEFORE DELETE ON model_run "
    "WHEN OLD.status = 'offentliggjort' "
    "BEGIN SELECT RAISE(ABORT, 'model_run is published and immutable'); END",
)
_SQLITE_TRIGGERS = ("model_run_no_update", "model_run_no_delete")


def _replace(check: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        with op.batch_alter_table("model_run", recreate="always") as batch:
            batch.drop_constraint(op.f("ck_model_run_method"), type_="check")
            batch.create_check_constraint(op.f("ck_model_run_method"), check)
        for statement in _SQLITE_FROZEN:
            op.execute(statement)
        return
    op.drop_constraint(op.f("ck_model_run_method"), "model_run", type_="check")
    op.create_check_constraint(op.f("ck_model_run_method"), "model_run", check)


def upgrade() -> None:
    _replace(_WITH_LOG)


def downgrade() -> None:
    # Runs of the log model cannot be stored without it: refuse rather than lose them.
    count = (
        op.get_bind()
        .exec_driver_sql("SELECT COUNT(*) FROM model_run WHERE method = 'log'")
        .scalar()
    )
    if count:
        raise RuntimeError(f"{count} model run(s) use method 'log'; cannot downgrade below 0008")
    _replace(_WITHOUT_LOG)
