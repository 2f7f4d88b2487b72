"""Journey 3 in Chromium against a served app (marker ``browser``): a DASSOS member
(viewer, Viborg) logs in, reads the published comparison with Viborg highlighted and
Viborg's profile page, and is refused the draft ledelsesinformation, the raw
submissions (pages and downloads) and the secretariat's pages. axe runs on every page
visited (0 serious/critical). And: with RAMMETAL_SCREENSHOTS set, a visit writes a
full-page PNG at 1280 and 390 px.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.backend.udgiftsbehov.support import EXPLAINING_RUN, upload_extra_indicators
from tests.factories import make_period, make_token
from tests.web.conftest import SCREENSHOTS_ENV, Served, Ui, screenshot_dir

pytestmark = pytest.mark.browser

SECRETARIAT = "sekretariat-midt"


@pytest.fixture(scope="module")
def published(served: Served) -> dict[str, int]:
    """2017 published; a published and a draft model run; 2016 only a draft; an open 2018
    period. Set up through the API and the services, as the secretariat."""
    client = served.app.test_client()
    headers = make_token(served.database, org=SECRETARIAT, role="secretariat")
    resp = client.post("/api/v1/reports/ledelsesinformation/2017/publish", headers=headers)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    upload_extra_indicators(served.database)
    runs = []
    for _ in range(2):
        resp = client.post(
            "/api/v1/udgiftsbehov", json={**EXPLAINING_RUN, "n_bootstrap": 20}, headers=headers
        )
        assert resp.status_code == 201, resp.get_data(as_text=True)
        runs.append(resp.get_json()["id"])
    run, draft_run = runs
    resp = client.post(f"/api/v1/udgiftsbehov/{run}/publish", headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    period = make_period(served.database, stream="regnskab", aar=2018)
    return {"run": run, "draft_run": draft_run, "period": period}


def _status(ui: Ui, path: str) -> int:
    """The status of a GET in the browser's session; a page is also checked with axe."""
    response = ui.visit(path)
    return response.status


def test_dassos_member_reads_published_figures_and_nothing_else(
    ui: Ui, published: dict[str, int]
) -> None:
    page = ui.page
    ui.login("dassos")
    # the start page of a DASSOS member is the comparison, with Viborg highlighted
    assert page.url.endswith("/sammenligning")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Sammenligning")
    ui.visit("/sammenligning?noegletal=pladser_pr_10000&aar=2017")
    figure = page.locator("figure.rt-figure").first
    own_bar = figure.locator('[aria-label^="Viborg (egen): "]')
    assert own_bar.count() == 1
    assert re.search(r"\d+ af \d+ kommuner har", figure.locator("figcaption").inner_text())
    own_row = page.locator("#tabel tr.rt-own")
    assert own_row.count() == 1 and own_row.inner_text().startswith("Viborg (egen)")
    assert page.get_by_text("En placering er ikke en bedømmelse", exact=True).is_visible()
    # one click from the figure to its definition
    figure.get_by_role("link", name=re.compile("Definition af")).click()
    ui.seen()
    assert page.url.endswith("/definitioner#pladser_pr_10000")
    ui.visit("/sammenligning?noegletal=pladser_pr_10000&aar=2017")
    # on a 390 px phone: the page does not scroll sideways; the chart keeps a readable
    # size in its own sideways-scrolling box, and the table's caption stays in view
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert figure.locator("svg").bounding_box()["width"] >= 540
    caption = page.locator("#tabel caption").bounding_box()
    assert caption["x"] >= 0 and caption["x"] + caption["width"] <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    # the published table as CSV, with Danish numbers
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("CSV")).first.click()
    csv = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    assert "Viborg" in csv and re.search(r";\d+,\d", csv)

    # the profile page: nøgletal against peers, region and agreement; the published run only
    ui.visit("/kommune/791")
    assert page.get_by_role("heading", level=1).inner_text() == "Kommuneprofil: Viborg"
    assert page.get_by_role("heading", name="Peer-gruppe").is_visible()
    key_figures = page.get_by_role("table", name=re.compile("Nøgletal 2017 for Viborg"))
    head = key_figures.locator("thead").inner_text()
    for column in ("Peer-gruppen", "Regionens kommuner", "Hele aftalen"):
        assert column in head
    assert page.get_by_role("figure").filter(has_text="udvikling").count() >= 1
    body = page.locator("main").inner_text()
    assert f"Modelkørsel {published['run']}," in body
    assert f"Modelkørsel {published['draft_run']}," not in body
    assert page.get_by_text("Forbehold").first.is_visible()

    # the draft ledelsesinformation and raw submissions: refused, pages and downloads
    refused = {
        "/ledelsesinformation/2016": 404,  # only a draft exists
        f"/indberetning/{published['period']}": 403,
        "/indberetning": 403,
        "/sekretariat": 403,
        "/sekretariat/modelkoersler": 403,
        f"/kommune/791/udgiftsbehov-{published['draft_run']}.csv": 404,
    }
    for path, status in refused.items():
        assert _status(ui, path) == status, path
        assert page.get_by_role("heading", level=1).inner_text() in (
            "Siden findes ikke",
            "Ingen adgang",
        ), path
    downloads = {
        "/ledelsesinformation/2016.xlsx": 404,
        "/ledelsesinformation/2016.csv": 404,
        f"/indberetning/{published['period']}/skabelon.csv": 403,
        f"/indberetning/{published['period']}/skabelon.xlsx": 403,
    }
    for path, status in downloads.items():
        resp = page.request.get(ui.url(path))
        assert resp.status == status, path
        assert resp.headers["cache-control"] == "no-store", path
    # the API does not take the browser's session: raw submissions need a token (401)
    resp = page.request.get(ui.url("/api/v1/submissions"))
    assert resp.status == 401
    # the published edition is readable, and says so
    ui.visit("/ledelsesinformation/2017")
    assert page.get_by_text(re.compile("Offentliggjort version 1")).is_visible()
    assert "Kladde" not in page.locator("main").inner_text()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_screenshots_of_a_visit_at_1280_and_390_px(
    ui: Ui, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCREENSHOTS_ENV, str(tmp_path / "skærmbilleder"))
    ui.shots = screenshot_dir()
    ui.visit("/log-ind")
    shots = sorted((tmp_path / "skærmbilleder").glob("*.png"))
    assert [p.name for p in shots] == [
        f"screenshots_of_a_visit_at_1280_and_390_px-01-log-ind-{w}.png" for w in (1280, 390)
    ]
    widths = {p.name.rsplit("-", 1)[1]: _png_size(p) for p in shots}
    assert widths["1280.png"][0] == 1280 and widths["390.png"][0] == 390
    # full page: at least the viewport's height, and the narrow page is not cut off
    assert widths["390.png"][1] >= 900
    # the page is laid out for 390 px: nothing wider than the viewport
    ui.page.set_viewport_size({"width": 390, "height": 900})
    assert ui.page.evaluate("document.documentElement.scrollWidth") <= 390
