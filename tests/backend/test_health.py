"""Liveness and readiness."""

from __future__ import annotations

from pathlib import Path

from backend.app import create_app
from backend.config import Settings
from tests.conftest import Env


def test_ready_when_migrated(env: Env) -> None:
    assert env.client.get("/healthz").json == {"status": "ok"}
    resp = env.client.get("/readyz")
    assert resp.status_code == 200 and resp.json["status"] == "ok"


def test_not_ready_before_migration(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'tom.sqlite3'}"))
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503 and resp.json["code"] == "database_ikke_migreret"
    assert app.test_client().get("/healthz").status_code == 200


def test_not_ready_without_database() -> None:
    app = create_app(Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"))
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503 and resp.json["code"] == "database_utilgaengelig"


def test_docs_page_works_offline(sqlite_env: Env) -> None:
    page = sqlite_env.client.get("/api/docs").get_data(as_text=True)
    assert "https://" not in page.split("<body>")[1].split("url:")[0]  # no CDN assets
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/api/docs/assets/{asset}" in page
        resp = sqlite_env.client.get(f"/api/docs/assets/{asset}")
        assert resp.status_code == 200 and len(resp.data) > 10_000
        resp.close()
    assert sqlite_env.client.get("/api/openapi.json").json["info"]["title"] == "Rammetal"
