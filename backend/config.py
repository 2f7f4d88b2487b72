"""Typed settings read from the environment (``RAMMETAL_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "rammetal.sqlite3"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment.

    ``database_url`` is what the application connects with (on PostgreSQL a role that is
    neither superuser, table owner nor BYPASSRLS); ``migration_database_url`` is the table
    owner's connection used by ``rammetal db upgrade`` (defaults to ``database_url``).
    """

    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    migration_database_url: str | None = None
    max_request_bytes: int = 20 * 1024 * 1024
    token_ttl_days: int = 30
    login_max_failures: int = 5
    login_window_seconds: int = 15 * 60
    pool_size: int = 5
    #: Signs the browser session cookies; every worker must share it. Unset: a random key
    #: kept in ``var/secret_key`` (development), or a per-process one when testing.
    secret_key: str | None = None
    #: The session cookie's Secure flag: on behind HTTPS (production), off for http://127.0.0.1.
    session_cookie_secure: bool = False
    #: A browser session ends after this many minutes without a request.
    session_idle_minutes: int = 30
    testing: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def owner_database_url(self) -> str:
        return self.migration_database_url or self.database_url

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_overrides(self, **kwargs: object) -> Settings:
        return replace(self, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls) -> Settings:
        defaults = cls()
        return cls(
            database_url=os.environ.get("RAMMETAL_DATABASE_URL") or defaults.database_url,
            migration_database_url=os.environ.get("RAMMETAL_MIGRATION_DATABASE_URL") or None,
            max_request_bytes=_int("RAMMETAL_MAX_REQUEST_BYTES", defaults.max_request_bytes),
            token_ttl_days=_int("RAMMETAL_TOKEN_TTL_DAYS", defaults.token_ttl_days),
            login_max_failures=_int("RAMMETAL_LOGIN_MAX_FAILURES", defaults.login_max_failures),
            login_window_seconds=_int(
                "RAMMETAL_LOGIN_WINDOW_SECONDS", defaults.login_window_seconds
            ),
            pool_size=_int("RAMMETAL_POOL_SIZE", defaults.pool_size),
            secret_key=os.environ.get("RAMMETAL_SECRET_KEY") or None,
            session_cookie_secure=_bool("RAMMETAL_SESSION_COOKIE_SECURE", False),
            session_idle_minutes=_int(
                "RAMMETAL_SESSION_IDLE_MINUTES", defaults.session_idle_minutes
            ),
        )
