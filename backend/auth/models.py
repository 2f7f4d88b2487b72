"""Users and API tokens: platform tables, reached only through the auth service.

They are not tenant-owned because the principal (and so the tenant) is what they
resolve; no route lists users or tokens of another organisation.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base, UtcDateTime, utcnow
from backend.organisations.models import Organisation
from backend.policy import Role

#: The stored role names (policy.Role), in the check constraint.
ROLES = tuple(role.value for role in Role)


class User(Base):
    __tablename__ = "app_user"
    __table_args__ = (sa.CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    navn: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: Incremented by "Log ud": part of every browser session's nonce, so the sessions
    #: that began before are ended on the server (a copied cookie no longer works).
    session_version: Mapped[int] = mapped_column(sa.Integer, server_default="0", default=0)
    #: Reminder mails before and after a deadline (``backend.notifications``); the user
    #: turns them off on the pages. Receipts and decisions are always sent.
    paamindelser: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.true(), default=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class ApiToken(Base):
    """An opaque bearer token; only its SHA-256 is stored (the token has 256 random bits,
    so a slow hash adds nothing, and lookup by hash stays one index probe)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    navn: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class LoginFailure(Base):
    """Failed logins, counted per e-mail and client address in a sliding window (all workers
    share it)."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(sa.String(254), index=True)
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
