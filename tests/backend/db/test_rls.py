"""PostgreSQL row-level security, proven with raw SQL as the application role."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.db.base import tenant_owned_tables
from backend.models import metadata  # noqa: F401  (all models registered)
from tests.conftest import Env
from tests.factories import make_mail, make_offer, make_period, upload_submission

pytestmark = pytest.mark.postgres


def _org_ids(conn: sa.Connection) -> dict[str, int]:
    ids = dict(conn.execute(sa.text("SELECT kode, id FROM organisation")).all())
    conn.rollback()  # end the autobegun transaction; the test begins its own
    return ids


def _as_tenant(conn: sa.Connection, *org_ids: int) -> None:
    conn.execute(
        sa.text("SELECT set_config('app.org_ids', :v, true)"), {"v": ",".join(map(str, org_ids))}
    )


def _one_submission_per_stream(env: Env, *orgs: str) -> None:
    """Rows in every submission table for each of ``orgs`` (the registry upload makes a new
    offer), and a mail in each one's outbox."""
    for org in orgs:
        make_mail(env.database, org=org)
    files = {
        "belaegning": "tilbud_id;normering;forbrug\r\n{offer};10;800\r\n",
        "regnskab": "tilbud_id;regnskab;belaegning\r\n{offer};1000;1\r\n",
        "takster": "tilbud_id;basistakst;belaegningsprocent\r\n{offer};2000;97\r\n",
        "tilbud": "navn;maalgruppe;tilbudstype;normering;omfattet;gyldig_fra\r\nNyt;misbrug;dag;1;ja;2017-01-01\r\n",
    }
    for stream, text in files.items():
        period = make_period(
            env.database, stream=stream, aar=2017, kvartal=1 if stream == "belaegning" else None
        )
        for org in orgs:
            offer = make_offer(
                env.database, org=org, historik=[{"aar": 2017, "normering": 10, "omfattet": True}]
            )
            upload_submission(
                env.database,
                org=org,
                period_id=period,
                stream=stream,
                data=text.format(offer=offer).encode(),
            )


def test_tenant_tables_are_the_expected_ones() -> None:
    assert tenant_owned_tables() == sorted(
        [
            "audit_log",
            "mail_outbox",
            "offer",
            "offer_year",
            "submission",
            "submission_file",
            "submission_belaegning_line",
            "submission_regnskab_line",
            "submission_takst_line",
            "submission_tilbud_line",
        ]
    )


def test_app_role_is_not_superuser_owner_or_bypassrls(pg_env: Env) -> None:
    engine = sa.create_engine(pg_env.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        role = conn.execute(
            sa.text(
                "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
            )
        ).one()
        assert tuple(role) == (False, False, False, False)
        owned = conn.scalar(
            sa.text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
            )
        )
        assert owned == 0
    engine.dispose()


def test_every_tenant_table_has_forced_rls(pg_env: Env) -> None:
    engine = sa.create_engine(pg_env.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                sa.text(
                    "SELECT relname, relrowsecurity AND relforcerowsecurity FROM pg_class "
                    "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
                )
            ).all()
        )
        # every table with an org_id column must be protected: no tenant table forgotten
        with_org = set(
            conn.scalars(
                sa.text(
                    "SELECT table_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND column_name = 'org_id'"
                )
            )
        )
    engine.dispose()
    assert with_org == set(tenant_owned_tables())
    for table in with_org:
        assert rows[table] is True, table


def test_raw_sql_sees_only_own_rows_and_cannot_write_foreign(pg_env: Env) -> None:
    make_offer(pg_env.database, org="657", navn="A-tilbud")
    make_offer(pg_env.database, org="751", navn="B-tilbud")
    _one_submission_per_stream(pg_env, "657", "751")
    engine = sa.create_engine(pg_env.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        ids = _org_ids(conn)
        a, b = ids["657"], ids["751"]
        with conn.begin():
            _as_tenant(conn, a)
            for table in tenant_owned_tables():
                seen = set(conn.scalars(sa.text(f"SELECT DISTINCT org_id FROM {table}")))
                assert seen == {a}, table
            with (
                pytest.raises(sa.exc.ProgrammingError, match="row-level security"),
                conn.begin_nested(),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO offer (org_id, id, navn, maalgruppe, tilbudstype, version, created_at, updated_at)"
                        " VALUES (:b, gen_random_uuid(), 'Indsmuglet', 'misbrug', 'dag', 1, now(), now())"
                    ),
                    {"b": b},
                )
            # moving an own row to B is a write of B's row: refused too
            with (
                pytest.raises(sa.exc.ProgrammingError, match="row-level security"),
                conn.begin_nested(),
            ):
                conn.execute(
                    sa.text("UPDATE offer SET org_id = :b WHERE navn = 'A-tilbud'"), {"b": b}
                )
            # updating or deleting B's rows silently touches nothing
            assert (
                conn.execute(
                    sa.text("UPDATE offer SET navn = 'x' WHERE org_id = :b"), {"b": b}
                ).rowcount
                == 0
            )
            assert (
                conn.execute(sa.text("DELETE FROM offer_year WHERE org_id = :b"), {"b": b}).rowcount
                == 0
            )
    engine.dispose()


def test_no_tenant_setting_sees_nothing(pg_env: Env) -> None:
    engine = sa.create_engine(pg_env.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        for table in tenant_owned_tables():
            assert conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 0, table
        conn.rollback()
        with conn.begin():
            _as_tenant(conn)  # an empty setting, as after a finished transaction
            for table in tenant_owned_tables():
                assert conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 0, table
    engine.dispose()
    # ...while the owner's superuser view confirms there is data to hide
    su = sa.create_engine(pg_env.cluster.superuser_url(pg_env.db_name), poolclass=sa.pool.NullPool)
    with su.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM offer")) > 100
    su.dispose()


def test_audit_log_is_append_only_for_the_app_role(pg_env: Env) -> None:
    engine = sa.create_engine(pg_env.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        a = _org_ids(conn)["657"]
        with conn.begin():
            _as_tenant(conn, a)
            assert conn.scalar(sa.text("SELECT count(*) FROM audit_log")) > 0
            with (
                pytest.raises(sa.exc.ProgrammingError, match="permission denied"),
                conn.begin_nested(),
            ):
                conn.execute(sa.text("DELETE FROM audit_log"))
            with (
                pytest.raises(sa.exc.ProgrammingError, match="permission denied"),
                conn.begin_nested(),
            ):
                conn.execute(sa.text("UPDATE audit_log SET actor = 'x'"))
    engine.dispose()


def test_no_tenant_leaks_through_the_pool(pg_env: Env) -> None:
    """The pooled connection used by tenant A's request carries no setting afterwards."""
    from tests.factories import make_token

    engine = pg_env.database.engine
    engine.dispose()
    headers = make_token(pg_env.database, org="657", role="reporter")
    engine.dispose()  # start from an empty pool: the request gets connection #1
    resp = pg_env.client.get("/api/v1/offers", headers=headers)
    assert resp.status_code == 200 and resp.json["total"] > 0
    assert engine.pool.checkedout() == 0 and engine.pool.checkedin() == 1
    with engine.connect() as conn:  # the same pooled connection, checked out again
        assert (
            conn.scalar(sa.text("SELECT coalesce(current_setting('app.org_ids', true), '')")) == ""
        )
        assert conn.scalar(sa.text("SELECT count(*) FROM offer")) == 0
