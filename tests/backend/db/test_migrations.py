"""Migrations: empty → head, one step down and up again, and models == migrations."""

from __future__ import annotations

import uuid
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


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0010_moves_submission_statuses_to_danish_and_back(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Every stored submission status is moved (also under PostgreSQL's forced RLS, as the
    table owner) and back on downgrade; the lines of the submissions survive SQLite's copy."""
    url = _url(kind, tmp_path, request)
    migrate.upgrade(url, "0009")
    if kind == "sqlite":
        writer_url = url
    else:  # the superuser writes the rows without their parents (no FK triggers, no RLS)
        cluster = request.getfixturevalue("pg_cluster")
        writer_url = cluster.superuser_url(sa.engine.make_url(url).database)
    writer = sa.create_engine(writer_url, poolclass=sa.pool.NullPool)
    english = ("draft", "submitted", "approved", "rejected")
    with writer.begin() as conn:
        if kind == "postgres":
            conn.exec_driver_sql("SET session_replication_role = replica")
        for version, status in enumerate(english, start=1):
            conn.execute(
                sa.text(
                    "INSERT INTO submission (org_id, id, period_id, stream, version, status, "
                    "file_name, file_sha256, file_size, file_format, row_count, warnings, "
                    "uploaded_at) VALUES (1, :id, 1, 'regnskab', :v, :s, 'f.csv', 'x', 1, "
                    "'csv', 1, '[]', '2026-01-01 00:00:00+00')"
                ),
                {"id": uuid.uuid4().hex, "v": version, "s": status},
            )
        conn.exec_driver_sql(
            "INSERT INTO submission_regnskab_line (org_id, submission_id, line_no, regnskab, "
            "belaegning, prisaar) SELECT org_id, id, 2, 1, 1, 2020 FROM submission"
        )

    def stored() -> tuple[list[str], int]:
        with writer.connect() as conn:
            statuses = conn.exec_driver_sql("SELECT status FROM submission ORDER BY version")
            lines = conn.exec_driver_sql("SELECT count(*) FROM submission_regnskab_line")
            return [s for (s,) in statuses], int(lines.scalar_one())

    migrate.upgrade(url)
    assert stored() == (["kladde", "indsendt", "godkendt", "afvist"], 4)
    migrate.downgrade(url, "0009")
    assert stored() == (list(english), 4)
    writer.dispose()
