"""The ORM layer of isolation: no scope raises; foreign rows cannot be flushed."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from backend.context import Principal
from backend.db.tenancy import (
    PREBUILT,
    TenantScope,
    TenantScopeMissing,
    TenantViolation,
    acting_as,
    current_scope,
    elevated,
    scope_for,
    scoped,
    secretariat_scope,
)
from backend.offers.models import Offer
from backend.organisations.service import get_by_code
from tests.conftest import Env


def test_query_without_scope_raises(sqlite_env: Env) -> None:
    with sqlite_env.database.sessionmaker() as s:
        with pytest.raises(TenantScopeMissing):
            s.scalars(sa.select(Offer)).all()
        with pytest.raises(TenantScopeMissing):  # Core statements on the table too
            s.execute(sa.select(sa.func.count()).select_from(Offer.__table__))
        with pytest.raises(TenantScopeMissing):
            s.execute(sa.update(Offer).values(navn="x"))


def test_scope_filters_selects_subqueries_and_counts(sqlite_env: Env) -> None:
    with sqlite_env.database.sessionmaker() as s:
        herning = get_by_code(s, "657")
        with scoped(s, TenantScope.single(herning.id)):
            orgs = set(s.scalars(sa.select(Offer.org_id)))
            sub = sa.select(Offer).subquery()
            counted = s.scalar(sa.select(sa.func.count()).select_from(sub))
            direct = len(s.scalars(sa.select(Offer)).all())
    assert orgs == {herning.id} and counted == direct > 0


def test_orm_statements_on_a_connection_are_scoped_too(sqlite_env: Env) -> None:
    """Reading rows on the session's connection (no ORM row handling) keeps the criteria."""
    with sqlite_env.database.sessionmaker() as s:
        herning = get_by_code(s, "657")
        conn = s.connection()
        with pytest.raises(TenantScopeMissing):
            conn.execute(sa.select(Offer.id))
        with scoped(s, TenantScope.single(herning.id)):
            orgs = set(conn.execute(sa.select(Offer.org_id)).scalars())
            counted = conn.execute(
                sa.select(sa.func.count()).select_from(sa.select(Offer).subquery())
            ).scalar()
            through_session = s.scalar(sa.select(sa.func.count()).select_from(Offer))
    assert orgs == {herning.id} and counted == through_session > 0


def test_a_prebuilt_statement_is_scoped_anew_for_every_scope(sqlite_env: Env) -> None:
    """Statements built once keep a scoped variant per scope; never the previous scope's."""
    statement = sa.select(Offer.org_id).distinct().execution_options(**{PREBUILT: True})
    with sqlite_env.database.sessionmaker() as s:
        herning, aarhus = get_by_code(s, "657"), get_by_code(s, "751")
        seen = []
        for org in (herning, aarhus, herning):
            with scoped(s, TenantScope.single(org.id)):
                seen.append(
                    set(s.scalars(statement)) | set(s.connection().execute(statement).scalars())
                )
    assert seen == [{herning.id}, {aarhus.id}, {herning.id}]


def test_session_statements_get_the_criteria_once(sqlite_env: Env) -> None:
    statements: list[str] = []
    engine = sqlite_env.database.engine
    grab = lambda *args: statements.append(args[2])  # noqa: E731  (before_cursor_execute's statement)
    with sqlite_env.database.sessionmaker() as s:
        herning = get_by_code(s, "657")
        with scoped(s, TenantScope.single(herning.id)):
            sa.event.listen(engine, "before_cursor_execute", grab)
            try:
                s.scalars(sa.select(Offer.id)).all()
            finally:
                sa.event.remove(engine, "before_cursor_execute", grab)
    (sql,) = [x for x in statements if "FROM offer" in x]
    assert sql.count("offer.org_id IN") == 1


def test_flushing_a_foreign_row_raises(sqlite_env: Env) -> None:
    with sqlite_env.database.sessionmaker() as s:
        herning, aarhus = get_by_code(s, "657"), get_by_code(s, "751")
        with scoped(s, TenantScope.single(herning.id)):
            s.add(Offer(org_id=aarhus.id, navn="x", maalgruppe="misbrug", tilbudstype="dag"))
            with pytest.raises(TenantViolation):
                s.flush()
            s.rollback()
            new = Offer(navn="stamped", maalgruppe="misbrug", tilbudstype="dag")
            s.add(new)
            s.flush()
            assert new.org_id == herning.id
            s.rollback()


def test_elevated_reads_other_organisations_says_why_and_writes_nothing(
    sqlite_env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    with sqlite_env.database.sessionmaker() as s:
        herning, aarhus = get_by_code(s, "657"), get_by_code(s, "751")
        with acting_as(s, herning.id):
            with (
                caplog.at_level(logging.INFO, logger="backend.db.tenancy"),
                elevated(s, [aarhus.id], reason="foreign_offer: test"),
            ):
                offers = s.scalars(sa.select(Offer)).all()
                assert {o.org_id for o in offers} == {aarhus.id}
                offers[0].navn = "ændret"
                with pytest.raises(TenantViolation):
                    s.flush()
                s.rollback()
            assert current_scope() == TenantScope.single(herning.id)  # restored afterwards
        assert "elevated tenant scope (foreign_offer: test)" in caplog.text
        with (
            pytest.raises(ValueError, match="needs a reason"),
            elevated(s, [aarhus.id], reason=" "),
        ):
            pass


def test_scope_for_grants_by_role() -> None:
    def principal(role: str) -> Principal:
        return Principal(1, "x@y.dk", role, 7, "657", "kommune", 1)

    assert scope_for(principal("reporter"), [7, 8]) == TenantScope.single(7)
    assert scope_for(principal("org_admin")) == TenantScope.single(7)
    assert scope_for(principal("secretariat"), [7, 8]) == secretariat_scope(7, [7, 8])
    assert secretariat_scope(7, [7, 8]).readable == secretariat_scope(7, [7, 8]).writable == {7, 8}
    assert scope_for(principal("viewer"), [7, 8]).readable == frozenset()
    assert scope_for(principal("admin"), [7, 8]).writable == frozenset()
