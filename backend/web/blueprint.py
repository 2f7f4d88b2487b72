"""What every web area shares: its blueprint factory (browser session, CSRF on every POST,
Danish HTML error pages), the security headers and the HTML 404 for unknown addresses.

An area's ``routes.py``::

    from backend.web.blueprint import web_blueprint
    from backend.web.session import login_required

    bp = web_blueprint("sammenligning", __name__)

    @bp.get("/sammenligning")
    @login_required()
    def side():
        return render_template("sammenligning/side.html", ...)
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from backend.db.tenancy import TenantViolation
from backend.errors import DomainError
from backend.fields import CONTROL_MESSAGE, FORBIDDEN_CHARACTERS
from backend.web.fixes import fix_for
from backend.web.session import load_principal

log = logging.getLogger(__name__)

csrf = CSRFProtect()

#: The Content-Security-Policy of every page: nothing inline, nothing from elsewhere.
CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
STATIC_ENDPOINT = "web.static"

_TITLES = {
    400: ("Forkert anmodning", "Siden kunne ikke vise det, du bad om."),
    403: ("Ingen adgang", "Du har ikke adgang til denne side."),
    404: ("Siden findes ikke", "Siden findes ikke, eller du har ikke adgang til den."),
    405: ("Ikke tilladt", "Handlingen er ikke tilladt på denne adresse."),
    414: ("Adressen er for lang", "Adressen er for lang til, at siden kan vises."),
    431: ("For store oplysninger", "Anmodningens oplysninger (headere) er for store."),
    409: ("Kan ikke udføres", "Handlingen kan ikke udføres lige nu."),
    413: ("Filen er for stor", "Filen er større end den tilladte grænse."),
    422: ("Ugyldige data", "Data indeholder fejl."),
    429: ("For mange forsøg", "For mange forsøg. Prøv igen om lidt."),
    500: ("Der opstod en fejl", "Der opstod en uventet fejl. Fejlen er logget."),
}


def _before() -> Any:
    load_principal()
    if request.method == "POST":
        csrf.protect()  # raises CSRFError (400) without a valid token
        return _check_form()
    return None


def _check_form() -> tuple[str, int] | None:
    """The API's guard for a page form: a text field with a control character (NUL
    included) or a non-character is refused with the Danish 422 page; nothing is read
    further, nothing written. Lengths are checked by each form against its column."""
    for key, value in request.form.items(multi=True):
        if FORBIDDEN_CHARACTERS.search(key) or FORBIDDEN_CHARACTERS.search(value):
            return error_page(422, f"Formularen blev ikke gemt. {CONTROL_MESSAGE}")
    return None


def web_blueprint(name: str, import_name: str, **kwargs: object) -> Blueprint:
    """A blueprint of web pages: session principal and CSRF before each view, HTML errors."""
    bp = Blueprint(name, import_name, **kwargs)  # type: ignore[arg-type]
    bp.before_request(_before)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(DomainError, _domain_error)
    bp.register_error_handler(TenantViolation, _tenant_violation)
    bp.register_error_handler(Exception, _unexpected)
    return bp


def error_page(status: int, detail: str | None = None, fix: Any = None) -> tuple[str, int]:
    """The Danish error page (with who can fix the problem and where, when ``fix`` says). The request's transaction is rolled back first: the page's
    context reads the user's name and organisation, which a transaction aborted by a
    database error (PostgreSQL) cannot; an error answer commits nothing anyway."""
    _roll_back()
    title, default = _TITLES.get(status, _TITLES[500 if status >= 500 else 400])
    return render_template(
        "errors/fejl.html", status=status, title=title, detail=detail or default, fix=fix
    ), status


def _roll_back() -> None:
    s = g.get("db_session")
    if s is None or s.info.get("keep_on_error"):
        return
    try:
        s.rollback()
    except Exception:  # a broken connection: the page renders without the user's name
        log.exception("rollback before the error page failed")
        g.web_identity = {"principal": None, "navigation": ()}


def _http_error(exc: HTTPException) -> tuple[str, int]:
    if isinstance(exc, CSRFError):
        return error_page(
            400,
            "Formularen kunne ikke sendes, fordi siden var for gammel eller sessionen er udløbet. "
            "Hent siden igen og prøv en gang til.",
        )
    data = getattr(exc, "data", None) or {}
    detail = data.get("message") if isinstance(data.get("message"), str) else None
    return error_page(exc.code or 500, detail)


def _domain_error(exc: DomainError) -> tuple[str, int]:
    return error_page(exc.status, exc.detail, fix_for(exc))


def _tenant_violation(exc: TenantViolation) -> tuple[str, int]:
    log.warning("tenant violation: %s", exc)
    return error_page(403, "Du kan ikke ændre data, der tilhører en anden organisation.")


def _unexpected(exc: Exception) -> tuple[str, int] | Response:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    if isinstance(exc, DomainError):
        return _domain_error(exc)
    log.exception("unhandled error on a page")
    return error_page(500)


def is_web_request() -> bool:
    names: set[str] = current_app.extensions.get("rammetal.web.blueprints", set())
    if request.blueprint is not None:
        return request.blueprint in names
    return not request.path.startswith("/api")


def security_headers(response: Response) -> Response:
    """CSP, no framing, no sniffing on every page; no-store on everything but static files."""
    if not is_web_request():
        return response
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint == STATIC_ENDPOINT:
        response.headers["Cache-Control"] = "public, max-age=3600"
    else:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def _routing_error(exc: HTTPException) -> Any:
    """An address outside /api that no page answers (404), or a method a page address does
    not take (405, with its Allow header), or a request line or header too long (414,
    431), gets the Danish page; the API keeps problem+json (the app's own handler for
    HTTPException answers those)."""
    if is_web_request():
        response = current_app.make_response(_http_error(exc))
        status = response.status_code
        allow = exc.get_response().headers.get("Allow") if status == 405 else None
        if allow:
            response.headers["Allow"] = allow
        return response
    handlers = current_app.error_handler_spec[None][None]
    for cls in type(exc).__mro__:
        handler = handlers.get(cls)
        if handler is not None:
            return handler(exc)
    return exc


def install(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # only web POSTs (see _before)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    csrf.init_app(app)
    app.after_request(security_headers)
    for status in (404, 405, 414, 431):
        app.register_error_handler(status, _routing_error)
