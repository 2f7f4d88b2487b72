"""The checked-in OpenAPI document is the one the code generates."""

from __future__ import annotations

from pathlib import Path

from backend.cli import render_openapi

OPENAPI_PATH = Path(__file__).resolve().parents[2] / "api_docs" / "openapi.json"


def test_openapi_document_has_not_drifted() -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == render_openapi() + "\n", (
        "api_docs/openapi.json is stale: run 'rammetal openapi' and commit the result"
    )


def test_openapi_documents_every_api_route() -> None:
    import json

    spec = json.loads(render_openapi())
    assert {
        "/api/v1/offers",
        "/api/v1/offers/{offer_id}",
        "/api/v1/auth/tokens",
        "/api/v1/me",
    } <= set(spec["paths"])
    patch = spec["paths"]["/api/v1/offers/{offer_id}"]["patch"]
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
    assert {"412", "428"} <= set(patch["responses"])
