"""Issue 20, item 6: publishing an edition from a checklist, with a confirmation step that
names the version and lists the changed cells; an unchanged edition is refused (409) on
page and API alike; the error pages say who can fix a problem and link there."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from backend.reports.models import ReportSnapshot
from tests.conftest import Env
from tests.web import support
from tests.web.conftest import DEMO, login

PUBLISH = "/api/v1/reports/ledelsesinformation/2017/publish"


def _page(resp: Any, *statuses: int) -> str:
    html = resp.get_data(as_text=True)
    assert resp.status_code in statuses, (resp.status_code, html[:1500])
    assert resp.mimetype == "text/html" and '<html lang="da">' in html
    return html


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _versions(env: Env) -> list[int]:
    with env.database.unit_of_work() as s:
        return list(s.scalars(sa.select(ReportSnapshot.version).order_by(ReportSnapshot.version)))


def _correct_an_approved_line(env: Env) -> None:
    """The approved regnskab lines corrected (as new approved versions would be): the
    draft's table A differs from the published version. Written as the database's
    superuser on PostgreSQL (no RLS in the way; the test stands in for the workflow)."""
    url = env.url
    if env.kind == "postgres":
        assert env.cluster is not None and env.db_name is not None
        url = env.cluster.superuser_url(env.db_name)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE submission_regnskab_line SET regnskab = regnskab * 2"))
    engine.dispose()


def test_the_checklist_names_the_missing_the_pl_index_and_the_next_version(
    full_env: Env,
) -> None:
    sek = login(full_env.app, *DEMO["sekretariat"])
    draft = _text(_page(sek.get("/ledelsesinformation/2017"), 200))
    assert "Klar til offentliggørelse?" in draft
    assert "PL-indeks" in draft
    assert "offentliggørelse giver version 1" in draft
    assert "Gå til offentliggørelse af 2017" in draft
    confirm = _text(_page(sek.get("/ledelsesinformation/2017/offentliggoerelse"), 200))
    assert "Bekræft: version 1" in confirm and "Offentliggør som version 1" in confirm
    assert "Det er den første version for 2017" in confirm
    # readers never see the checklist, nor may they open the confirmation
    viewer = login(full_env.app, *DEMO["dassos"])
    assert viewer.get("/ledelsesinformation/2017/offentliggoerelse").status_code == 403


def test_an_unchanged_edition_is_refused_on_the_api_and_the_page(full_env: Env) -> None:
    headers = support.publish(full_env)
    again = full_env.client.post(PUBLISH, headers=headers)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    assert again.json["code"] == "uaendret_udgave"
    assert "uændret siden version 1" in again.json["detail"]
    sek = login(full_env.app, *DEMO["sekretariat"])
    confirm = _text(_page(sek.get("/ledelsesinformation/2017/offentliggoerelse"), 200))
    assert "Intet nyt at offentliggøre" in confirm and "Offentliggør som version" not in confirm
    page = sek.post("/ledelsesinformation/2017/offentliggoer", {"version": "2"})
    assert page.status_code == 303
    shown = _text(_page(sek.get(page.headers["Location"]), 200))
    assert "uændret siden version 1" in shown
    assert _versions(full_env) == [1]


def test_a_changed_edition_lists_its_changed_cells_and_publishes_the_named_version(
    full_env: Env,
) -> None:
    support.publish(full_env)
    _correct_an_approved_line(full_env)
    sek = login(full_env.app, *DEMO["sekretariat"])
    draft = _text(_page(sek.get("/ledelsesinformation/2017"), 200))
    assert "Ændret siden version 1; offentliggørelse giver version 2" in draft
    html = _page(sek.get("/ledelsesinformation/2017/offentliggoerelse"), 200)
    confirm = _text(html)
    assert "Bekræft: version 2" in confirm
    found = re.search(r"(\d+) celler? ændret siden version 1", confirm)
    assert found and int(found.group(1)) > 0, confirm[:3000]
    assert "Tabel A" in confirm and "Version 1" in confirm and "Version 2" in confirm
    # a stale confirmation (someone published meanwhile) is refused, nothing written
    stale = sek.post("/ledelsesinformation/2017/offentliggoer", {"version": "3"})
    assert stale.status_code == 303 and _versions(full_env) == [1]
    assert "Siden var forældet" in _text(_page(sek.get(stale.headers["Location"]), 200))
    done = sek.post("/ledelsesinformation/2017/offentliggoer", {"version": "2"})
    assert done.status_code == 303 and done.headers["Location"].endswith("version=2")
    assert "offentliggjort som version 2" in _text(_page(sek.get(done.headers["Location"]), 200))
    assert _versions(full_env) == [1, 2]


def test_error_pages_say_who_can_fix_and_link_there(full_env: Env) -> None:
    sek = login(full_env.app, *DEMO["sekretariat"])
    # 2015 has no approved data: the secretariat approves, from the board
    html = _page(sek.get("/ledelsesinformation/2015"), 404)
    assert "Hvem kan rette det" in html and 'href="/sekretariat"' in html
    # a reader of an unpublished year is told who publishes, without a link
    viewer = login(full_env.app, *DEMO["dassos"])
    text = _text(_page(viewer.get("/ledelsesinformation/2017"), 404))
    assert "Sekretariatet offentliggør ledelsesinformationen" in text
