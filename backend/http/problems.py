"""Problem details (RFC 9457) for every error, with Danish ``detail`` and a stable ``code``.

Views call :func:`abort` (flask-smorest's, which carries our extra members); every
HTTPException, :class:`~backend.errors.DomainError`, marshmallow validation error and
unexpected exception is turned into ``application/problem+json`` here. A 500 says nothing
about the internals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, NoReturn

from flask import Flask, Response, current_app, json
from flask_smorest import abort as smorest_abort
from werkzeug.exceptions import HTTPException

from backend.db.tenancy import TenantViolation
from backend.errors import DomainError

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://rammetal.dk/problemer/"

# Danish titles and default details per status.
_DEFAULTS: dict[int, tuple[str, str, str]] = {
    400: ("ugyldig_anmodning", "Ugyldig anmodning", "Anmodningen kunne ikke forstås."),
    401: ("ikke_logget_ind", "Ikke logget ind", "Log ind, eller send et gyldigt adgangstoken."),
    403: ("ingen_adgang", "Ingen adgang", "Du har ikke adgang til denne handling."),
    404: ("findes_ikke", "Findes ikke", "Ressourcen findes ikke."),
    405: (
        "metode_ikke_tilladt",
        "Metoden er ikke tilladt",
        "Metoden er ikke tilladt på denne adresse.",
    ),
    409: ("konflikt", "Konflikt", "Ændringen er i konflikt med data, der allerede findes."),
    412: (
        "foraeldet_version",
        "Forældet version",
        "Ressourcen er ændret siden du hentede den. Hent den igen.",
    ),
    413: ("for_stor", "For stor anmodning", "Anmodningen er større end den tilladte grænse."),
    414: ("adresse_for_lang", "Adressen er for lang", "Anmodningens adresse er for lang."),
    415: ("forkert_medietype", "Forkert medietype", "Indholdstypen understøttes ikke."),
    422: ("ugyldige_data", "Ugyldige data", "Data indeholder fejl. Se listen over fejl."),
    428: (
        "mangler_if_match",
        "If-Match mangler",
        "Send If-Match med ressourcens ETag for at ændre den.",
    ),
    429: ("for_mange_forsoeg", "For mange forsøg", "For mange forsøg. Prøv igen senere."),
    431: (
        "headere_for_store",
        "For store headere",
        "Anmodningens headere er for store eller for mange.",
    ),
    500: ("intern_fejl", "Intern fejl", "Der opstod en uventet fejl. Fejlen er logget."),
    503: ("ikke_klar", "Tjenesten er ikke klar", "Tjenesten er midlertidigt utilgængelig."),
}

# marshmallow's English messages, in Danish (the rest are passed through).
_FIELD_MESSAGES = {
    "Unknown field.": "Ukendt felt.",
    "Missing data for required field.": "Feltet skal udfyldes.",
    "Not a valid integer.": "Ikke et gyldigt heltal.",
    "Not a valid number.": "Ikke et gyldigt tal.",
    "Not a valid string.": "Ikke en gyldig tekst.",
    "Not a valid boolean.": "Ikke en gyldig sandhedsværdi (true/false).",
    "Not a valid date.": "Ikke en gyldig dato (ÅÅÅÅ-MM-DD).",
    "Not a valid datetime.": "Ikke et gyldigt tidspunkt.",
    "Not a valid UUID.": "Ikke et gyldigt id.",
    "Field may not be null.": "Feltet må ikke være tomt.",
    "Invalid input type.": "Ugyldig type.",
    "Not a valid list.": "Ikke en gyldig liste.",
    "Invalid value.": "Ugyldig værdi.",
    "Invalid input.": "Ugyldig værdi.",
    "Not a valid email address.": "Ikke en gyldig e-mailadresse.",
    "Not a valid URL.": "Ikke en gyldig URL.",
    "Not a valid mapping type.": "Skal være et JSON-objekt.",
    "Not a valid tuple.": "Ikke en gyldig liste.",
    "Not a valid utf-8 string.": "Ikke en gyldig tekst (UTF-8).",
    "Not a valid time.": "Ikke et gyldigt klokkeslæt.",
    "Number too large.": "Tallet er for stort.",
    "String does not match expected pattern.": "Teksten har ikke den forventede form.",
    "Special numeric values (nan or infinity) are not permitted.": (
        "NaN og uendelig er ikke tilladte tal."
    ),
    "Invalid JSON body.": "Anmodningens indhold er ikke gyldig JSON.",
}


def problem(
    status: int,
    code: str | None = None,
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    default_code, title, default_detail = _DEFAULTS.get(
        status, _DEFAULTS[500 if status >= 500 else 400]
    )
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (code or default_code),
        "title": title,
        "status": status,
        "detail": detail or default_detail,
        "code": code or default_code,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def abort(
    status: int,
    code: str | None = None,
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> NoReturn:
    """Stop the request with a problem response (use this, not Flask's abort)."""
    smorest_abort(status, message=detail, code=code, errors=errors, headers=headers)
    raise AssertionError(
        "flask_smorest.abort returned"
    )  # it raises; this line tells the type checker


_RANGE_OPS = {
    "greater than or equal to": "mindst",
    "greater than": "større end",
    "less than or equal to": "højst",
    "less than": "mindre end",
}
_OP = "(greater than or equal to|greater than|less than or equal to|less than)"
# marshmallow's validator messages with values in them, in Danish.
_FIELD_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Must be one of: (.*)\.", re.S), lambda m: f"Skal være en af: {m[1]}."),
    (
        re.compile(rf"Must be {_OP} (.+) and {_OP} (.+)\.", re.S),
        lambda m: f"Skal være {_RANGE_OPS[m[1]]} {m[2]} og {_RANGE_OPS[m[3]]} {m[4]}.",
    ),
    (re.compile(rf"Must be {_OP} (.+)\.", re.S), lambda m: f"Skal være {_RANGE_OPS[m[1]]} {m[2]}."),
    (
        re.compile(r"Length must be between (\d+) and (\d+)\."),
        lambda m: (
            f"Længden skal være mellem {m[1]} og {m[2]} tegn."
            if m[1] != "0"
            else f"Længden må højst være {m[2]} tegn."
        ),
    ),
    (re.compile(r"Length must be (\d+)\."), lambda m: f"Længden skal være {m[1]}."),
    (
        re.compile(r"Shorter than minimum length (\d+)\."),
        lambda m: f"Skal være mindst {m[1]} lang.",
    ),
    (re.compile(r"Longer than maximum length (\d+)\."), lambda m: f"Må højst være {m[1]} lang."),
    (re.compile(r"Must be equal to (.*)\.", re.S), lambda m: f"Skal være {m[1]}."),
    (
        re.compile(r"One or more of the choices you made was not in: (.*)\.", re.S),
        lambda m: f"Et eller flere af valgene findes ikke blandt: {m[1]}.",
    ),
    (
        re.compile(r"One or more of the choices you made was in: (.*)\.", re.S),
        lambda m: f"Et eller flere af valgene er ikke tilladt: {m[1]}.",
    ),
    (re.compile(r"Not a valid (\w+)\."), lambda m: "Ugyldig værdi."),
]


def _translate(message: str) -> str:
    if message in _FIELD_MESSAGES:
        return _FIELD_MESSAGES[message]
    for pattern, danish in _FIELD_PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return danish(match)
    return message


def field_errors(messages: Any, location: str = "json") -> list[dict[str, Any]]:
    """Flatten marshmallow's nested messages into ``[{field, location, message}]``."""
    out: list[dict[str, Any]] = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, [*path, str(key)])
        elif isinstance(node, list) and all(isinstance(m, str) for m in node):
            for msg in node:
                out.append(
                    {"field": ".".join(path), "location": location, "message": _translate(msg)}
                )
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, [*path, str(i)])
        else:
            out.append(
                {"field": ".".join(path), "location": location, "message": _translate(str(node))}
            )

    if isinstance(messages, dict) and set(messages) <= {
        "json",
        "query",
        "headers",
        "files",
        "form",
        "view_args",
    }:
        for loc, inner in messages.items():
            before = len(out)
            walk(inner, [])
            for item in out[before:]:
                item["location"] = loc
    else:
        walk(messages, [])
    return out


def _response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    resp = Response(
        json.dumps(body, ensure_ascii=False),
        status=body["status"],
        mimetype="application/problem+json",
    )
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def too_large_detail() -> str | None:
    """The 413 names the configured limit in Danish, e.g. "20 MB" or "1,5 MB"."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        return None
    size = f"{limit / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")
    return f"Filen er større end {size} MB, som er grænsen."


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", {}) or {}
    code = data.get("code")
    detail = data.get("message")
    errors = data.get("errors")
    if status == 422 and errors is None and "messages" in data:
        errors = field_errors(data["messages"])
        code = code or "ugyldige_data"
        detail = detail if isinstance(detail, str) else None
    if status == 400 and "Invalid JSON body." in str(data.get("messages", "")):
        code, detail = "ugyldig_json", "Anmodningens indhold er ikke gyldig JSON."
    if status == 413 and not isinstance(detail, str):
        detail = too_large_detail()
    if not isinstance(detail, str):
        detail = None
    headers = dict(data.get("headers") or {})
    if status == 405 and exc.get_response().headers.get("Allow"):
        headers["Allow"] = exc.get_response().headers["Allow"]
    return _response(problem(status, code, detail, errors), headers)


def handle_domain_error(exc: DomainError) -> Response:
    return _response(problem(exc.status, exc.code, exc.detail, exc.errors))


def handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, DomainError):
        return handle_domain_error(exc)
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    if isinstance(exc, TenantViolation):
        log.warning("tenant violation: %s", exc)
        return _response(
            problem(
                403,
                "anden_organisation",
                "Du kan ikke ændre data, der tilhører en anden organisation.",
            )
        )
    log.exception("unhandled error")
    return _response(problem(500))


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
