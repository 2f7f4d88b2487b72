"""Reporting periods: the secretariat opens, moves, closes and reopens them; every role of
the rammeaftale reads them; another rammeaftale's periods do not exist; changes are audited."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.audit.models import AuditEntry
from backend.db.tenancy import TenantScope, scoped
from backend.organisations.service import get_by_code, sync_tenants
from tests.conftest import Env
from tests.factories import make_period, make_token

NORD = Path(__file__).resolve().parents[2] / "data" / "tenants_nord"
Q1 = {"stream": "belaegning", "aar": 2025, "kvartal": 1, "frist": "2025-04-30"}
REGNSKAB = {"stream": "regnskab", "aar": 2024, "frist": "2025-05-15"}


def _secretariat(env: Env) -> dict[str, str]:
    return make_token(env.database, org="sekretariat-midt", role="secretariat")


def test_create_list_close_reopen_round_trip(env: Env) -> None:
    h = _secretariat(env)
    created = env.client.post("/api/v1/periods", json=Q1, headers=h)
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    pid = created.json["id"]
    assert created.headers["Location"].endswith(f"/api/v1/periods/{pid}")
    assert (created.json["kvartal"], created.json["status"], created.json["closed_at"]) == (
        1,
        "aaben",
        None,
    )
    yearly = env.client.post("/api/v1/periods", json=REGNSKAB, headers=h)
    assert yearly.status_code == 201 and yearly.json["kvartal"] is None

    reporter = make_token(env.database, org="657", role="reporter")
    listed = env.client.get("/api/v1/periods?status=aaben", headers=reporter).json
    assert {(p["stream"], p["aar"], p["kvartal"]) for p in listed} == {
        ("belaegning", 2025, 1),
        ("regnskab", 2024, None),
    }
    assert [
        p["id"]
        for p in env.client.get("/api/v1/periods?stream=regnskab&aar=2024", headers=reporter).json
    ] == [yearly.json["id"]]
    assert env.client.get("/api/v1/periods?aar=2030", headers=reporter).json == []

    moved = env.client.patch(
        f"/api/v1/periods/{pid}", json={"frist": "2025-05-07"}, headers={**h, "If-Match": '"1"'}
    )
    assert (
        moved.status_code == 200
        and moved.json["frist"] == "2025-05-07"
        and moved.headers["ETag"] == '"2"'
    )
    closed = env.client.patch(
        f"/api/v1/periods/{pid}", json={"status": "lukket"}, headers={**h, "If-Match": '"2"'}
    )
    assert (
        closed.status_code == 200 and closed.json["status"] == "lukket" and closed.json["closed_at"]
    )
    assert [
        p["id"] for p in env.client.get("/api/v1/periods?status=lukket", headers=reporter).json
    ] == [pid]
    reopened = env.client.patch(
        f"/api/v1/periods/{pid}",
        json={"status": "aaben"},
        headers={**h, "If-Match": closed.headers["ETag"]},
    )
    assert reopened.status_code == 200
    assert (reopened.json["status"], reopened.json["closed_at"], reopened.json["version"]) == (
        "aaben",
        None,
        4,
    )
    got = env.client.get(f"/api/v1/periods/{pid}", headers=reporter)
    assert (
        got.status_code == 200
        and got.headers["ETag"] == '"4"'
        and got.json["frist"] == "2025-05-07"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"stream": "belaegning", "aar": 2025, "frist": "2025-04-30"}, "angiv kvartal 1-4"),
        ({**REGNSKAB, "kvartal": 2}, "udelad kvartal"),
        ({"stream": "tilbud", "aar": 2025, "kvartal": None, "frist": "2025-02-01"}, None),
    ],
)
def test_quarterly_streams_need_a_quarter_and_yearly_streams_forbid_one(
    env: Env,
    body: dict,
    message: str | None,
) -> None:
    resp = env.client.post("/api/v1/periods", json=body, headers=_secretariat(env))
    if message is None:
        assert resp.status_code == 201 and resp.json["kvartal"] is None
        return
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert resp.json["code"] == "ugyldige_data"
    [error] = resp.json["errors"]
    assert (
        error["field"] == "kvartal" and error["location"] == "json" and message in error["message"]
    )


def test_field_errors_are_danish(env: Env) -> None:
    resp = env.client.post(
        "/api/v1/periods",
        headers=_secretariat(env),
        json={"stream": "ventelister", "aar": 1999, "kvartal": 5},
    )
    assert resp.status_code == 422
    errors = {e["field"]: e["message"] for e in resp.json["errors"]}
    assert errors["stream"].startswith("Skal være en af: belaegning")
    assert errors["aar"] == "Skal være mellem 2000 og 2100."
    assert errors["kvartal"] == "Skal være mellem 1 og 4."
    assert errors["frist"] == "Feltet skal udfyldes."


def test_duplicate_period_is_a_conflict(env: Env) -> None:
    h = _secretariat(env)
    for body in (Q1, REGNSKAB):
        assert env.client.post("/api/v1/periods", json=body, headers=h).status_code == 201
        dup = env.client.post("/api/v1/periods", json={**body, "frist": "2026-01-01"}, headers=h)
        assert dup.status_code == 409 and dup.json["code"] == "periode_findes"
    # another quarter, year or stream is a different period
    assert (
        env.client.post("/api/v1/periods", json={**Q1, "kvartal": 2}, headers=h).status_code == 201
    )
    assert (
        env.client.post("/api/v1/periods", json={**REGNSKAB, "aar": 2025}, headers=h).status_code
        == 201
    )
    assert (
        env.client.post(
            "/api/v1/periods", json={**REGNSKAB, "stream": "takster"}, headers=h
        ).status_code
        == 201
    )


@pytest.mark.parametrize("role", ["reporter", "org_admin", "viewer", "admin"])
def test_only_the_secretariat_creates_and_closes(env: Env, role: str) -> None:
    pid = make_period(env.database)
    h = make_token(env.database, org="657" if role != "admin" else "sekretariat-midt", role=role)
    assert env.client.post("/api/v1/periods", json=Q1, headers=h).status_code == 403
    resp = env.client.patch(
        f"/api/v1/periods/{pid}", json={"status": "lukket"}, headers={**h, "If-Match": '"1"'}
    )
    assert resp.status_code == 403 and resp.json["code"] == "ingen_adgang"
    assert env.client.get(f"/api/v1/periods/{pid}", headers=h).json["status"] == "aaben"


def test_another_rammeaftales_period_is_invisible(env: Env) -> None:
    with env.database.unit_of_work() as session:
        sync_tenants(session, NORD)
    nord = make_period(env.database, secretariat="sekretariat-nord", aar=2023)
    midt = make_period(env.database, aar=2024)
    h = _secretariat(env)
    assert [p["id"] for p in env.client.get("/api/v1/periods", headers=h).json] == [midt]
    assert env.client.get(f"/api/v1/periods/{nord}", headers=h).status_code == 404
    resp = env.client.patch(
        f"/api/v1/periods/{nord}", json={"status": "lukket"}, headers={**h, "If-Match": '"1"'}
    )
    assert resp.status_code == 404 and resp.json["code"] == "periode_findes_ikke"
    nord_h = make_token(env.database, org="sekretariat-nord", role="secretariat")
    assert env.client.get(f"/api/v1/periods/{nord}", headers=nord_h).json["status"] == "aaben"
    # the same stream and year may exist in both rammeaftaler
    assert (
        env.client.post("/api/v1/periods", json={**REGNSKAB, "aar": 2023}, headers=h).status_code
        == 201
    )


def test_if_match_is_required_and_checked(env: Env) -> None:
    pid = make_period(env.database)
    h = _secretariat(env)
    missing = env.client.patch(f"/api/v1/periods/{pid}", json={"status": "lukket"}, headers=h)
    assert missing.status_code == 428 and missing.json["code"] == "mangler_if_match"
    for stale in ('"7"', "nonsense"):
        resp = env.client.patch(
            f"/api/v1/periods/{pid}", json={"status": "lukket"}, headers={**h, "If-Match": stale}
        )
        assert resp.status_code == 412 and resp.json["code"] == "foraeldet_version"
    assert env.client.get(f"/api/v1/periods/{pid}", headers=h).json["status"] == "aaben"


def test_changes_are_audited_in_the_secretariats_organisation(env: Env) -> None:
    h = _secretariat(env)
    pid = env.client.post("/api/v1/periods", json=Q1, headers=h).json["id"]
    env.client.patch(
        f"/api/v1/periods/{pid}", json={"frist": "2025-05-07"}, headers={**h, "If-Match": '"1"'}
    )
    env.client.patch(
        f"/api/v1/periods/{pid}", json={"status": "lukket"}, headers={**h, "If-Match": '"2"'}
    )
    env.client.patch(
        f"/api/v1/periods/{pid}", json={"status": "aaben"}, headers={**h, "If-Match": '"3"'}
    )
    with env.database.unit_of_work() as s:
        org = get_by_code(s, "sekretariat-midt")
        with scoped(s, TenantScope.single(org.id)):
            rows = s.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.entity == "reporting_period", AuditEntry.entity_id == str(pid))
                .order_by(AuditEntry.at)
            ).all()
            entries = [(r.action, r.before, r.after, r.actor, r.org_id) for r in rows]
    assert [e[0] for e in entries] == ["create", "update", "close", "reopen"]
    assert entries[0][1] is None and entries[0][2]["stream"] == "belaegning"
    assert (entries[1][1]["frist"], entries[1][2]["frist"]) == ("2025-04-30", "2025-05-07")
    assert (entries[2][1]["status"], entries[2][2]["status"]) == ("aaben", "lukket")
    assert entries[2][2]["closed_at"] is not None and entries[3][2]["closed_at"] is None
    assert all(e[3].startswith("secretariat-") and e[4] == org.id for e in entries)


def test_anonymous_gets_401(env: Env) -> None:
    assert env.client.get("/api/v1/periods").status_code == 401
    assert env.client.post("/api/v1/periods", json=Q1).status_code == 401
