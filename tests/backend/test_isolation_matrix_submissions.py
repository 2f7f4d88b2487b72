"""Every submissions route × role × own/foreign organisation, on SQLite and PostgreSQL.

Own organisation: Herning (657). Foreign: Aarhus (751) in the same rammeaftale, and
Aalborg (851) in another rammeaftale, which not even the secretariat may see. A denied
request gets 403 or 404 and its body names nothing of the foreign submission (id, file
name, hash). Reporters and org admins upload and read their own organisation only; the
secretariat reads its rammeaftale and decides, but never uploads; viewer and admin: 403.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from backend.organisations.service import sync_tenants
from tests.conftest import Env, copied_world
from tests.factories import make_offer, make_period, make_token, upload_submission

ROLES = ("reporter", "org_admin", "secretariat", "viewer", "admin")
HOME_OF = {
    "reporter": "657",
    "org_admin": "657",
    "secretariat": "sekretariat-midt",
    "viewer": "791",
    "admin": "sekretariat-midt",
}
NORD = Path(__file__).resolve().parents[1] / "data" / "tenants_nord"
WHICH = ("own", "foreign", "other_agreement")
ORG_OF = {"own": "657", "foreign": "751", "other_agreement": "851"}


def _csv(offer: str, marker: int) -> bytes:
    return f"tilbud_id;normering;forbrug\r\n{offer};10;{800 + marker}\r\n".encode()


def _world(env: Env):  # type: ignore[no-untyped-def]
    with env.database.unit_of_work() as session:
        sync_tenants(session, NORD)
    periods = {
        "midt": make_period(env.database, stream="belaegning", aar=2017, kvartal=1),
        "nord": make_period(
            env.database, secretariat="sekretariat-nord", stream="belaegning", aar=2017, kvartal=1
        ),
    }
    subs, secrets = {}, []
    for i, which in enumerate(WHICH):
        org = ORG_OF[which]
        offer = make_offer(
            env.database,
            org=org,
            navn=f"Tilbud {which}",
            historik=[{"aar": 2017, "normering": 10, "omfattet": True}],
        )
        data = _csv(offer, i)
        period = periods["nord" if which == "other_agreement" else "midt"]
        subs[which] = upload_submission(
            env.database,
            org=org,
            period_id=period,
            stream="belaegning",
            data=data,
            filename=f"hemmelig-{which}.csv",
            submit=True,
        )
        secrets.append(
            (which, [subs[which], f"hemmelig-{which}.csv", hashlib.sha256(data).hexdigest(), offer])
        )
    headers = {role: make_token(env.database, org=HOME_OF[role], role=role) for role in ROLES}
    return env, periods, subs, dict(secrets), headers


@pytest.fixture(scope="module")
def read_world(module_env: Env):  # type: ignore[no-untyped-def]
    """Built once per module and backend; the tests that only read use it as it is."""
    return _world(module_env)


@pytest.fixture
def world(read_world, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A copy of the module's world for each test that writes."""
    yield from copied_world(read_world, tmp_path)


def _no_leak(body: str, secrets: dict[str, list[str]], *allowed: str) -> None:
    for which in ("foreign", "other_agreement"):
        if which not in allowed:
            for secret in secrets[which]:
                assert secret not in body, (which, secret)


READ = {
    ("reporter", "own"): 200,
    ("org_admin", "own"): 200,
    ("secretariat", "own"): 200,
    ("secretariat", "foreign"): 200,
}


def _read_expect(role: str, which: str) -> int:
    if role in ("viewer", "admin"):
        return 403
    return READ.get((role, which), 404)


@pytest.mark.parametrize("suffix", ["", "/lines", "/file"])
@pytest.mark.parametrize(("role", "which"), [(r, w) for r in ROLES for w in WHICH])
def test_read_item_lines_file(read_world, role: str, which: str, suffix: str) -> None:  # type: ignore[no-untyped-def]
    env, _periods, subs, secrets, headers = read_world
    resp = env.client.get(f"/api/v1/submissions/{subs[which]}{suffix}", headers=headers[role])
    assert resp.status_code == _read_expect(role, which)
    if resp.status_code != 200:
        assert resp.mimetype == "application/problem+json"
        _no_leak(resp.get_data(as_text=True), secrets)


LIST_EXPECT = {"reporter": {"657"}, "org_admin": {"657"}, "secretariat": {"657", "751"}}


@pytest.mark.parametrize("role", ROLES)
def test_list(read_world, role: str) -> None:  # type: ignore[no-untyped-def]
    env, _periods, _subs, secrets, headers = read_world
    resp = env.client.get("/api/v1/submissions?limit=1000", headers=headers[role])
    if role not in LIST_EXPECT:
        assert resp.status_code == 403
        _no_leak(resp.get_data(as_text=True), secrets)
        return
    assert {s["organisation"] for s in resp.json["items"]} == LIST_EXPECT[role]
    _no_leak(resp.get_data(as_text=True), secrets, *(("foreign",) if role == "secretariat" else ()))
    # a filter on another organisation finds nothing rather than an error that confirms it
    other = env.client.get("/api/v1/submissions?organisation=851", headers=headers[role]).json
    assert other["total"] == 0


UPLOAD_EXPECT = {"reporter": 201, "org_admin": 201, "secretariat": 403, "viewer": 403, "admin": 403}


@pytest.mark.parametrize("agreement", ["midt", "nord"])
@pytest.mark.parametrize("role", ROLES)
def test_upload_lands_in_own_organisation_only(world, role: str, agreement: str) -> None:  # type: ignore[no-untyped-def]
    env, periods, _subs, secrets, headers = world
    own_offer = make_offer(
        env.database, org="657", historik=[{"aar": 2017, "normering": 5, "omfattet": True}]
    )
    resp = env.client.post(
        f"/api/v1/periods/{periods[agreement]}/submissions/belaegning",
        headers=headers[role],
        data={"fil": (io.BytesIO(_csv(own_offer, 9)), "x.csv")},
        content_type="multipart/form-data",
    )
    expected = UPLOAD_EXPECT[role] if agreement == "midt" or UPLOAD_EXPECT[role] == 403 else 404
    assert resp.status_code == expected
    if resp.status_code == 201:
        assert resp.json["organisation"] == "657" and resp.json["version"] == 2
    else:
        _no_leak(resp.get_data(as_text=True), secrets)


def test_reporter_cannot_upload_another_organisations_offer(world) -> None:  # type: ignore[no-untyped-def]
    env, periods, _subs, secrets, headers = world
    foreign_offer = secrets["foreign"][3]
    resp = env.client.post(
        f"/api/v1/periods/{periods['midt']}/submissions/belaegning",
        headers=headers["reporter"],
        data=_csv(foreign_offer, 5),
        content_type="text/csv",
    )
    assert resp.status_code == 422
    assert [e["code"] for e in resp.json["errors"]] == ["fremmed_tilbud"]
    body = resp.get_data(as_text=True)
    for secret in (secrets["foreign"][0], secrets["foreign"][1], "Tilbud foreign"):
        assert secret not in body


@pytest.mark.parametrize("role", ROLES)
def test_template(read_world, role: str) -> None:  # type: ignore[no-untyped-def]
    env, periods, _subs, secrets, headers = read_world
    url = f"/api/v1/periods/{periods['midt']}/templates/belaegning?format=csv"
    own = env.client.get(url, headers=headers[role])
    for_aarhus = env.client.get(url + "&organisation=751", headers=headers[role])
    for_aalborg = env.client.get(url + "&organisation=851", headers=headers[role])
    nord = env.client.get(
        f"/api/v1/periods/{periods['nord']}/templates/belaegning", headers=headers[role]
    )
    if role in ("reporter", "org_admin"):
        assert own.status_code == 200 and "Tilbud own" in own.get_data(as_text=True)
        assert (for_aarhus.status_code, for_aalborg.status_code, nord.status_code) == (
            403,
            403,
            404,
        )
    elif role == "secretariat":
        assert own.status_code == 422
        assert for_aarhus.status_code == 200 and "Tilbud foreign" in for_aarhus.get_data(
            as_text=True
        )
        assert (for_aalborg.status_code, nord.status_code) == (404, 404)
    else:
        assert {r.status_code for r in (own, for_aarhus, for_aalborg, nord)} == {403}
    for resp in (own, for_aalborg, nord):
        _no_leak(resp.get_data(as_text=True), secrets)


SUBMIT_EXPECT = {("reporter", "own"): 409, ("org_admin", "own"): 409}  # already submitted


@pytest.mark.parametrize(("role", "which"), [(r, w) for r in ROLES for w in WHICH])
def test_submit(world, role: str, which: str) -> None:  # type: ignore[no-untyped-def]
    env, _periods, subs, secrets, headers = world
    resp = env.client.post(f"/api/v1/submissions/{subs[which]}/submit", headers=headers[role])
    expected = (
        403 if role not in ("reporter", "org_admin") else SUBMIT_EXPECT.get((role, which), 404)
    )
    assert resp.status_code == expected
    _no_leak(resp.get_data(as_text=True), secrets)


DECIDE_EXPECT = {
    ("secretariat", "own"): 200,
    ("secretariat", "foreign"): 200,
    ("secretariat", "other_agreement"): 404,
}


@pytest.mark.parametrize("step", ["approve", "reject"])
@pytest.mark.parametrize(("role", "which"), [(r, w) for r in ROLES for w in WHICH])
def test_decide(world, role: str, which: str, step: str) -> None:  # type: ignore[no-untyped-def]
    env, _periods, subs, secrets, headers = world
    resp = env.client.post(
        f"/api/v1/submissions/{subs[which]}/{step}",
        headers=headers[role],
        json={"kommentar": "Set."},
    )
    expected = DECIDE_EXPECT.get((role, which), 403)
    assert resp.status_code == expected
    if expected != 200:
        _no_leak(resp.get_data(as_text=True), secrets)
    # the other rammeaftale's submission is untouched whatever happened
    nord = make_token(env.database, org="sekretariat-nord", role="secretariat")
    assert (
        env.client.get(f"/api/v1/submissions/{subs['other_agreement']}", headers=nord).json[
            "status"
        ]
        == "submitted"
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/submissions"),
        ("get", "/api/v1/periods/1/templates/belaegning"),
        ("post", "/api/v1/periods/1/submissions/belaegning"),
    ],
)
def test_anonymous_gets_401(read_world, method: str, path: str) -> None:  # type: ignore[no-untyped-def]
    env = read_world[0]
    resp = getattr(env.client, method)(path)
    assert resp.status_code == 401
