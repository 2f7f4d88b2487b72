"""user session version: "Log ud" ends the browser sessions on the server

``app_user.session_version`` is part of what a browser session's cookie must match
(``backend.auth.service.session_nonce``); logging out increments it, so a copied cookie
of the ended session no longer works (issue 19, item 3).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 22:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("session_version")
