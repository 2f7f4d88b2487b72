"""mail outbox: receipts, decisions and reminders, sent by ``rammetal mail send``

``mail_outbox`` is tenant-owned (org_id leads the primary key; RLS enabled and forced on
PostgreSQL): a mail belongs to the organisation it is about. ``app_user.paamindelser``
lets a user turn the reminders off (issue 20, item 5; ``backend.notifications``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 23:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db import rls

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_mail_outbox_attempts")),
        sa.CheckConstraint(
            "kind IN ('kvittering', 'godkendt', 'afvist', 'paamindelse_foer', 'paamindelse_efter')",
            name=op.f("ck_mail_outbox_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('afventer', 'sendt', 'fejlet')", name=op.f("ck_mail_outbox_status")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_mail_outbox_org_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.id"],
            name=op.f("fk_mail_outbox_period_id_reporting_period"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_mail_outbox_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("org_id", "dedupe_key", name=op.f("uq_mail_outbox_org_id_dedupe_key")),
    )
    op.create_index(
        "ix_mail_outbox_org_id_status_next_attempt_at",
        "mail_outbox",
        ["org_id", "status", "next_attempt_at"],
        unique=False,
    )
    rls.enable(op.get_bind(), "mail_outbox")
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column("paamindelser", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("paamindelser")
    rls.disable(op.get_bind(), "mail_outbox")
    op.drop_index("ix_mail_outbox_org_id_status_next_attempt_at", table_name="mail_outbox")
    op.drop_table("mail_outbox")
