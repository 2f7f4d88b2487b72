"""Every route × role × own/foreign organisation, on SQLite and PostgreSQL.

Own organisation: Herning (657). Foreign: Aarhus (751) in the same rammeaftale, and
Aalborg (851) in another rammeaftale, which not even the secretariat may see.
A denied request gets 403 or 404 and its body names nothing of the foreign data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.organisations.service import sync_tenants
from tests.conftest import Env, copied_world
from tests.factories import make_offer, make_period, make_token

ROLES = ("reporter", "org_admin", "secretariat", "viewer", "admin")
HOME_OF = {
    "reporter": "657",
    "org_admin": "657",
    "secretariat": "sekretariat-midt",
    "viewer": "791",
    "admin": "sekretariat-midt",
}
NORD = Path(__file__).resolve().parents[1] / "data" / "tenants_nord"


def _world(env: Env):  # type: ignore[no-untyped-def]
    with env.database.unit_of_work() as session:
        sync_tenants(session, NORD)
    offers = {
        "own": make_offer(env.database, org="657", navn="Herning Bo"),
        "foreign": make_offer(env.database, org="751", navn="Aarhus Hemmelige Hus"),
        "other_agreement": make_offer(env.database, org="851", navn="Aalborg Skjulte Sted"),
    }
    headers = {role: make_token(env.database, org=HOME_OF[role], role=role) for role in ROLES}
    return env, offers, headers


@pytest.fixture(scope="module")
def read_world(module_env: Env):  # type: ignore[no-untyped-def]
    """Built once per module and backend; the tests that only read use it as it is."""
    return _world(module_env)


@pytest.fixture
def world(read_world, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A copy of the module's world for each test that writes."""
    yield from copied_world(read_world, tmp_path)


def _no_leak(body: str, offers: dict[str, str], *allowed: str) -> None:
    for name, secret in (
        ("foreign", "Aarhus Hemmelige Hus"),
        ("other_agreement", "Aalborg Skjulte Sted"),
    ):
        if name not in allowed:
            assert secret not in body and offers[name] not in body


LIST_EXPECT = {"reporter": 200, "org_admin": 200, "secretariat": 200, "viewer": 403, "admin": 403}


@pytest.mark.parametrize("role", ROLES)
def test_offer_list(read_world, role: str) -> None:  # type: ignore[no-untyped-def]
    env, offers, headers = read_world
    resp = env.client.get("/api/v1/offers?limit=1000", headers=headers[role])
    assert resp.status_code == LIST_EXPECT[role]
    body = resp.get_data(as_text=True)
    if role == "secretariat":
        orgs = {o["organisation"] for o in resp.json["items"]}
        assert {"657", "751", "1082"} <= orgs and "851" not in orgs
        _no_leak(body, offers, "foreign")
    else:
        if resp.status_code == 200:
            assert {o["organisation"] for o in resp.json["items"]} == {"657"}
        _no_leak(body, offers)


# (role, which offer) -> expected status of GET /offers/{id}
ITEM_EXPECT = {
    ("reporter", "own"): 200,
    ("reporter", "foreign"): 404,
    ("reporter", "other_agreement"): 404,
    ("org_admin", "own"): 200,
    ("org_admin", "foreign"): 404,
    ("org_admin", "other_agreement"): 404,
    ("secretariat", "own"): 200,
    ("secretariat", "foreign"): 200,
    ("secretariat", "other_agreement"): 404,
    ("viewer", "own"): 403,
    ("viewer", "foreign"): 403,
    ("viewer", "other_agreement"): 403,
    ("admin", "own"): 403,
    ("admin", "foreign"): 403,
    ("admin", "other_agreement"): 403,
}


@pytest.mark.parametrize(("role", "which"), sorted(ITEM_EXPECT))
def test_offer_item_read(read_world, role: str, which: str) -> None:  # type: ignore[no-untyped-def]
    env, offers, headers = read_world
    resp = env.client.get(f"/api/v1/offers/{offers[which]}", headers=headers[role])
    assert resp.status_code == ITEM_EXPECT[(role, which)]
    if resp.status_code != 200:
        assert resp.mimetype == "application/problem+json"
        _no_leak(resp.get_data(as_text=True), offers)


WRITE_EXPECT = {
    ("reporter", "own"): 200,
    ("reporter", "foreign"): 404,
    ("reporter", "other_agreement"): 404,
    ("org_admin", "own"): 200,
    ("org_admin", "foreign"): 404,
    ("org_admin", "other_agreement"): 404,
    **{
        (r, w): 403
        for r in ("secretariat", "viewer", "admin")
        for w in ("own", "foreign", "other_agreement")
    },
}


@pytest.mark.parametrize(("role", "which"), sorted(WRITE_EXPECT))
def test_offer_update(world, role: str, which: str) -> None:  # type: ignore[no-untyped-def]
    env, offers, headers = world
    resp = env.client.patch(
        f"/api/v1/offers/{offers[which]}",
        json={"navn": "Overtaget"},
        headers={**headers[role], "If-Match": '"1"'},
    )
    assert resp.status_code == WRITE_EXPECT[(role, which)]
    if resp.status_code != 200:
        _no_leak(resp.get_data(as_text=True), offers)
    # whatever happened, nobody else's offer was renamed
    check = make_token(env.database, org="sekretariat-midt", role="secretariat")
    names = {
        o["navn"] for o in env.client.get("/api/v1/offers?limit=1000", headers=check).json["items"]
    }
    assert "Aarhus Hemmelige Hus" in names
    assert ("Overtaget" in names) == (WRITE_EXPECT[(role, which)] == 200)


CREATE_EXPECT = {"reporter": 201, "org_admin": 201, "secretariat": 403, "viewer": 403, "admin": 403}


@pytest.mark.parametrize("role", ROLES)
def test_offer_create_lands_in_own_organisation(world, role: str) -> None:  # type: ignore[no-untyped-def]
    env, _offers, headers = world
    body = {
        "navn": "Nyt tilbud",
        "maalgruppe": "misbrug",
        "tilbudstype": "dag",
        "historik": [{"aar": 2018, "normering": "4.5"}],
    }
    resp = env.client.post("/api/v1/offers", json=body, headers=headers[role])
    assert resp.status_code == CREATE_EXPECT[role]
    if resp.status_code == 201:
        assert resp.json["organisation"] == HOME_OF[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path", ["/api/v1/me", "/api/v1/organisations", "/api/v1/maalgrupper", "/api/v1/auth/tokens"]
)
def test_catalogue_and_self_routes(read_world, role: str, path: str) -> None:  # type: ignore[no-untyped-def]
    env, offers, headers = read_world
    resp = env.client.get(path, headers=headers[role])
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    _no_leak(body, offers)
    if path == "/api/v1/organisations":
        assert "851" not in {o["kode"] for o in resp.json}  # another rammeaftale's tenants
    if path == "/api/v1/auth/tokens":
        assert len(resp.json) == 1  # only the caller's own token


@pytest.mark.parametrize("role", ROLES)
def test_token_revocation_is_own_only(world, role: str) -> None:  # type: ignore[no-untyped-def]
    env, _offers, headers = world
    victim = make_token(env.database, org="751", role="reporter")
    victim_id = env.client.get("/api/v1/auth/tokens", headers=victim).json[0]["id"]
    resp = env.client.delete(f"/api/v1/auth/tokens/{victim_id}", headers=headers[role])
    if role == "admin":
        assert resp.status_code == 204
        assert env.client.get("/api/v1/me", headers=victim).status_code == 401
    else:
        assert resp.status_code == 404
        assert env.client.get("/api/v1/me", headers=victim).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/offers"),
        ("post", "/api/v1/offers"),
        ("get", "/api/v1/me"),
        ("get", "/api/v1/organisations"),
        ("get", "/api/v1/auth/tokens"),
        ("get", "/api/v1/periods"),
        ("post", "/api/v1/periods"),
        ("post", "/api/v1/udgiftsbehov/1/withdraw"),
        ("post", "/api/v1/reports/ledelsesinformation/2017/publish"),
    ],
)
def test_anonymous_gets_401(read_world, method: str, path: str) -> None:  # type: ignore[no-untyped-def]
    env, _offers, _headers = read_world
    resp = getattr(env.client, method)(path, json={} if method == "post" else None)
    assert resp.status_code == 401
    assert resp.json["code"] == "ikke_logget_ind"


# Reporting periods belong to a rammeaftale, not an organisation: every role of Midtjylland
# reads Midtjylland's periods, only its secretariat changes them, and Nordjylland's periods
# do not exist for anyone of Midtjylland.
def _period_world(world):  # type: ignore[no-untyped-def]
    env, _offers, headers = world
    periods = {
        "own_agreement": make_period(
            env.database, secretariat="sekretariat-midt", stream="takster"
        ),
        "other_agreement": make_period(
            env.database, secretariat="sekretariat-nord", stream="regnskab"
        ),
    }
    return env, periods, headers


@pytest.fixture(scope="module")
def read_period_world(read_world):  # type: ignore[no-untyped-def]
    return _period_world(read_world)


@pytest.fixture
def period_world(read_period_world, tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from copied_world(read_period_world, tmp_path)


@pytest.mark.parametrize("role", ROLES)
def test_period_list(read_period_world, role: str) -> None:  # type: ignore[no-untyped-def]
    env, periods, headers = read_period_world
    resp = env.client.get("/api/v1/periods", headers=headers[role])
    assert resp.status_code == 200
    assert [(p["id"], p["stream"]) for p in resp.json] == [(periods["own_agreement"], "takster")]


PERIOD_READ_EXPECT = {
    (r, w): 200 if w == "own_agreement" else 404
    for r in ROLES
    for w in ("own_agreement", "other_agreement")
}


@pytest.mark.parametrize(("role", "which"), sorted(PERIOD_READ_EXPECT))
def test_period_item_read(read_period_world, role: str, which: str) -> None:  # type: ignore[no-untyped-def]
    env, periods, headers = read_period_world
    resp = env.client.get(f"/api/v1/periods/{periods[which]}", headers=headers[role])
    assert resp.status_code == PERIOD_READ_EXPECT[(role, which)]
    if resp.status_code != 200:
        assert resp.mimetype == "application/problem+json"
        assert "regnskab" not in resp.get_data(as_text=True)


PERIOD_WRITE_EXPECT = {
    ("secretariat", "own_agreement"): 200,
    ("secretariat", "other_agreement"): 404,
    **{
        (r, w): 403
        for r in ("reporter", "org_admin", "viewer", "admin")
        for w in ("own_agreement", "other_agreement")
    },
}


@pytest.mark.parametrize(("role", "which"), sorted(PERIOD_WRITE_EXPECT))
def test_period_close(period_world, role: str, which: str) -> None:  # type: ignore[no-untyped-def]
    env, periods, headers = period_world
    resp = env.client.patch(
        f"/api/v1/periods/{periods[which]}",
        json={"status": "lukket"},
        headers={**headers[role], "If-Match": '"1"'},
    )
    assert resp.status_code == PERIOD_WRITE_EXPECT[(role, which)]
    # whatever happened, the other rammeaftale's period is still open
    nord = make_token(env.database, org="sekretariat-nord", role="secretariat")
    assert (
        env.client.get(f"/api/v1/periods/{periods['other_agreement']}", headers=nord).json["status"]
        == "aaben"
    )


PERIOD_CREATE_EXPECT = {
    "reporter": 403,
    "org_admin": 403,
    "secretariat": 201,
    "viewer": 403,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_period_create_lands_in_own_rammeaftale(period_world, role: str) -> None:  # type: ignore[no-untyped-def]
    env, _periods, headers = period_world
    body = {"stream": "belaegning", "aar": 2025, "kvartal": 3, "frist": "2025-10-31"}
    resp = env.client.post("/api/v1/periods", json=body, headers=headers[role])
    assert resp.status_code == PERIOD_CREATE_EXPECT[role]
    nord = make_token(env.database, org="sekretariat-nord", role="secretariat")
    assert "belaegning" not in {
        p["stream"] for p in env.client.get("/api/v1/periods", headers=nord).json
    }
    if resp.status_code == 201:
        midt = env.client.get("/api/v1/periods?stream=belaegning", headers=headers["reporter"]).json
        assert [p["id"] for p in midt] == [resp.json["id"]]
