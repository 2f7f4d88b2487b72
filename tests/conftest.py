"""Shared fixtures. Databases are built once per run as templates (migrated, tenants
synced, demo loaded) and copied for every test, so each test starts from the same state.

The Flask app is built once per worker (``create_app`` costs about 170 ms) and shared by
every test's :class:`Env`: an Env points the app at its own database, settings and render
cache whenever it hands the app out (``env.app``), and every test client made from it
points the app at that Env's database again at the start of each of its requests, so a
test sees only its own database even when it holds two Envs (a module's world and a copy
of it). Whatever a test changes in the app's config is put back after it."""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from flask import Flask, request
from flask.testing import FlaskClient

from backend import migrate
from backend.app import create_app
from backend.auth import service as auth_service
from backend.config import Settings
from backend.db.rls import app_role_statements
from backend.db.session import Database
from backend.web.sammenligning.service import RenderCache
from tests import pg

IN_CI = os.environ.get("CI", "").lower() == "true"

#: The suite hashes passwords with argon2's cheapest parameters: every web test logs in,
#: and the shipped parameters (64 MiB, 3 passes) cost 0,1-0,2 s per hash and per check on
#: a shared machine. What ships is asserted in tests/backend/auth/test_auth.py; the
#: subprocess tests (run command, installed wheel) use it unchanged.
SHIPPED_HASHER = auth_service._hasher
auth_service._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
_PG_AVAILABLE: bool | None = None


def pg_available() -> bool:
    global _PG_AVAILABLE
    if _PG_AVAILABLE is None:
        _PG_AVAILABLE = pg.available()
    return _PG_AVAILABLE


def require_pg() -> None:
    if not pg_available():
        if IN_CI:
            pytest.fail("PostgreSQL is required when CI=true but 127.0.0.1:5432 does not answer")
        pytest.skip("PostgreSQL not available (required in CI)")


def seed(url: str) -> None:
    """Tenants and demo data (users, offers, reference data), through the same services
    the CLI uses; :func:`load_streams` adds the approved accounts and occupancy."""
    from backend.demo import service as demo
    from backend.organisations.service import sync_tenants

    database = Database(url)
    with database.unit_of_work() as session:
        sync_tenants(session)
        demo.load_users(session)
        demo.load_offers(session)
        demo.load_reference(session)
    database.dispose()


def load_streams(url: str) -> None:
    """The demo's approved accounts and derived occupancy (periods 2016-2017)."""
    from backend.demo import streams as demo_streams

    database = Database(url)
    with database.unit_of_work() as session:
        demo_streams.load_accounts(session)
        demo_streams.load_occupancy(session)
    database.dispose()


def shared_file(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A file built once per test run and shared by the xdist workers: the first worker to
    ask builds it (``build(path)``) under a lock in the run's shared temporary folder, the
    others wait and use it. Without xdist, the session's own temporary folder."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    path, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            path.unlink(missing_ok=True)  # a build a crashed worker left half done
            build(path)
            done.touch()
    return path


def _build_sqlite_template(path: Path) -> None:
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    seed(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_file(tmp_path_factory, "template.sqlite3", _build_sqlite_template)


@pytest.fixture(scope="session")
def sqlite_template_full(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    def build(path: Path) -> None:
        shutil.copy(sqlite_template, path)
        load_streams(f"sqlite:///{path}")

    return shared_file(tmp_path_factory, "template_full.sqlite3", build)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.PgCluster | None]:
    if not pg_available():
        yield None
        return
    cluster = pg.PgCluster.create()
    try:
        yield cluster
    finally:
        cluster.drop()


def _analyze(cluster: pg.PgCluster, name: str) -> None:
    """Planner statistics, copied with the template: without them the approved-lines query
    of the reports took seconds per call on a copy."""
    owner = sa.create_engine(cluster.owner_url(name), poolclass=sa.pool.NullPool)
    with owner.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    owner.dispose()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: pg.PgCluster | None) -> str | None:
    if pg_cluster is None:
        return None
    name = pg_cluster.create_database()
    migrate.upgrade(pg_cluster.owner_url(name))
    owner = sa.create_engine(pg_cluster.owner_url(name), poolclass=sa.pool.NullPool)
    with owner.begin() as conn:
        for stmt in app_role_statements(pg_cluster.app_role, None, name):
            conn.exec_driver_sql(stmt)
    owner.dispose()
    seed(pg_cluster.app_url(name))
    _analyze(pg_cluster, name)
    return name


@pytest.fixture(scope="session")
def pg_template_full(pg_cluster: pg.PgCluster | None, pg_template: str | None) -> str | None:
    if pg_cluster is None or pg_template is None:
        return None
    name = pg_cluster.create_database(template=pg_template)
    load_streams(pg_cluster.app_url(name))
    _analyze(pg_cluster, name)
    return name


#: The worker's one app, and its config as built (restored after every test).
_SHARED_APP: tuple[Flask, dict[str, Any]] | None = None
#: The key in a test client's WSGI environ naming the Env its requests belong to.
_ENV_KEY = "rammetal.test.env"


class _EnvClient(FlaskClient):
    """A test client of the shared app whose requests go to one Env's database."""

    def __init__(self, *args: Any, rammetal_env: Env, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base[_ENV_KEY] = rammetal_env


def _point_at_the_requests_env() -> None:
    """First of the app's before-request functions: the request's Env (its client's)."""
    env = request.environ.get(_ENV_KEY)
    if env is not None:
        env.point()


def _shared_app(settings: Settings, database: Database) -> Flask:
    """The worker's app, built on first use. Nothing in it depends on the database it was
    built with: the request lifecycle reads ``extensions["rammetal.db"]`` and the settings
    from the config on every request, and the pages' render cache is the Env's own."""
    global _SHARED_APP
    if _SHARED_APP is None:
        app = create_app(settings, database)
        app.before_request_funcs.setdefault(None, []).insert(0, _point_at_the_requests_env)
        _SHARED_APP = (app, dict(app.config))
    return _SHARED_APP[0]


@pytest.fixture(autouse=True)
def _shared_app_config_restored() -> Iterator[None]:
    """A test may change the shared app's config (``PROPAGATE_EXCEPTIONS``): put it back."""
    yield
    if _SHARED_APP is not None:
        app, config = _SHARED_APP
        app.config.clear()
        app.config.update(config)


@dataclass
class Env:
    """One test's database, and the worker's app pointed at it: ``kind`` is 'sqlite' or
    'postgres'."""

    kind: str
    url: str
    owner_url: str
    database: Database
    settings: Settings
    cluster: pg.PgCluster | None = None
    db_name: str | None = None
    #: the pages' cache of rendered parts (``/sammenligning``), one per database
    render_cache: RenderCache = field(default_factory=RenderCache)

    def point(self) -> Flask:
        """The shared app, pointed at this Env's database, settings and render cache; its
        test clients stay with this Env (see :class:`_EnvClient`)."""
        app = _shared_app(self.settings, self.database)
        app.extensions["rammetal.db"] = self.database
        app.extensions["rammetal.web.render_cache"] = self.render_cache
        app.config["RAMMETAL_SETTINGS"] = self.settings
        app.test_client_class = functools.partial(_EnvClient, rammetal_env=self)
        return app

    @property
    def app(self) -> Flask:
        return self.point()

    def release(self) -> None:
        """The test is done: close the pool and, on PostgreSQL, drop the database."""
        self.database.dispose()
        if self.cluster is not None and self.db_name is not None:
            self.cluster.release(self.db_name)

    @property
    def client(self) -> FlaskClient:
        return self.app.test_client()


def _make_env(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, *, full: bool = False
) -> Env:
    suffix = "_full" if full else ""
    if kind == "sqlite":
        template = request.getfixturevalue("sqlite_template" + suffix)
        return _sqlite_env(template, tmp_path)
    require_pg()
    return _pg_env(
        request.getfixturevalue("pg_cluster"), request.getfixturevalue("pg_template" + suffix)
    )


def _sqlite_env(template: Path, tmp_path: Path) -> Env:
    path = tmp_path / "rammetal.sqlite3"
    shutil.copy(template, path)
    return _env_for("sqlite", f"sqlite:///{path}", f"sqlite:///{path}")


def _pg_env(cluster: pg.PgCluster, template: str) -> Env:
    db_name = cluster.create_database(template=template)
    return _env_for(
        "postgres", cluster.app_url(db_name), cluster.owner_url(db_name), cluster, db_name
    )


def _env_for(
    kind: str,
    url: str,
    owner_url: str,
    cluster: pg.PgCluster | None = None,
    db_name: str | None = None,
) -> Env:
    settings = Settings(
        database_url=url,
        migration_database_url=owner_url,
        testing=True,
        max_request_bytes=1024 * 1024,
    )
    return Env(kind, url, owner_url, Database(url), settings, cluster, db_name)


def copied_world(world: tuple, tmp_path: Path) -> Iterator[tuple]:  # type: ignore[type-arg]
    """For a fixture: ``world`` (an Env first, then what the module built) with the Env
    replaced by a :func:`copy_of` it, released when the test is done."""
    env = copy_of(world[0], tmp_path)
    yield (env, *world[1:])
    env.release()


def copy_of(base: Env, tmp_path: Path) -> Env:
    """A fresh database copied from ``base``: a module builds its world once (in
    ``module_env``) and each test that writes gets its own copy, with the same ids and
    tokens. The base's connections are closed first (PostgreSQL copies only an unused
    database)."""
    base.database.dispose()
    if base.kind == "sqlite":
        return _sqlite_env(Path(base.url.removeprefix("sqlite:///")), tmp_path)
    assert base.cluster is not None and base.db_name is not None
    return _pg_env(base.cluster, base.db_name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    """An app on a fresh copy of the seeded database, on SQLite and on PostgreSQL."""
    e = _make_env(request.param, request, tmp_path)
    yield e
    e.release()


@pytest.fixture
def sqlite_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    e = _make_env("sqlite", request, tmp_path)
    yield e
    e.release()


@pytest.fixture
def pg_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    e = _make_env("postgres", request, tmp_path)
    yield e
    e.release()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def full_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    """Like ``env``, with the demo's approved accounts and derived occupancy 2016-2017."""
    e = _make_env(request.param, request, tmp_path, full=True)
    yield e
    e.release()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def module_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Like ``env``, but one database for all the tests of a module (and backend): a
    module builds its world in it once; tests that only read use it as it is, tests that
    write take a :func:`copy_of` it. A fresh world per test would cost the suite minutes
    and prove nothing more."""
    e = _make_env(request.param, request, tmp_path_factory.mktemp("module_env"))
    yield e
    e.release()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def module_full_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Like ``module_env``, with the demo's approved accounts and derived occupancy."""
    e = _make_env(request.param, request, tmp_path_factory.mktemp("module_env"), full=True)
    yield e
    e.release()
