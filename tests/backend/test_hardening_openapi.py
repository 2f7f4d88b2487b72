"""api_docs/openapi.json tells the truth (issue 13, item 16): valid OpenAPI, every error
problem+json with its real statuses, real content types, Decimals as the strings they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openapi_spec_validator import validate

from tests.conftest import Env
from tests.factories import make_offer, make_token

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "api_docs" / "openapi.json").read_text("utf-8")
)
METHODS = ("get", "post", "patch", "put", "delete")


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, item[method])
        for path, item in SPEC["paths"].items()
        for method in METHODS
        if method in item
    ]


def test_the_document_is_valid_openapi() -> None:
    validate(SPEC)


def test_every_error_is_documented_as_problem_json() -> None:
    assert "Error" not in SPEC["components"]["schemas"]
    assert set(SPEC["components"]["schemas"]["Problem"]["required"]) >= {"type", "code", "detail"}
    for path, method, op in _operations():
        statuses = set(op["responses"])
        assert {"401", "503", "default"} <= statuses, (path, method)
        for status, response in op["responses"].items():
            if status == "default" or status[0] in "45":
                assert list(response["content"]) == ["application/problem+json"], (path, status)
        if "requestBody" in op:
            assert {"413", "422"} <= statuses, (path, method)
        if list(op.get("requestBody", {}).get("content", {})) == ["application/json"]:
            assert {"400", "415"} <= statuses, (path, method)
        if "{" in path:
            assert "404" in statuses, (path, method)
    login = SPEC["paths"]["/api/v1/auth/tokens"]["post"]["responses"]
    assert {"400", "401", "415", "422", "429"} <= set(login) and "403" not in login
    patch = SPEC["paths"]["/api/v1/offers/{offer_id}"]["patch"]["responses"]
    assert {"400", "404", "412", "415", "422", "428"} <= set(patch)


def test_no_bound_is_a_string_and_decimals_are_strings() -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("minimum", "maximum"):
                assert not isinstance(node.get(key), str), node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SPEC)
    normering = SPEC["components"]["schemas"]["OfferYear"]["properties"]["normering"]
    assert normering["type"] == "string" and normering["format"] == "decimal"


def test_normering_is_sent_as_the_documented_string(sqlite_env: Env) -> None:
    headers = make_token(sqlite_env.database, org="657", role="reporter")
    offer = make_offer(sqlite_env.database, org="657")
    body = sqlite_env.client.get(f"/api/v1/offers/{offer}", headers=headers).json
    assert body["historik"][0]["normering"] == "10.00"


def test_content_types_of_reports_templates_and_uploads() -> None:
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    report = SPEC["paths"]["/api/v1/reports/ledelsesinformation/{year}"]["get"]
    octets = "application/octet-stream"  # first: a generated client reads any file as bytes
    assert list(report["responses"]["200"]["content"]) == [
        octets,
        "application/json",
        xlsx,
        "text/csv",
    ]
    template = SPEC["paths"]["/api/v1/periods/{period_id}/templates/{stream}"]["get"]
    assert list(template["responses"]["200"]["content"]) == [octets, xlsx, "text/csv"]
    for path in (
        "/api/v1/periods/{period_id}/submissions/{stream}",
        "/api/v1/reference/pl-index",
        "/api/v1/reference/population",
        "/api/v1/reference/indicators",
    ):
        body = SPEC["paths"][path]["post"]["requestBody"]
        assert body["required"] is True
        assert "fil" in body["content"]["multipart/form-data"]["schema"]["required"], path
        assert set(body["content"]) <= {"multipart/form-data", octets}, path  # no JSON beside


def test_the_served_document_is_the_checked_in_one(sqlite_env: Env) -> None:
    served = sqlite_env.client.get("/api/openapi.json").json
    assert served["components"]["schemas"]["Problem"] == SPEC["components"]["schemas"]["Problem"]
    assert served["paths"].keys() == SPEC["paths"].keys()
