"""submission status in danish: one stored language for every status

Submission statuses were the only English values stored (``draft``, ``submitted``,
``approved``, ``rejected``); periods, model runs and editions store Danish words. This
moves them to ``kladde``, ``indsendt``, ``godkendt``, ``afvist`` and the check constraint
``ck_submission_status`` with them (issue 19, item 4; ``backend.submissions.states``). The
submissions API keeps its documented English words; the audit log keeps what it recorded.

PostgreSQL: the table is under forced row-level security, so the owner's UPDATE would see
no row; forcing is lifted for the UPDATE and restored in the same transaction. SQLite has
no ALTER of a constraint: batch mode copies the table. Migrations run without
``PRAGMA foreign_keys`` (the copy would otherwise cascade-delete every line of every
submission when the old table is dropped); the SQLite branch refuses to run with it on.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 22:14:58
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ENGLISH_TO_DANISH = (
    ("draft", "kladde"),
    ("submitted", "indsendt"),
    ("approved", "godkendt"),
    ("rejected", "afvist"),
)
_CHECK = "ck_submission_status"


def _check(words: Sequence[str]) -> str:
    return "status IN (" + ", ".join(f"'{w}'" for w in words) + ")"


def _case(pairs: Sequence[tuple[str, str]]) -> str:
    whens = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in pairs)
    return f"UPDATE submission SET status = CASE status {whens} ELSE status END"


def _move(pairs: Sequence[tuple[str, str]]) -> None:
    bind = op.get_bind()
    new_words = [new for _, new in pairs]
    if bind.dialect.name == "sqlite":
        if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
            raise RuntimeError("run this migration with PRAGMA foreign_keys=OFF (see docstring)")
        with op.batch_alter_table("submission", recreate="always") as batch:
            batch.drop_constraint(op.f(_CHECK), type_="check")
        op.execute(_case(pairs))
        with op.batch_alter_table("submission", recreate="always") as batch:
            batch.create_check_constraint(op.f(_CHECK), _check(new_words))
        return
    op.drop_constraint(op.f(_CHECK), "submission", type_="check")
    op.execute("ALTER TABLE submission NO FORCE ROW LEVEL SECURITY")
    op.execute(_case(pairs))
    op.execute("ALTER TABLE submission FORCE ROW LEVEL SECURITY")
    op.create_check_constraint(op.f(_CHECK), "submission", _check(new_words))


def upgrade() -> None:
    _move(_ENGLISH_TO_DANISH)


def downgrade() -> None:
    _move(tuple((new, old) for old, new in _ENGLISH_TO_DANISH))
