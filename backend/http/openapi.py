"""The OpenAPI document as the service behaves (issue 13, item 16).

flask-smorest documents errors as ``application/json`` with its own ``Error`` schema and
Decimal fields as numbers with string bounds. Here the document is made to tell the truth:

* every error is ``application/problem+json`` with the :data:`PROBLEM` schema, and every
  operation lists the statuses it can answer (:func:`_statuses`);
* a Decimal is documented as the decimal string the service sends (it also reads one);
* reports answer JSON, XLSX or CSV; file uploads require their multipart field ``fil``.
"""

from __future__ import annotations

import copy
from typing import Any

from flask_smorest import Api
from marshmallow import fields

from backend.http.problems import _DEFAULTS
from backend.tabular.media import XLSX_MEDIA_TYPE as XLSX

PROBLEM_MEDIA_TYPE = "application/problem+json"
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"

PROBLEM_ERROR: dict[str, Any] = {
    "type": "object",
    "description": "One error: the field (JSON, query) or the cell (uploads) and a Danish message",
    "properties": {
        "field": {"type": "string"},
        "location": {"type": "string", "description": "json, query, headers or files"},
        "message": {"type": "string", "description": "In Danish"},
        "sheet": {"type": "string", "nullable": True},
        "row": {"type": "integer", "nullable": True},
        "column": {"type": "string", "nullable": True},
        "header": {"type": "string", "nullable": True},
        "value": {"nullable": True},
        "code": {"type": "string"},
    },
    "required": ["message"],
}
PROBLEM: dict[str, Any] = {
    "type": "object",
    "description": "Problem details (RFC 9457) with a stable code and a Danish detail",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine-readable code"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemError"}},
    },
    "required": ["type", "title", "status", "detail", "code"],
}

#: Non-JSON answers of operations whose view writes the response itself.
_REPORT_CONTENT = {
    "application/json": {"schema": {"type": "object"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}},
    "text/csv": {"schema": {"type": "string", "format": "binary"}},
}
_CONTENT_OVERRIDES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/reports/ledelsesinformation/{year}", "get"): _REPORT_CONTENT,
    ("/api/v1/noegletal", "get"): {"application/json": {"schema": {"type": "object"}}},
    ("/api/v1/periods/{period_id}/templates/{stream}", "get"): {
        XLSX: {"schema": {"type": "string", "format": "binary"}},
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
    },
}
_METHODS = ("get", "put", "post", "patch", "delete")
#: Statuses a view answers beyond what its parameters imply (found by the property test).
_EXTRA_STATUSES: dict[tuple[str, str], set[int]] = {
    ("/api/v1/noegletal", "get"): {404},
}


def decimal_as_string(
    _converter: Any, field: fields.Field, ret: dict[str, Any], **_: Any
) -> dict[str, Any]:
    """apispec attribute function: a Decimal is sent (and may be sent) as a decimal string;
    its range goes into the description (OpenAPI bounds are numbers)."""
    if not isinstance(field, fields.Decimal):
        return {}
    low, high = ret.pop("minimum", None), ret.pop("maximum", None)
    ret.pop("exclusiveMinimum", None)
    ret.pop("exclusiveMaximum", None)
    ret["type"] = "string"
    ret["format"] = "decimal"
    ret["pattern"] = DECIMAL_PATTERN
    if low is not None or high is not None:
        bounds = f"Decimal string from {low} to {high}."
        ret["description"] = f"{ret['description']}. {bounds}" if "description" in ret else bounds
    return {}


def _problem_response(status: int | str, description: str | None = None) -> dict[str, Any]:
    title = "Fejl" if status == "default" else _DEFAULTS.get(int(status), _DEFAULTS[500])[1]
    return {
        "description": description or title,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _statuses(path: str, method: str, operation: dict[str, Any], path_params: bool) -> set[int]:
    """The error statuses an operation can answer, from what it reads."""
    login = path == "/api/v1/auth/tokens" and method == "post"
    out = {401, 503}
    if not login:
        out.add(403)
    body = operation.get("requestBody", {}).get("content", {})
    if body:
        out |= {413, 422}
    if "application/json" in body and not path.endswith("/submissions/{stream}"):
        out |= {400, 415}
    if path_params:
        out.add(404)
    if any(p.get("in") in ("query", "header") for p in operation.get("parameters", [])):
        out.add(422)
    if login:
        out.add(429)
    return out | _EXTRA_STATUSES.get((path, method), set())


def _fix_operation(path: str, method: str, operation: dict[str, Any], path_params: bool) -> None:
    responses = operation.setdefault("responses", {})
    for status in _statuses(path, method, operation, path_params):
        responses.setdefault(str(status), {})
    for status, response in list(responses.items()):
        if status == "default" or status.startswith(("4", "5")):
            description = response.get("description") if isinstance(response, dict) else None
            responses[status] = _problem_response(status, description)
    for status, response in responses.items():
        if isinstance(response, dict) and "$ref" not in response:
            response.setdefault("description", "OK" if status.startswith("2") else "Fejl")
    override = _CONTENT_OVERRIDES.get((path, method))
    if override is not None:
        for status, response in responses.items():
            if status.startswith("2"):
                response["content"] = copy.deepcopy(override)
    for content in operation.get("requestBody", {}).get("content", {}).values():
        schema = content.get("schema", {})
        if "fil" in schema.get("properties", {}):
            schema["required"] = sorted({*schema.get("required", []), "fil"})
            operation["requestBody"]["required"] = True


def document(spec: dict[str, Any]) -> dict[str, Any]:
    """The generated document with the real errors, statuses and content types."""
    spec = copy.deepcopy(spec)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("Error", None)
    schemas["Problem"] = PROBLEM
    schemas["ProblemError"] = PROBLEM_ERROR
    components.pop("responses", None)
    for path, item in spec.get("paths", {}).items():
        path_params = bool(item.get("parameters")) or "{" in path
        for method in _METHODS:
            if method in item:
                _fix_operation(path, method, item[method], path_params)
    return spec


def install(api: Api) -> None:
    """Document Decimals as strings, and serve (and render) the corrected document.

    Call before the blueprints are registered (their schemas are converted then)."""
    api.ma_plugin.converter.add_attribute_function(decimal_as_string)
    generate = api.spec.to_dict
    api.spec.to_dict = lambda: document(generate())
