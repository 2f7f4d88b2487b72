"""Browser sessions: a signed, HttpOnly, SameSite=Lax cookie holding the user id, a nonce
and the time of the last request; the principal it yields is the API's own Principal.

- A new session at login (everything from before is dropped: no fixation, no CSRF token
  from before the login), ``/log-ud`` (POST) clears it and ends it on the server: the
  user's session version (part of the nonce) is incremented, so a copied cookie of the
  ended session is refused at its next request.
- Idle expiry: a request more than ``session_idle_minutes`` after the previous one finds
  the session ended (checked here, and the cookie's signed timestamp expires too).
- Each request re-reads the user: a deactivated user, or one whose password changed
  (the nonce), is logged out at the next request.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, url_for
from flask import session as cookie

from backend.auth import service as auth_service
from backend.auth.models import User
from backend.config import DEFAULT_SQLITE_PATH, Settings
from backend.context import Principal, set_principal
from backend.db.tenancy import apply_scope, set_scope
from backend.errors import Forbidden
from backend.http import session as db_session
from backend.policy import Permission, can, grants

F = TypeVar("F", bound=Callable[..., Any])

COOKIE_NAME = "rammetal_session"
_UID, _NONCE, _SEEN, _SID = "uid", "nonce", "seen", "sid"

#: Where a user starts after login (``/``): the first page whose permission they hold.
START_PAGES: tuple[tuple[Permission, str], ...] = (
    (Permission.REPORT, "/indberetning"),
    (Permission.DECIDE, "/sekretariat"),
    (Permission.ADMINISTER_PLATFORM, "/administration"),
)
DEFAULT_START_PAGE = "/sammenligning"


def configure(app: Flask, settings: Settings) -> None:
    app.secret_key = settings.secret_key or _secret_key(settings)
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
    )
    app.extensions["rammetal.web.idle_seconds"] = settings.session_idle_minutes * 60


def _secret_key(settings: Settings) -> str:
    """No RAMMETAL_SECRET_KEY: a per-process key when testing; otherwise a random key kept
    in ``var/secret_key`` beside the embedded database, shared by every worker."""
    if settings.testing:
        return secrets.token_hex(32)
    path = Path(
        os.environ.get("RAMMETAL_SECRET_KEY_FILE") or DEFAULT_SQLITE_PATH.parent / "secret_key"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        key = secrets.token_hex(32)
        fh.write(key)
    return key


def start(user: User) -> None:
    """A new session for ``user``: whatever the browser had before is dropped."""
    cookie.clear()
    cookie[_SID] = secrets.token_urlsafe(16)
    cookie[_UID] = user.id
    cookie[_NONCE] = auth_service.session_nonce(user)
    cookie[_SEEN] = int(time.time())
    cookie.permanent = True


def end() -> None:
    cookie.clear()


def load_principal() -> None:
    """Before every web request: the session's principal and tenant scope, as
    ``backend.http`` does for a bearer token (a bearer token, if sent, wins)."""
    if g.get("principal") is not None:
        return
    uid = cookie.get(_UID)
    if uid is None:
        return
    now = int(time.time())
    from flask import current_app

    idle = current_app.extensions["rammetal.web.idle_seconds"]
    if now - int(cookie.get(_SEEN, 0)) > idle:
        cookie.clear()
        g.session_expired = True
        return
    s = db_session()
    p = auth_service.principal_for_session(s, int(uid), str(cookie.get(_NONCE, "")))
    if p is None:
        cookie.clear()
        return
    cookie[_SEEN] = now
    scope = auth_service.principal_scope(s, p)
    g.principal = p
    g.tokens = [*g.get("tokens", []), set_principal(p), set_scope(scope)]
    apply_scope(s, scope)  # the transaction began before the principal was known


def current_principal() -> Principal | None:
    """The logged-in principal of this request (the same object the API uses), or None."""
    return g.get("principal")


def start_page(role: str) -> str:
    """The path a role starts on (``/`` and after login)."""
    granted = grants(role)
    for permission, path in START_PAGES:
        if permission in granted:
            return path
    return DEFAULT_START_PAGE


#: What a Location header cannot carry as sent: controls (CR and LF included), spaces,
#: DEL and the C1 controls.
_UNSAFE_IN_LOCATION = re.compile(r"[\x00-\x20\x7f-\x9f]")


def safe_next(target: str | None) -> str | None:
    """A local path to return to after login, or None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if _UNSAFE_IN_LOCATION.search(target):
        return None  # CR/LF would split the Location header; controls and spaces too
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def login_required(permission: Permission = Permission.READ_CATALOGUE) -> Callable[[F], F]:
    """Anonymous → redirect to /log-ind?next=…; without ``permission`` → the 403 page."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            p = current_principal()
            if p is None:
                target = request.full_path if request.query_string else request.path
                params: dict[str, Any] = {"next": target}
                if g.get("session_expired"):
                    params["udloebet"] = "1"
                return redirect(url_for("login.log_ind", **params))
            if not can(p, permission):
                raise Forbidden("Din rolle giver ikke adgang til denne side.")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
