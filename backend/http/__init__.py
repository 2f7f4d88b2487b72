"""Request lifecycle: the request's session, principal and tenant scope, and role checks.

One request is one unit of work: the session is opened on first use, the transaction is
committed after a successful response (status < 400) and rolled back otherwise.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request
from sqlalchemy.orm import Session

from backend.auth import service as auth_service
from backend.context import Principal, set_principal, set_request_id
from backend.db.session import Database
from backend.db.tenancy import apply_scope, set_scope
from backend.http.problems import abort

F = TypeVar("F", bound=Callable[..., Any])


def database() -> Database:
    return current_app.extensions["rammetal.db"]


def session() -> Session:
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
    return g.db_session


def principal() -> Principal:
    p: Principal | None = g.get("principal")
    if p is None:
        abort(401)
    return p


def require(*roles: str) -> Callable[[F], F]:
    """Allow a view only to authenticated principals with one of ``roles``."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            p = principal()
            if roles and p.role not in roles:
                abort(403, "ingen_adgang", "Din rolle giver ikke adgang til denne handling.")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def _authenticate() -> None:
    g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    g.tokens = [set_request_id(g.request_id)]
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        abort(401, "ugyldigt_token", "Authorization skal have formen 'Bearer <token>'.")
    s = session()
    p = auth_service.authenticate(s, value.strip())
    if p is None:
        abort(401, "ugyldigt_token", "Adgangstokenet er ugyldigt, udløbet eller tilbagekaldt.")
    scope = auth_service.principal_scope(s, p)
    g.principal = p
    g.tokens += [set_principal(p), set_scope(scope)]
    apply_scope(s, scope)  # the transaction began before the principal was known


def _finish(response: Response) -> Response:
    s: Session | None = g.get("db_session")
    if s is not None:
        if response.status_code < 400 or s.info.get("keep_on_error"):
            s.commit()
        else:
            s.rollback()
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


def _teardown(_exc: BaseException | None) -> None:
    s: Session | None = g.pop("db_session", None)
    if s is not None:
        s.close()
    for token in reversed(g.pop("tokens", [])):
        token.var.reset(token)


def init_app(app: Flask) -> None:
    app.before_request(_authenticate)
    app.after_request(_finish)
    app.teardown_request(_teardown)


def uploaded_file(field: str = "fil") -> tuple[bytes, str | None]:
    """The uploaded file of a request: a multipart part named ``field``, or the raw body.

    The size limit (MAX_CONTENT_LENGTH) is enforced by Werkzeug while reading (413)."""
    part = request.files.get(field)
    if part is not None:
        return part.read(), part.filename
    data = request.get_data(cache=False)
    if not data:
        abort(
            422,
            "fil_mangler",
            f"Vedhæft filen som multipart-feltet '{field}' eller som anmodningens indhold.",
        )
    return data, request.headers.get("X-Filename")
