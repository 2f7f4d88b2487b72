"""Property-based API test over the OpenAPI document (issue 13, standing checks).

For every operation, as the secretariat and as a reporter, Hypothesis generates requests
from the checked-in document (path and query parameters, JSON and multipart bodies, with
arbitrary text: control characters, huge numbers, odd dates) and asserts: never a 5xx;
the status is one the operation documents; every error is problem+json of the documented
``Problem`` schema; a JSON success conforms to its documented schema. The example count
is small and fixed (derandomized) so the run stays within a few seconds.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import Env
from tests.factories import make_offer, make_period, make_token

pytestmark = pytest.mark.slow

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "api_docs" / "openapi.json").read_text("utf-8")
)
METHODS = ("get", "post", "patch", "put", "delete")
EXAMPLES = 3
STREAMS = ["regnskab", "belaegning", "takster", "tilbud"]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _strategy(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    schema = _resolve(schema)
    if "enum" in schema:
        base: st.SearchStrategy[Any] = st.sampled_from(schema["enum"])
    else:
        kind = schema.get("type")
        if kind == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            base = st.one_of(
                st.integers(min_value=low, max_value=high),
                st.integers(min_value=-(2**70), max_value=2**70),
            )
        elif kind == "number":
            base = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers())
        elif kind == "boolean":
            base = st.booleans()
        elif kind == "array" and depth < 3:
            base = st.lists(_strategy(schema.get("items", {}), depth + 1), max_size=3)
        elif kind == "object" and depth < 3:
            base = _object(schema, depth)
        elif schema.get("format") == "date":
            base = st.one_of(st.dates().map(str), st.text(max_size=12))
        elif schema.get("format") == "decimal":
            base = st.one_of(
                st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
                st.text(max_size=8),
            )
        elif schema.get("format") == "email":
            base = st.one_of(st.emails(), st.text(max_size=300))
        else:
            base = st.text(max_size=40)
    if schema.get("nullable"):
        base = st.one_of(st.none(), base)
    return base


def _object(schema: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {k: _strategy(v, depth + 1) for k, v in properties.items() if k in required},
        optional={
            k: _strategy(v, depth + 1)
            for k, v in properties.items()
            if k not in required and not v.get("readOnly")
        },
    )


def _path_value(name: str, schema: dict[str, Any]) -> st.SearchStrategy[str]:
    if schema.get("type") == "integer":
        return st.one_of(st.integers(0, 5), st.integers(-(2**70), 2**70)).map(str)
    if name == "stream":
        return st.one_of(st.sampled_from(STREAMS), st.text(min_size=1, max_size=10))
    if name in ("year",):
        return st.integers(2015, 2020).map(str)
    return st.one_of(st.uuids().map(str), st.text(min_size=1, max_size=10))


def _request(data: st.DataObject, path: str, item: dict[str, Any], op: dict[str, Any]) -> Any:
    url = path
    for param in item.get("parameters", []) + op.get("parameters", []):
        if param["in"] == "path":
            value = data.draw(_path_value(param["name"], param["schema"]))
            url = url.replace("{" + param["name"] + "}", quote(value, safe=""))
    query: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    for param in op.get("parameters", []):
        if param["in"] == "query" and (param.get("required") or data.draw(st.booleans())):
            value = data.draw(_strategy(param["schema"]))
            for v in value if isinstance(value, list) else [value]:
                query.append((param["name"], json.dumps(v) if isinstance(v, bool) else str(v)))
        elif param["in"] == "header" and data.draw(st.booleans()):
            headers[param["name"]] = data.draw(st.sampled_from(['"0"', '"1"', "x", '"99"']))
    if query:
        url += "?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in query)
    kwargs: dict[str, Any] = {"headers": headers}
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content and "multipart/form-data" not in content:
        body = data.draw(_strategy(content["application/json"]["schema"]))
        kwargs["data"] = json.dumps(body)  # the standard library: integers beyond 64 bits too
        kwargs["content_type"] = "application/json"
    elif "multipart/form-data" in content:
        blob = data.draw(st.binary(max_size=200))
        kwargs["data"] = {"fil": (io.BytesIO(blob), data.draw(st.text(max_size=20)) or "f.csv")}
        kwargs["content_type"] = "multipart/form-data"
    return url, kwargs


def _jsonschema(schema: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable`` becomes a null type."""

    def convert(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: convert(v) for k, v in node.items() if k != "nullable"}
            if node.get("nullable"):
                return {"anyOf": [out, {"type": "null"}]}
            return out
        if isinstance(node, list):
            return [convert(v) for v in node]
        return node

    return {**convert(copy.deepcopy(schema)), "components": convert(SPEC["components"])}


def _check(resp: Any, path: str, method: str, op: dict[str, Any]) -> None:
    where = (method.upper(), path, resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.status_code < 500, where
    status = str(resp.status_code)
    assert status in op["responses"], where
    documented = op["responses"][status].get("content", {})
    if resp.status_code >= 400:
        assert resp.mimetype == "application/problem+json", where
        jsonschema.validate(resp.json, _jsonschema(SPEC["components"]["schemas"]["Problem"]))
        return
    if resp.status_code == 204:
        return
    assert resp.mimetype in {t.split(";")[0] for t in documented}, where
    schema = documented.get("application/json", {}).get("schema")
    if resp.mimetype == "application/json" and schema:
        jsonschema.validate(resp.json, _jsonschema(schema))


OPERATIONS = [
    (path, method) for path, item in SPEC["paths"].items() for method in METHODS if method in item
]


@pytest.mark.parametrize("role", ["secretariat", "reporter"])
def test_every_operation_answers_as_documented(
    sqlite_env: Env, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    from backend.reference import sources
    from tests.backend.reference.test_reference_api import DATA

    replay = (DATA / "statbank_folk1a_response.csv").read_bytes()
    monkeypatch.setattr(sources, "fetch_folk1a", lambda *a, **k: replay)  # never the network
    org = {"secretariat": "sekretariat-midt", "reporter": "657"}[role]
    token = make_token(sqlite_env.database, org=org, role=role)
    make_offer(sqlite_env.database, org="657")
    make_period(sqlite_env.database, stream="regnskab", aar=2017)
    for path, method in OPERATIONS:
        if path == "/api/v1/auth/tokens/{token_id}":
            continue  # revoking tokens 0–5 could revoke the test's own token
        _explore(sqlite_env.client, token, path, method)


def _explore(client: Any, token: dict[str, str], path: str, method: str) -> None:
    """Up to EXAMPLES generated requests to one operation, each checked by :func:`_check`."""
    item = SPEC["paths"][path]
    op = item[method]

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        url, kwargs = _request(data, path, item, op)
        kwargs["headers"] = {**token, **kwargs["headers"]}
        _check(client.open(url, method=method.upper(), **kwargs), path, method, op)

    run()
