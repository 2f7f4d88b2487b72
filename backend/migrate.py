"""Alembic wiring: upgrade/downgrade as the table owner, and revision checks for /readyz."""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from backend.config import data_path, ensure_sqlite_directory

# Migration files sort by date: YYYYMMDD_HHMM_<rev>_<slug>.py (alembic.ini says the same).
FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"


def migrations_path() -> Path:
    return data_path("migrations")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    cfg.set_main_option("file_template", FILE_TEMPLATE)
    cfg.set_main_option("truncate_slug_length", "40")
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url), revision)


def revision(message: str, *, url: str, autogenerate: bool = False) -> Path:
    """Write the next migration (dated file name) into the migrations folder; returns its path.

    With ``autogenerate`` the database at ``url`` (migrated to head) is compared with the
    models. Only useful in a checkout: an installed package's migrations are read-only.
    """
    if autogenerate:
        ensure_sqlite_directory(url)
    script = command.revision(alembic_config(url), message=message, autogenerate=autogenerate)
    scripts = script if isinstance(script, list) else [script]
    return Path(scripts[0].path)  # type: ignore[union-attr]


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


@functools.cache
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def current_revision(bind: sa.Engine | sa.Connection) -> str | None:
    """The database's revision, read on ``bind`` (a connection is used as it is: a request
    that holds one must not open a second one, which would wait for its own lock)."""
    if isinstance(bind, sa.Connection):
        return MigrationContext.configure(bind).get_current_revision()
    with bind.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
