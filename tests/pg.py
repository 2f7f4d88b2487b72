"""PostgreSQL for tests: a run-unique owner role, application role and template database.

Everything is created fresh by the test session and dropped at its end; nothing depends
on what an earlier run left behind. ``RAMMETAL_TEST_PG`` overrides the server URL
(default: user postgres on 127.0.0.1:5432, as on the development and CI machines).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa

SERVER_URL = os.environ.get(
    "RAMMETAL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def available() -> bool:
    try:
        engine = sa.create_engine(
            SERVER_URL, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 3}
        )
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "no server"
        return False


def _url(user: str, database: str) -> str:
    base = sa.engine.make_url(SERVER_URL)
    return base.set(username=user, password=None, database=database).render_as_string(
        hide_password=False
    )


@dataclass
class PgCluster:
    run: str
    owner: str
    app_role: str
    databases: list[str]
    #: databases a finished test released, dropped by a background thread while the next
    #: tests run (DROP DATABASE waits for a checkpoint: at the session's end, one after the
    #: other, they were minutes of a worker's time)
    _released: queue.Queue[str | None] = field(default_factory=queue.Queue)
    _dropper: threading.Thread | None = None

    @classmethod
    def create(cls) -> PgCluster:
        run = uuid.uuid4().hex[:8]
        cluster = cls(run, f"rt_owner_{run}", f"rt_app_{run}", [])
        with cluster._admin() as conn:
            conn.exec_driver_sql(
                f"CREATE ROLE {cluster.owner} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS"
            )
        return cluster

    def _admin(self) -> sa.Connection:
        engine = sa.create_engine(
            SERVER_URL, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT"
        )
        return engine.connect()

    def owner_url(self, database: str) -> str:
        return _url(self.owner, database)

    def app_url(self, database: str) -> str:
        return _url(self.app_role, database)

    def superuser_url(self, database: str) -> str:
        return (
            sa.engine.make_url(SERVER_URL)
            .set(database=database)
            .render_as_string(hide_password=False)
        )

    def create_database(self, template: str | None = None) -> str:
        name = f"rt_{self.run}_{len(self.databases)}"
        with self._admin() as conn:
            tmpl = f" TEMPLATE {template}" if template else ""
            conn.exec_driver_sql(f"CREATE DATABASE {name} OWNER {self.owner}{tmpl}")
        if template is None:
            # PostgreSQL 15 no longer lets every role create in public; the owner may.
            engine = sa.create_engine(self.superuser_url(name), poolclass=sa.pool.NullPool)
            with engine.begin() as conn:
                conn.exec_driver_sql(f"ALTER SCHEMA public OWNER TO {self.owner}")
            engine.dispose()
        self.databases.append(name)
        return name

    def _drop_one(self, conn: sa.Connection, name: str) -> None:
        conn.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")

    def _drop_released(self) -> None:
        with self._admin() as conn:
            while (name := self._released.get()) is not None:
                with contextlib.suppress(sa.exc.DBAPIError):  # drop() tries it again
                    self._drop_one(conn, name)

    def release(self, name: str) -> None:
        """A test is done with database ``name``: drop it in the background."""
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_released, daemon=True)
            self._dropper.start()
        self._released.put(name)

    def drop(self) -> None:
        if self._dropper is not None:
            self._released.put(None)
            self._dropper.join()
        with self._admin() as conn:
            for name in reversed(self.databases):
                self._drop_one(conn, name)  # IF EXISTS: the released ones are gone already
            for role in (self.app_role, self.owner):
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
