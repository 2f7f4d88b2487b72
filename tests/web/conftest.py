"""Fixtures of the web pages.

Fast tests: ``web_env`` (an app on a copy of the demo database with the approved 2016-2017
accounts and occupancy) and ``login_as`` (a test client logged in through the real
/log-ind form, CSRF token included).

Browser tests (marker ``browser``): ``served`` (the app on a free port in a thread, on its
own copy of the demo database; one per module) and ``ui`` (a Playwright page of one
Chromium per session, with ``visit`` taking screenshots and running axe). Chromium is
Debian's ``/usr/bin/chromium``; without it the browser tests are skipped, except when
CI=true, where they fail (as PostgreSQL is required in CI).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from backend.app import create_app
from backend.config import Settings
from backend.db.session import Database
from backend.demo.service import DEMO_USERS
from tests.conftest import IN_CI, Env, _env_for, _make_env, _sqlite_env, shared_file
from tests.factories import make_user

CHROMIUM = Path(os.environ.get("RAMMETAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Set to a folder: every page a browser test visits is written there as full-page PNGs.
SCREENSHOTS_ENV = "RAMMETAL_SCREENSHOTS"
SCREENSHOT_WIDTHS = (1280, 390)
#: Demo logins by short name: (e-mail, password).
DEMO = {u.email.split("@")[0]: (u.email, u.password) for u in DEMO_USERS}
TEST_PASSWORD = "test-adgangskode-1"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str | None:
    match = _CSRF.search(html)
    return match.group(1) if match else None


class WebClient:
    """A Flask test client that keeps the latest CSRF token of the pages it fetched and
    sends it with every form POST (``csrf=False`` to leave it out)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.token: str | None = None

    def _remember(self, response: Any) -> Any:
        if response.mimetype == "text/html":
            token = csrf_from(response.get_data(as_text=True))
            if token:
                self.token = token
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._remember(self.client.get(path, **kwargs))

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> Any:
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.token or self._fresh_token()
        return self._remember(self.client.post(path, data=data, **kwargs))

    def _fresh_token(self) -> str:
        for path in ("/tilgaengelighed", "/log-ind"):
            token = csrf_from(self.client.get(path).get_data(as_text=True))
            if token:
                return token
        raise AssertionError("no page with a CSRF token")

    def login(self, email: str, password: str) -> Any:
        page = self.get("/log-ind")
        assert page.status_code == 200, page.status_code
        response = self.post("/log-ind", {"email": email, "password": password})
        if response.status_code == 303:
            self.token = None  # the new session has a new CSRF token
        return response


def login(app: Any, email: str, password: str) -> WebClient:
    """A new browser-like client of ``app``, logged in through the /log-ind form."""
    web = WebClient(app.test_client())
    response = web.login(email, password)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return web


@pytest.fixture
def web_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    """The app on a copy of the demo database (SQLite) with the approved 2016-2017 data."""
    e = _make_env("sqlite", request, tmp_path, full=True)
    yield e
    e.database.dispose()


@pytest.fixture(scope="session")
def sqlite_template_published(
    sqlite_template_full: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The full demo template with the 2017 ledelsesinformation published (version 1)."""
    from tests.web import support

    def build(path: Path) -> None:
        shutil.copy(sqlite_template_full, path)
        e = _env_for("sqlite", f"sqlite:///{path}", f"sqlite:///{path}")
        support.publish(e)
        e.database.dispose()

    return shared_file(tmp_path_factory, "template_published.sqlite3", build)


@pytest.fixture
def published_web_env(sqlite_template_published: Path, tmp_path: Path) -> Iterator[Env]:
    """Like ``web_env``, with the 2017 ledelsesinformation published (a copy per test)."""
    e = _sqlite_env(sqlite_template_published, tmp_path)
    yield e
    e.release()


@pytest.fixture
def login_as(web_env: Env):  # type: ignore[no-untyped-def]
    """``login_as("herning")`` (a demo login) or ``login_as(role="viewer", org="751")``
    (a new user with a password) → a logged-in WebClient."""

    def _login(demo: str | None = None, *, role: str | None = None, org: str | None = None):  # type: ignore[no-untyped-def]
        if demo is not None:
            email, password = DEMO[demo]
        else:
            assert role and org, "a demo name, or role and org"
            email = make_user(web_env.database, org=org, role=role, password=TEST_PASSWORD)
            password = TEST_PASSWORD
        return login(web_env.app, email, password)

    return _login


# --- served app and browser -------------------------------------------------------------


@dataclass
class Served:
    base_url: str
    database: Database
    app: Any


@pytest.fixture(scope="module")
def served(
    sqlite_template_full: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The app served by werkzeug on a free port, on its own copy of the demo database
    (migrated with ``rammetal db upgrade``'s code, tenants synced, demo loaded)."""
    path = tmp_path_factory.mktemp("served") / "rammetal.sqlite3"
    shutil.copy(sqlite_template_full, path)
    url = f"sqlite:///{path}"
    database = Database(url)
    app = create_app(Settings(database_url=url, testing=True), database)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}", database, app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        database.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"Chromium is required when CI=true but {CHROMIUM} is missing")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (required in CI)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def axe_check(page: Any) -> None:
    """axe-core on the current page: no violation of impact serious or critical."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5])
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, f"axe on {page.url}: {bad}"


@dataclass
class Ui:
    """One browser page against the served app. ``visit(path)`` navigates; ``seen()``
    checks the current page (axe) and, with RAMMETAL_SCREENSHOTS=<dir>, writes full-page
    PNGs at 1280 and 390 px wide."""

    page: Any
    base_url: str
    test_name: str
    shots: Path | None = None
    count: int = 0
    visited: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def visit(self, path: str) -> Any:
        response = self.page.goto(self.url(path))
        self.seen()
        return response

    def seen(self, name: str | None = None) -> None:
        self.page.wait_for_load_state("load")
        path = self.page.url.removeprefix(self.base_url) or "/"
        self.visited.append(path)
        axe_check(self.page)
        if self.shots is None:
            return
        self.count += 1
        slug = name or re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "forside"
        stem = f"{self.test_name}-{self.count:02d}-{slug}"
        for width in SCREENSHOT_WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(path=str(self.shots / f"{stem}-{width}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 900})

    def login(self, demo: str) -> None:
        email, password = DEMO[demo]
        self.visit("/log-ind")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Adgangskode").fill(password)
        self.page.get_by_role("button", name="Log ind").click()
        self.seen()

    def logout(self) -> None:
        self.page.get_by_role("button", name="Log ud").click()
        self.seen()


def screenshot_dir() -> Path | None:
    """The folder of RAMMETAL_SCREENSHOTS (created), or None when it is not set."""
    folder = os.environ.get(SCREENSHOTS_ENV)
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def ui(chromium: Any, served: Served, request: pytest.FixtureRequest) -> Iterator[Ui]:
    shots = screenshot_dir()
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, locale="da-DK", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield Ui(page, served.base_url, request.node.name.replace("test_", ""), shots)
    finally:
        context.close()
