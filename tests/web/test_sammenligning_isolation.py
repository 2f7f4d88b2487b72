"""Every comparison and profile page and download × role × organisation × rammeaftale.

Midtjylland has published 2017 and has a published and a draft model run. Readers of
Midtjylland (reporter, org_admin, secretariat, viewer) get the pages; the platform admin
gets 403 (as in the API); an anonymous visitor is sent to /log-ind. Users of another
rammeaftale (Nordjylland) see none of Midtjylland's figures: their comparison has nothing
published, Midtjylland's municipalities are 404 to them, and theirs are 404 to Midtjylland.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.organisations.service import sync_tenants
from tests.backend.udgiftsbehov.support import EXPLAINING_RUN, upload_extra_indicators
from tests.conftest import Env
from tests.web import support

NORD = Path(__file__).resolve().parents[1] / "data" / "tenants_nord"
HOME_OF = {
    "reporter": "657",
    "org_admin": "657",
    "secretariat": "sekretariat-midt",
    "viewer": "791",
    "admin": "sekretariat-midt",
}
PAGES = (
    "/sammenligning",
    "/sammenligning?noegletal=regnskab_pr_indbygger&aar=2017",
    "/sammenligning/tabel.xlsx",
    "/sammenligning/tabel.csv?noegletal=belaegningsprocent",
    "/definitioner",
    "/kommune/657",
    "/kommune/751?noegletal=belaegningsprocent",
    "/kommune/657/noegletal.xlsx",
    "/kommune/657/noegletal.csv",
    "/kommune/751/udvikling.csv",
    "/kommune/657/udgiftsbehov-{published}.csv",
)
# Names that only Midtjylland's published figures contain.
MIDT_NAMES = ("Holstebro", "Norddjurs", "Skanderborg")


@pytest.fixture
def world(web_env: Env):  # type: ignore[no-untyped-def]
    with web_env.database.unit_of_work() as session:
        sync_tenants(session, NORD)
    secretariat = support.publish(web_env)
    upload_extra_indicators(web_env.database)  # a model that explains something may be published
    runs = []
    for _ in range(2):
        resp = web_env.client.post(
            "/api/v1/udgiftsbehov", json={**EXPLAINING_RUN, "n_bootstrap": 20}, headers=secretariat
        )
        assert resp.status_code == 201
        runs.append(resp.get_json()["id"])
    published, draft = runs
    assert (
        web_env.client.post(
            f"/api/v1/udgiftsbehov/{published}/publish", headers=secretariat
        ).status_code
        == 200
    )
    return web_env, published, draft


def _paths(published: int) -> list[str]:
    return [p.format(published=published) for p in PAGES]


@pytest.mark.parametrize("role", sorted(HOME_OF))
def test_every_page_and_download_by_role(world, login_as, role: str) -> None:  # type: ignore[no-untyped-def]
    env, published, draft = world
    client = login_as(role=role, org=HOME_OF[role])
    for path in _paths(published):
        resp = client.get(path)
        assert resp.status_code == (403 if role == "admin" else 200), (role, path)
        assert resp.headers["Cache-Control"] == "no-store", path
    if role == "admin":
        return
    # the draft model run is nowhere, not even for the secretariat on these pages
    profile = client.get("/kommune/657").get_data(as_text=True)
    assert f"Modelkørsel {published}," in profile
    assert f"Modelkørsel {draft}," not in profile
    assert client.get(f"/kommune/657/udgiftsbehov-{draft}.csv").status_code == 404
    # another agreement's municipality is unknown
    for path in ("/kommune/851", "/kommune/851/noegletal.csv"):
        assert client.get(path).status_code == 404


def test_anonymous_is_sent_to_login(world) -> None:  # type: ignore[no-untyped-def]
    env, published, _draft = world
    client = env.app.test_client()
    for path in _paths(published):
        resp = client.get(path)
        assert resp.status_code in (302, 303), path
        assert resp.headers["Location"].startswith("/log-ind"), path


@pytest.mark.parametrize(("role", "org"), [("viewer", "851"), ("secretariat", "sekretariat-nord")])
def test_another_rammeaftale_sees_nothing(world, login_as, role: str, org: str) -> None:  # type: ignore[no-untyped-def]
    env, published, draft = world
    client = login_as(role=role, org=org)
    html = client.get("/sammenligning").get_data(as_text=True)
    assert "endnu ikke offentliggjort" in html and "<svg" not in html
    assert not any(name in html for name in MIDT_NAMES)
    for path in (
        "/sammenligning?aar=2017",
        "/sammenligning/tabel.csv?aar=2017",
        "/sammenligning/tabel.xlsx",
        "/kommune/657",
        "/kommune/751/noegletal.csv",
        f"/kommune/657/udgiftsbehov-{published}.csv",
        f"/kommune/657/udgiftsbehov-{draft}.csv",
    ):
        resp = client.get(path)
        assert resp.status_code == 404, path
        body = resp.get_data(as_text=True)
        assert not any(name in body for name in MIDT_NAMES), path
    own = client.get("/kommune/851")
    if org == "851":
        assert own.status_code == 200
        body = own.get_data(as_text=True)
        assert "endnu ikke offentliggjort" in body
        assert f"Modelkørsel {published}," not in body
        assert not any(name in body for name in MIDT_NAMES)
