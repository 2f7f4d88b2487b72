"""Migrations: empty → head, one step down and up again, and models == migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from backend import migrate
from backend.models import metadata
from tests.conftest import require_pg


def _url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'm.sqlite3'}"
    require_pg()
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.owner_url(cluster.create_database())


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_upgrade_downgrade_upgrade_and_no_drift(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = _url(kind, tmp_path, request)
    migrate.upgrade(url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    head = migrate.head_revision()
    assert migrate.current_revision(engine) == head
    migrate.downgrade(url, "-1")
    assert migrate.current_revision(engine) != head
    migrate.upgrade(url)
    assert migrate.current_revision(engine) == head
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    engine.dispose()
    assert diff == []


def test_migration_files_are_named_by_date() -> None:
    for path in (migrate.migrations_path() / "versions").glob("*.py"):
        stamp = path.name.split("_")
        assert len(stamp[0]) == 8 and stamp[0].isdigit() and len(stamp[1]) == 4, path.name
