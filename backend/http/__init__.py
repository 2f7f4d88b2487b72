"""Request lifecycle: the request's session, principal and tenant scope, and permission checks.

One request is one unit of work: the session is opened on first use, the transaction is
committed after a successful response (status < 400) and rolled back otherwise.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from backend.context import Principal, set_principal, set_request_id
from backend.db.session import Database, set_sqlite_begin_mode, sqlite_begin_mode
from backend.db.tenancy import TenantScope, apply_scope, set_scope
from backend.fields import safe_file_name
from backend.http import guard
from backend.http.converters import BoundedIntConverter
from backend.http.problems import abort
from backend.policy import DEFAULT_REFUSAL, Permission, can

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)


class Authenticator(Protocol):
    """What the request lifecycle needs of ``backend.auth.service`` (handed to
    :func:`init_app` by the app factory, so this layer imports no domain: every domain's
    routes import it, and auth sits above organisations)."""

    PENDING_STAMP: str

    def authenticate(
        self, session: Session, plain: str, *, stamp: bool = True
    ) -> Principal | None: ...

    def principal_scope(self, session: Session, principal: Principal) -> TenantScope: ...

    def stamp_last_use(self, connection: sa.Connection, token_id: int) -> None: ...


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


def require(permission: Permission = Permission.READ_CATALOGUE) -> Callable[[F], F]:
    """Allow a view only to authenticated principals granted ``permission``
    (:mod:`backend.policy`); every signed-in role reads the catalogue."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not can(principal(), permission):
                abort(403, "ingen_adgang", DEFAULT_REFUSAL)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


#: Responses under these paths may carry tenant data: ``Cache-Control: no-store``.
API_PATHS = ("/api/",)
STATIC_API_PATHS = ("/api/docs",)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READS_FIRST = "__rammetal_reads_first__"


def reads_first(view: F) -> F:
    """Mark a writing view that reads (and parses) before it writes: on SQLite its request
    begins without the write lock, which the view takes with :func:`begin_writing`."""
    setattr(view, _READS_FIRST, True)
    return view


def _view_reads_first() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    cls = getattr(view, "view_class", None)
    if cls is not None:
        view = getattr(cls, request.method.lower(), None)
    return bool(getattr(view, _READS_FIRST, False))


def begin_writing() -> None:
    """End the read phase of a :func:`reads_first` request: on SQLite its read transaction
    (which wrote nothing) ends, and the next one begins with the write lock."""
    if sqlite_begin_mode() == "IMMEDIATE":
        return
    g.tokens.append(set_sqlite_begin_mode("IMMEDIATE"))
    s: Session | None = g.get("db_session")
    if s is not None and database().dialect == "sqlite":
        s.commit()


def _begin() -> None:
    g.request_id = guard.request_id()
    guard.check_request()


def _authenticator() -> Authenticator:
    auth: Authenticator = current_app.extensions["rammetal.auth"]
    return auth


def _authenticate() -> None:
    # SQLite: reads (and the read phase of a reads_first view) take no write lock.
    reading = request.method in SAFE_METHODS or _view_reads_first()
    g.tokens = [
        set_request_id(g.request_id),
        set_sqlite_begin_mode("DEFERRED" if reading else "IMMEDIATE"),
    ]
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        abort(401, "ugyldigt_token", "Authorization skal have formen 'Bearer <token>'.")
    if reading and database().dialect == "sqlite":
        p = _authenticate_apart(value.strip())
    else:
        p = _authenticator().authenticate(session(), value.strip())
    s = session()
    if p is None:
        abort(401, "ugyldigt_token", "Adgangstokenet er ugyldigt, udløbet eller tilbagekaldt.")
    scope = _authenticator().principal_scope(s, p)
    g.principal = p
    g.tokens += [set_principal(p), set_scope(scope)]
    apply_scope(s, scope)  # the transaction began before the principal was known


def _authenticate_apart(plain: str) -> Principal | None:
    """Authenticate a SQLite read in a short transaction of its own, before the request's.

    A due last-use stamp is written only if the write lock is free at once (it is coarse
    anyway): a read never waits behind another request's write, and never holds the write
    lock for the rest of the request."""
    auth = _authenticator()
    with database().sessionmaker() as s:
        p = auth.authenticate(s, plain, stamp=False)
        token_id = s.info.pop(auth.PENDING_STAMP, None)
        if token_id is None:
            return p
        conn = s.connection()
        conn.exec_driver_sql("PRAGMA busy_timeout=50")
        try:
            auth.stamp_last_use(conn, token_id)
            stamped = True
        except OperationalError:
            stamped = False
        conn.exec_driver_sql("PRAGMA busy_timeout=30000")
        if stamped:
            s.commit()
        else:
            s.rollback()
            log.info("last-use stamp of token %s skipped: the database is busy", token_id)
    return p


def _finish(response: Response) -> Response:
    s: Session | None = g.get("db_session")
    if s is not None:
        if response.status_code < 400 or s.info.get("keep_on_error"):
            s.commit()
        else:
            s.rollback()
    response.headers["X-Request-ID"] = g.get("request_id", "")
    if request.path.startswith(API_PATHS) and not request.path.startswith(STATIC_API_PATHS):
        # Tenant data is never stored by a browser or a proxy (downloads included).
        response.headers["Cache-Control"] = "no-store"
    _one_charset(response)
    return response


def _one_charset(response: Response) -> None:
    """``text/csv; charset=utf-8`` once, also where a view named the charset itself."""
    content_type = response.headers.get("Content-Type", "")
    if content_type.lower().count("charset=") > 1:
        parts = [p.strip() for p in content_type.split(";")]
        kept = [parts[0]] + list(dict.fromkeys(p.lower() for p in parts[1:] if p))
        response.headers["Content-Type"] = "; ".join(kept)


def _teardown(_exc: BaseException | None) -> None:
    s: Session | None = g.pop("db_session", None)
    if s is not None:
        s.close()
    for token in reversed(g.pop("tokens", [])):
        token.var.reset(token)


def init_app(app: Flask, authenticator: Authenticator) -> None:
    app.extensions["rammetal.auth"] = authenticator
    # Before any route is added: every <int:…> is bounded to 32 bits (beyond: 404).
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_begin)
    app.before_request(_authenticate)
    app.after_request(_finish)
    app.teardown_request(_teardown)


def uploaded_file(field: str = "fil") -> tuple[bytes, str | None]:
    """The uploaded file of a request: a multipart part named ``field``, or the raw body.

    The size limit (MAX_CONTENT_LENGTH) is enforced while reading (413), chunked bodies
    included (:func:`backend.http.guard.buffer_streamed_body`). The file name is its base
    name only, without control or bidi characters (:func:`backend.fields.safe_file_name`)."""
    part = request.files.get(field)
    if part is not None:
        return part.read(), safe_file_name(part.filename)
    data = request.get_data(cache=False)
    if not data:
        abort(
            422,
            "fil_mangler",
            f"Vedhæft filen som multipart-feltet '{field}' eller som anmodningens indhold.",
        )
    return data, safe_file_name(request.headers.get("X-Filename"))
