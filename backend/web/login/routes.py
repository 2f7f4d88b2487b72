"""``/log-ind`` (e-mail and password; the API login's rate limit) and ``/log-ud`` (POST),
which ends the user's browser sessions on the server (their session version)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from backend.auth import service as auth_service
from backend.fields import MAX_EMAIL, MAX_PASSWORD, text_problem
from backend.http import session as db_session
from backend.web import session as web_session
from backend.web.blueprint import web_blueprint

bp = web_blueprint("login", __name__)


def _form(errors: list[tuple[str, str]], *, email: str = "", status: int = 200):
    return (
        render_template(
            "login/log_ind.html",
            errors=errors,
            field_errors=dict(errors),
            email=email,
            next=web_session.safe_next(request.values.get("next")) or "",
            expired=request.args.get("udloebet") == "1",
            logged_out=request.args.get("logget_ud") == "1",
        ),
        status,
    )


@bp.get("/log-ind")
def log_ind():
    p = web_session.current_principal()
    if p is not None:
        return redirect(
            web_session.safe_next(request.args.get("next")) or web_session.start_page(p.role)
        )
    return _form([])


@bp.post("/log-ind")
def log_ind_post():
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    errors = []
    if not email:
        errors.append(("email", "Skriv din e-mailadresse."))
    elif problem := text_problem(email, max_length=MAX_EMAIL):
        errors.append(("email", f"E-mailadressen kan ikke bruges: {problem}"))
        email = ""  # not shown back: it cannot be stored or rendered as sent
    if not password:
        errors.append(("password", "Skriv din adgangskode."))
    elif problem := text_problem(password, max_length=MAX_PASSWORD):
        errors.append(("password", f"Adgangskoden kan ikke bruges: {problem}"))
    if errors:
        return _form(errors, email=email, status=422)
    settings = current_app.config["RAMMETAL_SETTINGS"]
    try:
        user = auth_service.check_login(
            db_session(),
            email=email,
            password=password,
            remote_addr=request.remote_addr,
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_window_seconds,
        )
    except auth_service.TooManyAttempts as exc:
        minutes = max(1, exc.retry_after // 60)
        message = f"For mange mislykkede loginforsøg. Prøv igen om {minutes} minutter."
        return _form([("email", message)], email=email, status=429)
    except auth_service.AuthError:
        return _form([("email", "Forkert e-mail eller adgangskode.")], email=email, status=401)
    web_session.start(user)
    target = web_session.safe_next(request.form.get("next"))
    return redirect(target or web_session.start_page(user.role), code=303)


@bp.post("/log-ud")
def log_ud():
    p = web_session.current_principal()
    if p is not None:  # ended on the server too: a copy of the cookie no longer works
        auth_service.end_sessions(db_session(), p.user_id)
    web_session.end()
    return redirect(url_for("login.log_ind", logget_ud="1"), code=303)
