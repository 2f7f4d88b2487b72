"""Reference data is platform-wide: only the platform admin (or the operator's CLI) writes
it, in the app and in PostgreSQL's row-level security (issue 13, item 19)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from backend.reference.models import PlIndexValue, ReferenceImport
from tests.backend.reference.test_reference_api import DATA
from tests.conftest import Env
from tests.factories import make_token


def _reference_rows(env: Env) -> tuple[int, int]:
    with env.database.unit_of_work() as s:
        return (
            s.scalar(sa.select(sa.func.count()).select_from(ReferenceImport)),
            s.scalar(sa.select(sa.func.count()).select_from(PlIndexValue)),
        )


def _import_pl(env: Env, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return env.client.post(
        "/api/v1/reference/pl-index?kilde=KL",
        headers=headers,
        data={"fil": (io.BytesIO((DATA / "pl_indeks.csv").read_bytes()), "pl.csv")},
        content_type="multipart/form-data",
    )


def test_a_secretariat_cannot_replace_the_reference_data_of_every_agreement(env: Env) -> None:
    before = _reference_rows(env)
    headers = make_token(env.database, org="sekretariat-midt", role="secretariat")
    resp = _import_pl(env, headers)
    assert resp.status_code == 403, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "application/problem+json"
    assert resp.json["detail"] == "Din rolle giver ikke adgang til denne handling."
    assert _reference_rows(env) == before
    admin = make_token(env.database, org="sekretariat-midt", role="admin")
    assert _import_pl(env, admin).status_code == 201
    assert _reference_rows(env) == (before[0] + 1, before[1] + 4)


def test_the_service_refuses_a_secretariat_principal(sqlite_env: Env) -> None:
    """The second check in the app: the service itself, whoever calls it."""
    from backend.context import Principal, set_principal
    from backend.errors import Forbidden
    from backend.reference import service

    principal = Principal(
        user_id=1,
        email="s@x.dk",
        role="secretariat",
        org_id=1,
        org_kode="x",
        org_type="sekretariat",
        rammeaftale_id=1,
    )
    token = set_principal(principal)
    try:
        with sqlite_env.database.unit_of_work() as s, pytest.raises(Forbidden):
            service.import_pl_index(
                s, data=(DATA / "pl_indeks.csv").read_bytes(), kilde="KL", actor_org_id=1
            )
    finally:
        token.var.reset(token)  # type: ignore[attr-defined]


@pytest.mark.postgres
def test_postgres_refuses_reference_writes_without_the_writer_setting(pg_env: Env) -> None:
    """As the application role (not the owner, subject to RLS): everyone reads, nobody
    writes a reference row unless the transaction opened the writer policy."""
    engine = sa.create_engine(pg_env.url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT current_user")) != "postgres"
            import_id = conn.scalar(sa.text("SELECT max(id) FROM reference_import"))
            assert conn.scalar(sa.text("SELECT count(*) FROM pl_index_value")) >= 0
            for statement in (
                f"INSERT INTO pl_index_value (import_id, aar, indeks) VALUES ({import_id}, 1999, 1)",
                "INSERT INTO reference_import (kind, kilde, content, rows, file_sha256, "
                "imported_at) VALUES ('pl', 'x', '', 0, 'x', now())",
            ):
                with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
                    conn.execute(sa.text(statement))
                conn.rollback()
            assert conn.execute(sa.text("UPDATE pl_index_value SET indeks = 0")).rowcount == 0
            assert conn.execute(sa.text("DELETE FROM population_count")).rowcount == 0
            conn.rollback()
            conn.execute(sa.text("SELECT set_config('app.reference_writer', 'on', true)"))
            conn.execute(
                sa.text(
                    "INSERT INTO pl_index_value (import_id, aar, indeks) "
                    f"VALUES ({import_id}, 1999, 1)"
                )
            )
            conn.rollback()
    finally:
        engine.dispose()
