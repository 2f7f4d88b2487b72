"""Route × role for the model runs: who may run, publish, read drafts and read published
runs; a secretariat of another rammeaftale sees nothing of Midtjylland's runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.organisations.service import sync_tenants
from tests.conftest import Env, copied_world
from tests.factories import make_token

from .support import EXPLAINING_RUN, URL, upload_extra_indicators

ROLES = ("reporter", "org_admin", "secretariat", "viewer", "admin")
HOME_OF = {
    "reporter": "657",
    "org_admin": "657",
    "secretariat": "sekretariat-midt",
    "viewer": "791",
    "admin": "sekretariat-midt",
}
NORD = Path(__file__).resolve().parents[2] / "data" / "tenants_nord"
FAST = {**EXPLAINING_RUN, "n_bootstrap": 20}  # a run that may be published


def _world(full_env: Env):  # type: ignore[no-untyped-def]
    with full_env.database.unit_of_work() as session:
        sync_tenants(session, NORD)
    upload_extra_indicators(full_env.database)
    headers = {role: make_token(full_env.database, org=HOME_OF[role], role=role) for role in ROLES}
    headers["nord"] = make_token(full_env.database, org="sekretariat-nord", role="secretariat")
    s = headers["secretariat"]
    draft = full_env.client.post(URL, headers=s, json=FAST).json["id"]
    published = full_env.client.post(URL, headers=s, json=FAST).json["id"]
    assert full_env.client.post(f"{URL}/{published}/publish", headers=s).status_code == 200
    return full_env, headers, {"draft": draft, "published": published}


@pytest.fixture(scope="module")
def module_world(module_full_env: Env):  # type: ignore[no-untyped-def]
    return _world(module_full_env)


@pytest.fixture
def world(module_world, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The module's world (built once per backend), copied for each test: they write."""
    yield from copied_world(module_world, tmp_path)


EXPECT = {  # role -> (run, publish a draft, read draft, read published, municipality of
    # published, withdraw the published run)
    "reporter": (403, 403, 404, 200, 200, 403),
    "org_admin": (403, 403, 404, 200, 200, 403),
    "secretariat": (201, 200, 200, 200, 200, 200),
    "viewer": (403, 403, 404, 200, 200, 403),
    "admin": (403, 403, 403, 403, 403, 403),
    "nord": (422, 404, 404, 404, 404, 404),  # no approved data of its own; Midtjylland's: 404
}


@pytest.mark.parametrize("role", sorted(EXPECT))
def test_route_by_role(world, role: str) -> None:  # type: ignore[no-untyped-def]
    env, headers, runs = world
    h = headers[role]
    run, publish, read_draft, read_published, municipality, withdraw = EXPECT[role]
    resp = env.client.post(URL, headers=h, json=FAST)
    assert resp.status_code == run
    if role == "nord":
        assert "Herning" not in resp.get_data(as_text=True)
    assert env.client.post(f"{URL}/{runs['draft']}/publish", headers=h).status_code == publish
    assert env.client.get(f"{URL}/{runs['draft']}", headers=h).status_code == read_draft
    assert (
        env.client.get(f"{URL}/{runs['draft']}/kommuner/657", headers=h).status_code == read_draft
    )
    assert env.client.get(f"{URL}/{runs['published']}", headers=h).status_code == read_published
    assert (
        env.client.get(f"{URL}/{runs['published']}/kommuner/657", headers=h).status_code
        == municipality
    )
    listed = env.client.get(URL, headers=h)
    if role == "admin":
        assert listed.status_code == 403
    else:
        seen = {r["id"] for r in listed.json} & set(runs.values())
        expected = {"secretariat": {runs["draft"], runs["published"]}, "nord": set()}
        assert seen == expected.get(role, {runs["published"]})
    assert env.client.get(f"{URL}/indikatorer", headers=h).status_code == 200
    resp = env.client.post(f"{URL}/{runs['published']}/withdraw", headers=h)
    assert resp.status_code == withdraw


def test_unauthenticated_is_401(world) -> None:  # type: ignore[no-untyped-def]
    env, _headers, runs = world
    assert env.client.get(URL).status_code == 401
    assert env.client.post(URL, json=FAST).status_code == 401
    assert env.client.get(f"{URL}/{runs['published']}").status_code == 401
    assert env.client.post(f"{URL}/{runs['published']}/withdraw").status_code == 401
