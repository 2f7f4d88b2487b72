"""/sammenligning before and after publishing: drafts never show (moved from
test_sammenligning.py, whose tests all start from a published 2017)."""

from __future__ import annotations

from tests.conftest import Env
from tests.web import support
from tests.web.test_sammenligning import _page


def test_drafts_never_show(web_env: Env, login_as) -> None:  # type: ignore[no-untyped-def]
    from tests.backend.udgiftsbehov.support import upload_pl_index
    from tests.factories import make_token

    upload_pl_index(web_env.database)
    secretariat = make_token(web_env.database, org="sekretariat-midt", role="secretariat")
    # the drafts of 2016 and 2017 exist for the secretariat …
    for year in (2016, 2017):
        draft = web_env.client.get(f"/api/v1/noegletal?aar={year}", headers=secretariat)
        assert draft.status_code == 200 and draft.get_json()["noegletal"]
    viewer = login_as(role="viewer", org="657")
    html = _page(viewer, "/sammenligning")
    assert "endnu ikke offentliggjort" in html and "<svg" not in html
    # … only 2017 is published: 2016 stays a draft and is absent for every role
    support.publish(web_env, 2017)
    html = _page(viewer, "/sammenligning")
    assert '<option value="2017"' in html and '<option value="2016"' not in html
    for client in (viewer, login_as(role="secretariat", org="sekretariat-midt")):
        resp = client.get("/sammenligning?aar=2016")
        assert resp.status_code == 404
        assert "Der er ikke offentliggjort nøgletal for 2016" in resp.get_data(as_text=True)
        assert client.get("/sammenligning/tabel.csv?aar=2016").status_code == 404
