"""Login lock-out is per e-mail and client address: an attacker guessing an officer's
password locks out only their own address (issue 13, item 15)."""

from __future__ import annotations

import sqlalchemy as sa

from backend.auth.models import LoginFailure
from tests.conftest import Env
from tests.factories import make_user

ATTACKER, OFFICER = "203.0.113.66", "198.51.100.7"


def _login(env: Env, email: str, password: str, addr: str):  # type: ignore[no-untyped-def]
    return env.client.post(
        "/api/v1/auth/tokens",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": addr},
    )


def _failures(env: Env) -> list[tuple[str, str | None]]:
    with env.database.unit_of_work() as s:
        rows = s.execute(sa.select(LoginFailure.email_key, LoginFailure.remote_addr)).all()
    return [tuple(r) for r in rows]


def test_an_attacker_cannot_lock_the_officer_out(env: Env) -> None:
    email = make_user(env.database, org="657", role="reporter", password="rigtig kode")
    for _ in range(5):
        assert _login(env, email, "gæt", ATTACKER).status_code == 401
    before = _failures(env)
    blocked = _login(env, email, "rigtig kode", ATTACKER)
    assert blocked.status_code == 429 and blocked.mimetype == "application/problem+json"
    assert blocked.json["code"] == "for_mange_loginforsoeg"
    assert "loginforsøg" in blocked.json["detail"]
    assert _failures(env) == before  # the refused attempt wrote nothing
    assert before == [(email, ATTACKER)] * 5

    own = _login(env, email, "rigtig kode", OFFICER)
    assert own.status_code == 201 and own.json["token"].startswith("rmt_")


def test_the_officers_own_failures_still_count_at_their_address(env: Env) -> None:
    email = make_user(env.database, org="657", role="reporter", password="rigtig kode")
    for _ in range(5):
        assert _login(env, email, "gæt", OFFICER).status_code == 401
    assert _login(env, email, "rigtig kode", OFFICER).status_code == 429
    assert _login(env, email, "rigtig kode", ATTACKER).status_code == 201
