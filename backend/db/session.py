"""Engine and session handling: one session and one transaction per unit of work.

Services take a session and only flush; the request boundary (or the CLI command) commits
or rolls back. On PostgreSQL every transaction begins by setting the tenant scope with
``set_config('app.org_ids', …, true)`` (:func:`backend.db.tenancy.set_org_ids`):
transaction-local, so nothing survives into the next checkout of a pooled connection (a
session-level ``SET`` would).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar, Token
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.config import ensure_sqlite_directory
from backend.db.tenancy import (
    current_scope,
    scope_connection_statements,
    set_org_ids,
)

ORG_SETTING = "app.org_ids"


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        ensure_sqlite_directory(url)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    # No pre-ping (a round trip per checkout): a connection broken by a server restart is
    # invalidated on first use and the pool refills; recycle bounds a connection's age.
    return sa.create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)


def _sqlite_on_connect(dbapi_conn: Any, _record: object) -> None:
    # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions are broken).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


#: How SQLite transactions of the current context begin. IMMEDIATE (the default: CLI,
#: writing requests) takes the write lock up front, so two writers queue instead of
#: deadlocking; DEFERRED (reading requests, an upload while it parses) takes no lock
#: until the first write, so reads never wait behind a long write (WAL).
_sqlite_begin: ContextVar[str] = ContextVar("rammetal_sqlite_begin", default="IMMEDIATE")
SQLITE_BEGIN_MODES = ("DEFERRED", "IMMEDIATE")


def sqlite_begin_mode() -> str:
    return _sqlite_begin.get()


def set_sqlite_begin_mode(mode: str) -> Token[str]:
    """Make the next SQLite transactions of this context begin ``mode`` (no effect elsewhere)."""
    if mode not in SQLITE_BEGIN_MODES:
        raise ValueError(mode)
    return _sqlite_begin.set(mode)


def _sqlite_on_begin(conn: sa.Connection) -> None:
    conn.exec_driver_sql(f"BEGIN {_sqlite_begin.get()}")


def _set_tenant_on_begin(session: Session, _transaction: object, connection: sa.Connection) -> None:
    scope = current_scope()
    if (
        scope is not None
    ):  # a new transaction carries no setting: set_config(…, true) ended with the last one
        set_org_ids(connection, scope)


class Database:
    """The engine and session factory of one application or CLI process."""

    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        # Every mapper must be known before the first flush: whoever opens a database for
        # real work imports the model registry, ``backend.models`` (app factory, CLI).
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size)
        scope_connection_statements(self.engine)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self.sessionmaker, "after_begin", _set_tenant_on_begin)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
