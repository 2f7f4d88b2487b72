"""Typed settings read from the environment (``RAMMETAL_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

# The embedded database, relative to the directory the command runs in (a checkout's root
# for `make run`); its folder is created on first use.
DEFAULT_SQLITE_PATH = Path("var") / "rammetal.sqlite3"

DATA_DIR_ENV = "RAMMETAL_DATA_DIR"


def data_path(*parts: str) -> Path:
    """A file or folder of the shipped data: ``migrations``, ``tenants`` (registry, reference).

    The data is package data of ``backend`` (``backend/_data/`` links to the repository's
    top-level ``migrations/`` and ``tenants/``; the wheel holds copies), found through
    ``importlib.resources``. ``RAMMETAL_DATA_DIR`` points somewhere else instead, e.g. a
    mounted volume holding ``migrations/`` and ``tenants/``.
    """
    override = os.environ.get(DATA_DIR_ENV)
    base = Path(override) if override else Path(str(resources.files("backend") / "_data"))
    return base.joinpath(*parts)


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a SQLite database file, so a fresh checkout needs no set-up."""
    if not url.startswith("sqlite"):
        return
    from sqlalchemy.engine import make_url

    path = make_url(url).database
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)


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
    #: Mail (README "Mail"): the SMTP server ``rammetal mail send`` delivers the outbox to.
    #: No host: mail is still written to the outbox, and ``mail send`` refuses to run.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    #: STARTTLS after connecting (port 587); the login, if any, happens after it.
    smtp_starttls: bool = False
    smtp_timeout_seconds: int = 30
    mail_from: str = "Rammetal <rammetal@localhost>"
    #: The address the mails link to (e.g. https://rammetal.example.dk); none: no link.
    public_url: str | None = None
    #: A mail that could not be delivered is tried again after ``mail_retry_seconds``,
    #: doubled after each attempt, and marked failed after ``mail_max_attempts``.
    mail_max_attempts: int = 5
    mail_retry_seconds: int = 300
    #: Reminders: this many days before a deadline, and this many days after it.
    remind_days_before: int = 7
    remind_days_after: int = 3
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
            smtp_host=os.environ.get("RAMMETAL_SMTP_HOST") or None,
            smtp_port=_int("RAMMETAL_SMTP_PORT", defaults.smtp_port),
            smtp_user=os.environ.get("RAMMETAL_SMTP_USER") or None,
            smtp_password=os.environ.get("RAMMETAL_SMTP_PASSWORD") or None,
            smtp_starttls=_bool("RAMMETAL_SMTP_STARTTLS", False),
            smtp_timeout_seconds=_int(
                "RAMMETAL_SMTP_TIMEOUT_SECONDS", defaults.smtp_timeout_seconds
            ),
            mail_from=os.environ.get("RAMMETAL_MAIL_FROM") or defaults.mail_from,
            public_url=os.environ.get("RAMMETAL_PUBLIC_URL") or None,
            mail_max_attempts=_int("RAMMETAL_MAIL_MAX_ATTEMPTS", defaults.mail_max_attempts),
            mail_retry_seconds=_int("RAMMETAL_MAIL_RETRY_SECONDS", defaults.mail_retry_seconds),
            remind_days_before=_int("RAMMETAL_REMIND_DAYS_BEFORE", defaults.remind_days_before),
            remind_days_after=_int("RAMMETAL_REMIND_DAYS_AFTER", defaults.remind_days_after),
        )
