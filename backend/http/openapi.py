"""The OpenAPI document as the service behaves (issue 13, item 16).

flask-smorest documents errors as ``application/json`` with its own ``Error`` schema and
Decimal fields as numbers with string bounds. Here the document is made to tell the truth:

* every error is ``application/problem+json`` with the :data:`PROBLEM` schema, and every
  operation lists the statuses it can answer (:func:`_statuses`);
* a Decimal is documented as the decimal string the service sends (it also reads one);
* reports answer JSON, XLSX or CSV; file uploads require their multipart field ``fil``.

And it is made usable by a generated client (issue 19, item 6):

* every operation has a stable ``operationId`` (:data:`OPERATION_IDS`; an operation not
  named there gets one derived from its method and path);
* a path parameter with a closed set of values (``stream``: the four data streams, given
  by :func:`install`'s caller) lists them as an ``enum``;
* the headers the service sends (``ETag``, ``Location``, ``Retry-After``,
  ``Content-Disposition``) are declared on the responses that carry them;
* a file answer lists ``application/octet-stream`` first, then the media types actually
  sent (a generator takes the first media type it knows and reads the answer as bytes);
* a file upload is the multipart field ``fil`` or the raw body as ``application/octet-stream``
  (the format is recognised from the content): no JSON schema sits beside the multipart form.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
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
BINARY: dict[str, Any] = {"type": "string", "format": "binary"}
OCTET_STREAM = "application/octet-stream"
API_PREFIX = "/api/v1"

#: The operationId of every operation (a generated client's function names: keep them).
OPERATION_IDS: dict[tuple[str, str], str] = {
    ("get", "/auth/tokens"): "listTokens",
    ("post", "/auth/tokens"): "createToken",
    ("delete", "/auth/tokens/{token_id}"): "revokeToken",
    ("get", "/me"): "getMe",
    ("get", "/maalgrupper"): "listMaalgrupper",
    ("get", "/organisations"): "listOrganisations",
    ("get", "/offers"): "listOffers",
    ("post", "/offers"): "createOffer",
    ("get", "/offers/{offer_id}"): "getOffer",
    ("patch", "/offers/{offer_id}"): "updateOffer",
    ("get", "/periods"): "listPeriods",
    ("post", "/periods"): "openPeriod",
    ("get", "/periods/{period_id}"): "getPeriod",
    ("patch", "/periods/{period_id}"): "updatePeriod",
    ("get", "/periods/{period_id}/status"): "getPeriodStatus",
    ("get", "/periods/{period_id}/templates/{stream}"): "downloadTemplate",
    ("post", "/periods/{period_id}/submissions/{stream}"): "uploadSubmission",
    ("get", "/submissions"): "listSubmissions",
    ("get", "/submissions/{submission_id}"): "getSubmission",
    ("get", "/submissions/{submission_id}/lines"): "listSubmissionLines",
    ("get", "/submissions/{submission_id}/file"): "downloadSubmissionFile",
    ("post", "/submissions/{submission_id}/submit"): "submitSubmission",
    ("post", "/submissions/{submission_id}/approve"): "approveSubmission",
    ("post", "/submissions/{submission_id}/reject"): "rejectSubmission",
    ("get", "/reports/ledelsesinformation/{year}"): "getLedelsesinformation",
    ("post", "/reports/ledelsesinformation/{year}/publish"): "publishLedelsesinformation",
    ("get", "/reports/ledelsesinformation/{year}/snapshots"): "listLedelsesinformationSnapshots",
    ("get", "/noegletal"): "getNoegletal",
    ("get", "/noegletal/definitioner"): "listNoegletalDefinitioner",
    ("get", "/reference/population"): "listPopulation",
    ("post", "/reference/population"): "importPopulation",
    ("post", "/reference/population/statbank"): "fetchPopulationFromStatbank",
    ("get", "/reference/pl-index"): "listPlIndex",
    ("post", "/reference/pl-index"): "importPlIndex",
    ("get", "/reference/indicators"): "listIndicators",
    ("post", "/reference/indicators"): "importIndicators",
    ("get", "/reference/indicators/definitions"): "listIndicatorDefinitions",
    ("get", "/udgiftsbehov"): "listModelRuns",
    ("post", "/udgiftsbehov"): "runModel",
    ("get", "/udgiftsbehov/indikatorer"): "listModelIndicators",
    ("get", "/udgiftsbehov/{run_id}"): "getModelRun",
    ("get", "/udgiftsbehov/{run_id}/kommuner/{kode}"): "getModelRunKommune",
    ("post", "/udgiftsbehov/{run_id}/publish"): "publishModelRun",
    ("post", "/udgiftsbehov/{run_id}/withdraw"): "withdrawModelRun",
}

_ETAG = {
    "description": "The version (optimistic locking: send it as If-Match to change)",
    "schema": {"type": "string"},
}
_LOCATION = {"description": "The address of the created resource", "schema": {"type": "string"}}
_DISPOSITION = {
    "description": 'attachment; filename="…" (the suggested file name)',
    "schema": {"type": "string"},
}
#: Headers the views send, per operation and status.
_HEADERS: dict[tuple[str, str], dict[str, dict[str, dict[str, Any]]]] = {
    ("post", "/auth/tokens"): {
        "429": {
            "Retry-After": {
                "description": "Seconds until a login for this e-mail is tried again",
                "schema": {"type": "integer"},
            }
        }
    },
    ("post", "/offers"): {"201": {"ETag": _ETAG, "Location": _LOCATION}},
    ("get", "/offers/{offer_id}"): {"200": {"ETag": _ETAG}},
    ("patch", "/offers/{offer_id}"): {"200": {"ETag": _ETAG}},
    ("post", "/periods"): {"201": {"ETag": _ETAG, "Location": _LOCATION}},
    ("get", "/periods/{period_id}"): {"200": {"ETag": _ETAG}},
    ("patch", "/periods/{period_id}"): {"200": {"ETag": _ETAG}},
    ("post", "/periods/{period_id}/submissions/{stream}"): {
        "201": {
            "ETag": {
                "description": "The new version's number (send it as If-Match with the next upload)",
                "schema": {"type": "string"},
            },
            "Location": _LOCATION,
        }
    },
    ("get", "/periods/{period_id}/templates/{stream}"): {
        "200": {"Content-Disposition": _DISPOSITION}
    },
    ("get", "/submissions/{submission_id}/file"): {
        "200": {
            "ETag": {"description": "The file's SHA-256", "schema": {"type": "string"}},
            "Content-Disposition": _DISPOSITION,
        }
    },
    ("get", "/reports/ledelsesinformation/{year}"): {
        "200": {
            "Content-Disposition": {
                **_DISPOSITION,
                "description": 'With format=xlsx or csv: attachment; filename="…"',
            }
        }
    },
}
_X_FILENAME = {
    "in": "header",
    "name": "X-Filename",
    "required": False,
    "schema": {"type": "string"},
    "description": "The file's name when it is sent as the raw body (stored as its base name, "
    "without control or bidi characters, shortened if long)",
}
_RAW_UPLOAD = {
    "schema": {
        **BINARY,
        "description": "The file as the raw body (its format is recognised from the content; "
        "any Content-Type is accepted)",
    }
}
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
    if "application/json" in body:
        out |= {400, 415}
    if path_params:
        out.add(404)
    if any(p.get("in") in ("query", "header") for p in operation.get("parameters", [])):
        out.add(422)
    if login:
        out.add(429)
    return out | _EXTRA_STATUSES.get((path, method), set())


def operation_id(method: str, path: str) -> str:
    """The operation's id: named in :data:`OPERATION_IDS`, else derived from method and path
    (``get /periods/{period_id}/status`` → ``getPeriodsByPeriodIdStatus``)."""
    short = path.removeprefix(API_PREFIX)
    if (method, short) in OPERATION_IDS:
        return OPERATION_IDS[(method, short)]
    words = [method]
    for segment in short.strip("/").split("/"):
        if segment.startswith("{"):
            words.append("by")
            segment = segment.strip("{}")
        words += [w for w in segment.replace("-", "_").split("_") if w]
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])


def _upload_body(operation: dict[str, Any]) -> None:
    """A file upload: the multipart form with ``fil`` (required), or the raw body as bytes."""
    body = operation.get("requestBody", {})
    content = body.get("content", {})
    form = content.get("multipart/form-data", {}).get("schema", {})
    if "fil" not in form.get("properties", {}):
        return
    form["required"] = sorted({*form.get("required", []), "fil"})
    body["required"] = True
    body["content"] = {"multipart/form-data": {"schema": form}}
    if len(content) > 1:
        body["content"][OCTET_STREAM] = copy.deepcopy(_RAW_UPLOAD)
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == "X-Filename" for p in parameters):
            parameters.append(copy.deepcopy(_X_FILENAME))


def _file_content(content: dict[str, Any]) -> dict[str, Any]:
    """A file answer: ``application/octet-stream`` first, then the media types sent."""
    if not any(media.get("schema", {}).get("format") == "binary" for media in content.values()):
        return content
    return {OCTET_STREAM: {"schema": dict(BINARY)}, **content}


def _fix_operation(path: str, method: str, operation: dict[str, Any], path_params: bool) -> None:
    short = path.removeprefix(API_PREFIX)
    operation["operationId"] = operation_id(method, path)
    _upload_body(operation)
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
    for status, response in responses.items():
        if not status.startswith("2"):
            continue
        if override is not None:
            response["content"] = copy.deepcopy(override)
        if "content" in response:
            response["content"] = _file_content(response["content"])
    for code, headers in _HEADERS.get((method, short), {}).items():
        responses[code].setdefault("headers", {}).update(copy.deepcopy(headers))


def _path_enums(parameters: list[dict[str, Any]], enums: Mapping[str, Sequence[str]]) -> None:
    for parameter in parameters:
        if parameter.get("in") == "path" and parameter.get("name") in enums:
            parameter["schema"] = {"type": "string", "enum": list(enums[parameter["name"]])}


def document(
    spec: dict[str, Any], path_enums: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    """The generated document with the real errors, statuses, content types and headers."""
    spec = copy.deepcopy(spec)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("Error", None)
    schemas["Problem"] = PROBLEM
    schemas["ProblemError"] = PROBLEM_ERROR
    components.pop("responses", None)
    for path, item in spec.get("paths", {}).items():
        path_params = bool(item.get("parameters")) or "{" in path
        _path_enums(item.get("parameters", []), path_enums or {})
        for method in _METHODS:
            if method in item:
                _path_enums(item[method].get("parameters", []), path_enums or {})
                _fix_operation(path, method, item[method], path_params)
    ids = [
        item[m]["operationId"]
        for item in spec.get("paths", {}).values()
        for m in _METHODS
        if m in item
    ]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"operationId used twice: {duplicates}")
    return spec


def sorted_keys(node: Any, *, media_types: bool = False) -> Any:
    """``node`` with every object's keys sorted (a stable checked-in file), except a
    ``content`` map's media types: their order is the document's (a generator takes the
    first it knows, so ``application/octet-stream`` stays first)."""
    if isinstance(node, dict):
        keys = list(node) if media_types else sorted(node)
        return {k: sorted_keys(node[k], media_types=k == "content") for k in keys}
    if isinstance(node, list):
        return [sorted_keys(v) for v in node]
    return node


def install(api: Api, *, path_enums: Mapping[str, Sequence[str]] | None = None) -> None:
    """Document Decimals as strings, and serve (and render) the corrected document;
    ``path_enums`` names the values of path parameters with a closed set (by name).

    Call before the blueprints are registered (their schemas are converted then)."""
    api.ma_plugin.converter.add_attribute_function(decimal_as_string)
    generate = api.spec.to_dict
    api.spec.to_dict = lambda: document(generate(), path_enums)
