"""reference writer: platform-wide reference data written only by the platform admin

Population, PL index and structural indicators are read by every rammeaftale, so no
rammeaftale's secretariat may replace them (issue 13, item 19). On PostgreSQL the
reference tables get forced row-level security: everyone reads; a row is written, changed
or deleted only in a transaction that set ``app.reference_writer`` to ``on``, which
:func:`backend.reference.service._begin_reference_write` does for the platform admin and
the operator (CLI, demo) only.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "reference_import",
    "population_count",
    "pl_index_value",
    "indicator_definition",
    "indicator_value",
)
WRITER = "current_setting('app.reference_writer', true) = 'on'"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY reference_read ON {table} FOR SELECT USING (true)")
        op.execute(
            f"CREATE POLICY reference_write ON {table} FOR ALL "
            f"USING ({WRITER}) WITH CHECK ({WRITER})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP POLICY IF EXISTS reference_write ON {table}")
        op.execute(f"DROP POLICY IF EXISTS reference_read ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
