"""Login, tokens, revocation, rate limiting and /me."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from backend.auth.models import ApiToken, User
from backend.db.base import utcnow
from tests.conftest import SHIPPED_HASHER, Env
from tests.factories import make_user


def _login(env: Env, email: str, password: str):  # type: ignore[no-untyped-def]
    return env.client.post("/api/v1/auth/tokens", json={"email": email, "password": password})


def test_login_issues_a_token_shown_once_and_stored_hashed(sqlite_env: Env) -> None:
    email = make_user(sqlite_env.database, org="657", role="reporter", password="rigtig kode")
    resp = _login(sqlite_env, email, "rigtig kode")
    assert resp.status_code == 201
    plain = resp.json["token"]
    assert plain.startswith("rmt_") and len(plain) > 40
    with sqlite_env.database.unit_of_work() as s:
        stored = s.scalars(sa.select(ApiToken.token_hash)).all()
    assert plain not in stored and all(len(h) == 64 for h in stored)
    me = sqlite_env.client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert me.json["role"] == "reporter" and me.json["organisation"]["kode"] == "657"
    assert me.json["laeseadgang"] == ["657"]
    listed = sqlite_env.client.get(
        "/api/v1/auth/tokens", headers={"Authorization": f"Bearer {plain}"}
    ).json
    assert "token" not in listed[0] and listed[0]["prefix"] == plain[:10]


def test_wrong_password_and_unknown_user_look_the_same(sqlite_env: Env) -> None:
    email = make_user(sqlite_env.database, org="657", role="reporter", password="rigtig kode")
    a, b = _login(sqlite_env, email, "forkert"), _login(sqlite_env, "ingen@x.dk", "forkert")
    assert a.status_code == b.status_code == 401
    assert a.json == b.json and a.json["detail"] == "Forkert e-mail eller adgangskode."


def test_failed_logins_are_rate_limited_even_with_the_right_password(env: Env) -> None:
    email = make_user(env.database, org="657", role="reporter", password="rigtig kode")
    for _ in range(5):
        assert _login(env, email, "gæt").status_code == 401
    resp = _login(env, email, "rigtig kode")
    assert resp.status_code == 429 and resp.headers["Retry-After"].isdigit()
    assert resp.json["code"] == "for_mange_loginforsoeg"


def test_revoked_and_expired_tokens_are_refused(sqlite_env: Env) -> None:
    email = make_user(sqlite_env.database, org="657", role="reporter", password="kode")
    first, second = (_login(sqlite_env, email, "kode").json for _ in range(2))
    h1, h2 = ({"Authorization": f"Bearer {t['token']}"} for t in (first, second))
    assert (
        sqlite_env.client.delete(f"/api/v1/auth/tokens/{first['id']}", headers=h1).status_code
        == 204
    )
    assert sqlite_env.client.get("/api/v1/me", headers=h1).status_code == 401
    with sqlite_env.database.unit_of_work() as s:
        s.get(ApiToken, second["id"]).expires_at = utcnow()
    resp = sqlite_env.client.get("/api/v1/me", headers=h2)
    assert resp.status_code == 401 and resp.json["code"] == "ugyldigt_token"


def test_malformed_authorization_header(sqlite_env: Env) -> None:
    resp = sqlite_env.client.get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert resp.status_code == 401 and "Bearer" in resp.json["detail"]


def test_login_and_token_events_are_audited(sqlite_env: Env) -> None:
    from backend.audit.models import AuditEntry
    from backend.db.tenancy import TenantScope, scoped
    from backend.organisations.service import get_by_code

    email = make_user(sqlite_env.database, org="657", role="reporter", password="kode")
    token = _login(sqlite_env, email, "kode").json
    sqlite_env.client.delete(
        f"/api/v1/auth/tokens/{token['id']}", headers={"Authorization": f"Bearer {token['token']}"}
    )
    with sqlite_env.database.unit_of_work() as s:
        org = get_by_code(s, "657")
        with scoped(s, TenantScope.single(org.id)):
            actions = s.execute(
                sa.select(AuditEntry.action, AuditEntry.entity, AuditEntry.actor).where(
                    AuditEntry.entity.in_(["app_user", "api_token"])
                )
            ).all()
    assert ("create", "app_user", "system") in actions
    assert ("issue", "api_token", "system") in actions
    assert ("revoke", "api_token", email) in actions


def test_a_deactivated_users_tokens_stop_working(sqlite_env: Env) -> None:
    email = make_user(sqlite_env.database, org="657", role="reporter", password="kode")
    h = {"Authorization": f"Bearer {_login(sqlite_env, email, 'kode').json['token']}"}
    assert sqlite_env.client.get("/api/v1/me", headers=h).status_code == 200
    with sqlite_env.database.unit_of_work() as s:
        s.scalar(sa.select(User).where(User.email == email)).active = False
    resp = sqlite_env.client.get("/api/v1/me", headers=h)
    assert resp.status_code == 401 and resp.json["code"] == "ugyldigt_token"


def test_last_use_is_stamped_at_most_once_a_minute(sqlite_env: Env) -> None:
    email = make_user(sqlite_env.database, org="657", role="reporter", password="kode")
    h = {"Authorization": f"Bearer {_login(sqlite_env, email, 'kode').json['token']}"}
    first = sqlite_env.client.get("/api/v1/auth/tokens", headers=h).json[0]["last_used_at"]
    assert first is not None
    again = sqlite_env.client.get("/api/v1/auth/tokens", headers=h).json[0]["last_used_at"]
    assert again == first  # within the minute: no write per request
    with sqlite_env.database.unit_of_work() as s:
        s.scalar(sa.select(ApiToken)).last_used_at = utcnow() - timedelta(minutes=2)
    later = sqlite_env.client.get("/api/v1/auth/tokens", headers=h).json[0]["last_used_at"]
    assert later > first


def test_shipped_password_hashes_are_argon2id_with_the_rfc_9106_parameters() -> None:
    """The product hashes with argon2id, 64 MiB, 3 passes (RFC 9106's second choice); the
    suite swaps in cheap parameters for speed (tests/conftest.py), so this checks the
    hasher the product would use."""
    from argon2 import Type, extract_parameters

    params = extract_parameters(SHIPPED_HASHER.hash("kodeord"))
    assert (params.type, params.memory_cost, params.time_cost) == (Type.ID, 65536, 3)
