"""Input checks every request passes before a view (or the database) sees it.

What the happy path never sends is refused here with a Danish 4xx, once for every route:

* a JSON body that Python's decoder cannot hold (nesting deeper than :data:`MAX_DEPTH`,
  an integer literal of thousands of digits, NaN/Infinity, invalid UTF-8, lone
  surrogates) is a 400 ``ugyldig_json``;
* a text in a JSON body, the query string or the path with a control character
  (U+0000–U+001F except tab, LF and CR) or a non-character (U+FFFE, U+FFFF) is a 422
  naming the field (a 404 in the path): such text breaks XLSX files and PostgreSQL;
* a body that is not JSON sent to an operation that reads JSON is a 415;
* an ``X-Request-ID`` is used only if it is short printable ASCII (else a new one).
"""

from __future__ import annotations

import io
import json
import re
import uuid
from typing import Any, NoReturn

from flask import current_app, request
from werkzeug.wsgi import get_content_length

from backend.errors import json_error_text
from backend.fields import CONTROL_MESSAGE, FORBIDDEN_CHARACTERS
from backend.http.problems import abort, too_large_detail

#: JSON nesting deeper than this is refused (the API's deepest document has 3 levels).
MAX_DEPTH = 32
#: Integer literals longer than this are refused (64 bits have at most 20 digits).
MAX_INTEGER_DIGITS = 100
FORBIDDEN = FORBIDDEN_CHARACTERS
SURROGATE = re.compile("[\ud800-\udfff]")
#: An X-Request-ID the audit log stores as sent: 1–64 printable ASCII characters.
REQUEST_ID = re.compile(r"[\x21-\x7e]{1,64}")


def request_id() -> str:
    """The request's id: the client's ``X-Request-ID`` if valid, else a new one."""
    sent = request.headers.get("X-Request-ID", "")
    return sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex


def _bad_json(detail: str = "Anmodningens indhold er ikke gyldig JSON.") -> NoReturn:
    abort(400, "ugyldig_json", detail)
    raise AssertionError("abort returned")  # pragma: no cover - abort raises


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        _bad_json(f"Et heltal i anmodningens JSON har mere end {MAX_INTEGER_DIGITS} cifre.")
    return int(text)


def _reject_constant(name: str) -> NoReturn:
    _bad_json(f"{name} er ikke et gyldigt tal i JSON.")


def parse_json(data: bytes) -> Any:
    """The JSON document ``data``, or a 400 ``ugyldig_json`` problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _bad_json("Anmodningens indhold skal være JSON kodet som UTF-8.")
    try:
        document = json.loads(text, parse_int=_parse_int, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        _bad_json(json_error_text(exc))
    except RecursionError:
        _bad_json(f"JSON må højst være indlejret {MAX_DEPTH} niveauer.")
    except ValueError:
        _bad_json()
    _check_document(document)
    return document


def _check_document(document: Any) -> None:
    """Depth, lone surrogates (400) and control characters (422, naming each field)."""
    errors: list[dict[str, str]] = []
    stack: list[tuple[Any, list[str]]] = [(document, [])]
    while stack:
        node, path = stack.pop()
        if len(path) > MAX_DEPTH:
            _bad_json(f"JSON må højst være indlejret {MAX_DEPTH} niveauer.")
        if isinstance(node, str):
            _check_text(node, path, errors)
        elif isinstance(node, dict):
            for key, value in node.items():
                _check_text(key, [*path, key], errors)
                stack.append((value, [*path, key]))
        elif isinstance(node, list):
            stack.extend((value, [*path, str(i)]) for i, value in enumerate(node))
    if errors:
        errors.sort(key=lambda e: e["field"])
        abort(422, "ugyldige_tegn", "Teksten indeholder ugyldige tegn.", errors=errors)


def _check_text(text: str, path: list[str], errors: list[dict[str, str]]) -> None:
    if SURROGATE.search(text):
        _bad_json("JSON indeholder et ugyldigt tegn (en enlig surrogat, \\ud800–\\udfff).")
    if FORBIDDEN.search(text):
        field = ".".join(SURROGATE.sub("", FORBIDDEN.sub("", p)) for p in path)
        errors.append({"field": field, "location": "json", "message": CONTROL_MESSAGE})


def _json_arguments() -> bool:
    """Whether the request's view reads a JSON body with a schema (``blp.arguments``)."""
    view = current_app.view_functions.get(request.endpoint or "")
    cls = getattr(view, "view_class", None)
    if cls is not None:
        view = getattr(cls, request.method.lower(), None)
    doc = getattr(view, "_apidoc", None) or {}
    parameters = doc.get("arguments", {}).get("parameters", [])
    return any(p.get("in") == "json" for p in parameters if isinstance(p, dict))


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")


def buffer_streamed_body() -> None:
    """Read a chunked body (no Content-Length) here, bounded: over the limit is a 413.

    Werkzeug stops reading such a body silently at ``MAX_CONTENT_LENGTH``, which stored a
    truncated file; afterwards the request has a Content-Length like any other."""
    environ = request.environ
    if get_content_length(environ) is not None or not environ.get("wsgi.input_terminated"):
        return
    limit = request.max_content_length
    stream = environ["wsgi.input"]
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(64 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if limit is not None and size > limit:
            abort(413, "for_stor", too_large_detail())
        chunks.append(chunk)
    body = b"".join(chunks)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    request.__dict__.pop("content_length", None)  # a cached property of the request


#: The longest request line (method, address, version) and header field the app accepts;
#: gunicorn is configured to let longer ones through to here (backend.gunicorn_conf), so
#: the answer is the app's Danish one, not gunicorn's English page.
MAX_REQUEST_LINE = 8190
MAX_HEADER_FIELD = 8190
MAX_HEADERS = 100


def check_limits() -> None:
    """A 414 for an over-long request line, a 431 for an over-long header or too many."""
    environ = request.environ
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if target is None:
        query = environ.get("QUERY_STRING", "")
        target = environ.get("PATH_INFO", "") + ("?" + query if query else "")
    line = len(environ.get("REQUEST_METHOD", "")) + len(target) + len(" HTTP/1.1") + 1
    if line > MAX_REQUEST_LINE:
        abort(
            414,
            "adresse_for_lang",
            f"Anmodningens adresse er for lang (højst {MAX_REQUEST_LINE} tegn).",
        )
    headers = list(request.headers.items())
    if len(headers) > MAX_HEADERS or any(
        len(name) + len(value) + 2 > MAX_HEADER_FIELD for name, value in headers
    ):
        abort(
            431,
            "headere_for_store",
            f"Anmodningens headere er for store (højst {MAX_HEADERS} headere "
            f"på hver højst {MAX_HEADER_FIELD} tegn).",
        )


def check_request() -> None:
    """Refuse what no operation accepts (a ``before_request`` hook, before authentication)."""
    check_limits()
    buffer_streamed_body()
    errors = [
        {"field": FORBIDDEN.sub("", key), "location": "query", "message": CONTROL_MESSAGE}
        for key, value in request.args.items(multi=True)
        if FORBIDDEN.search(key) or FORBIDDEN.search(value)
    ]
    if errors:
        abort(422, "ugyldige_tegn", "Forespørgslen indeholder ugyldige tegn.", errors=errors)
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and FORBIDDEN.search(value):
            abort(404)
    if not _json_arguments():
        return
    if request.is_json:
        data = request.get_data(cache=True)
        if data.strip():
            parse_json(data)
    elif _has_body() and request.get_data(cache=True):
        abort(
            415,
            "forkert_medietype",
            "Anmodningens indhold skal være JSON (Content-Type: application/json).",
        )
