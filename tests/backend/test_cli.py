"""CLI commands: users, tokens, the application role."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from backend.cli import main
from tests.conftest import Env


def _run(env: Env, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("RAMMETAL_DATABASE_URL", env.url)
    monkeypatch.setenv("RAMMETAL_MIGRATION_DATABASE_URL", env.owner_url)
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_users_create_and_tokens_issue(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(
        env,
        monkeypatch,
        "users",
        "create",
        "--email",
        "Ny@Aarhus.dk",
        "--navn",
        "Ny",
        "--role",
        "reporter",
        "--org",
        "Århus Kommune",
        "--password",
        "kode",
    )
    assert "Aarhus" in out
    token = _run(env, monkeypatch, "tokens", "issue", "--email", "ny@aarhus.dk").strip()
    me = env.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["organisation"]["kode"] == "751"


def test_unknown_organisation_is_refused(sqlite_env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAMMETAL_DATABASE_URL", sqlite_env.url)
    result = CliRunner().invoke(
        main,
        [
            "users",
            "create",
            "--email",
            "a@b.dk",
            "--navn",
            "A",
            "--role",
            "viewer",
            "--org",
            "Atlantis",
            "--password",
            "x",
        ],
    )
    assert result.exit_code != 0 and "Ukendt organisation" in result.output


@pytest.mark.postgres
def test_create_app_role_makes_an_rls_bound_login(
    pg_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    role = f"{pg_env.cluster.app_role}_cli"
    try:
        _run(pg_env, monkeypatch, "db", "create-app-role", "--role", role, "--no-password")
        url = (
            sa.engine.make_url(pg_env.url).set(username=role).render_as_string(hide_password=False)
        )
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            flags = conn.execute(
                sa.text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            ).one()
            assert tuple(flags) == (False, False)
            assert conn.scalar(sa.text("SELECT count(*) FROM offer")) == 0  # RLS: no tenant set
            assert conn.scalar(sa.text("SELECT count(*) FROM organisation")) > 0  # granted
        engine.dispose()
    finally:
        admin = sa.create_engine(
            pg_env.cluster.superuser_url(pg_env.db_name), poolclass=sa.pool.NullPool
        )
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()
