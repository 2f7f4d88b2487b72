"""The comparison page against the JSON nøgletal endpoint, same data, same run.

Run from the repository root:  .venv/bin/python perf/bench_pages.py [--reps 200]

Case: a fresh SQLite database in a temporary directory (migrated, tenants synced, the demo
users, offers, reference data and the approved 2016-2017 accounts and occupancy, as
``rammetal demo load``), the ledelsesinformation of 2017 published through the API. A
DASSOS member of Herning (viewer, 657), logged in through the /log-ind form, requests
``GET /sammenligning?noegletal=pladser_pr_10000&aar=2017`` (the full HTML page: chart
SVG, sentence, averages, table, navigation); the same viewer's bearer token requests
``GET /api/v1/noegletal?aar=2017&noegletal=pladser_pr_10000`` (the same published figures
as JSON). Both through the Flask test client in this process (no network), interleaved
page/JSON, median of ``reps`` each after a warm-up of 5 each. Also reported: the first
page request after start (nothing cached: the chart rendered with vl-convert).

Target: median page / JSON ≤ 1,5. The page caches the rendered result per published
snapshot (id, version, inputs hash) and choice (backend.web.sammenligning.service.RenderCache).
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend import migrate  # noqa: E402
from backend.app import create_app  # noqa: E402
from backend.config import Settings  # noqa: E402
from backend.db.session import Database  # noqa: E402
from backend.demo import service as demo  # noqa: E402
from backend.demo import streams as demo_streams  # noqa: E402
from backend.organisations.service import sync_tenants  # noqa: E402
from tests.factories import make_token, make_user  # noqa: E402

PAGE = "/sammenligning?noegletal=pladser_pr_10000&aar=2017"
JSON = "/api/v1/noegletal?aar=2017&noegletal=pladser_pr_10000"
TARGET = 1.5
PASSWORD = "bench-adgangskode-1"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _setup(folder: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{folder / 'rammetal.sqlite3'}"
    migrate.upgrade(url)
    database = Database(url)
    with database.unit_of_work() as session:
        sync_tenants(session)
        demo.load_users(session)
        demo.load_offers(session)
        demo.load_reference(session)
        demo_streams.load_accounts(session)
        demo_streams.load_occupancy(session)
    app = create_app(Settings(database_url=url, testing=True), database)
    secretariat = make_token(database, org="sekretariat-midt", role="secretariat")
    client = app.test_client()
    resp = client.post("/api/v1/reports/ledelsesinformation/2017/publish", headers=secretariat)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return app, database


def _browser(app, database):  # type: ignore[no-untyped-def]
    email = make_user(database, org="657", role="viewer", password=PASSWORD)
    browser = app.test_client()
    token = _CSRF.search(browser.get("/log-ind").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    resp = browser.post(
        "/log-ind", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert resp.status_code == 303, resp.status_code
    return browser


def _time(call) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    resp = call()
    elapsed = time.perf_counter() - start
    assert resp.status_code == 200, resp.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, database = _setup(Path(tmp))
        browser = _browser(app, database)
        api = app.test_client()
        headers = make_token(database, org="657", role="viewer")

        def page():  # type: ignore[no-untyped-def]
            return browser.get(PAGE)

        def json_():  # type: ignore[no-untyped-def]
            return api.get(JSON, headers=headers)

        cold = _time(page)
        page_bytes, json_bytes = len(page().data), len(json_().data)
        for _ in range(5):
            _time(page), _time(json_)
        pages, jsons = [], []
        for _ in range(args.reps):
            pages.append(_time(page))
            jsons.append(_time(json_))
        database.dispose()
    p, j = statistics.median(pages), statistics.median(jsons)
    ratio = p / j
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(f"first page (nothing cached): {cold * 1000:.1f} ms")
    print(f"page  median {p * 1000:.2f} ms ({page_bytes} bytes)")
    print(f"JSON  median {j * 1000:.2f} ms ({json_bytes} bytes)")
    print(f"page / JSON: {ratio:.2f} (target <= {TARGET})")
    sys.exit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
