"""Browser sessions, CSRF, security headers and error pages of the web pages."""

from __future__ import annotations

import time

import sqlalchemy as sa

from backend.auth.models import LoginFailure, User
from tests.conftest import Env
from tests.web.conftest import DEMO, WebClient, csrf_from, login

COOKIE = "rammetal_session"


def _cookie(web: WebClient) -> str | None:
    c = web.client.get_cookie(COOKIE)
    return c.value if c else None


def test_root_sends_anonymous_to_login_and_users_to_their_start_page(web_env: Env) -> None:
    anonymous = web_env.client.get("/")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].endswith("/log-ind")
    for demo, start in (
        ("herning", "/indberetning"),
        ("sekretariat", "/sekretariat"),
        ("dassos", "/sammenligning"),
        ("admin", "/administration"),
    ):
        web = login(web_env.app, *DEMO[demo])
        assert web.get("/").headers["Location"].endswith(start), demo


def test_login_page_is_danish_with_labelled_fields_and_a_csrf_token(web_env: Env) -> None:
    page = web_env.client.get("/log-ind")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="da">' in html
    assert '<label class="form-label" for="email">E-mail</label>' in html
    assert 'for="password">Adgangskode</label>' in html
    assert csrf_from(html)
    assert "Tilgængelighedserklæring" in html


def test_wrong_password_shows_an_error_summary_and_keeps_the_email(web_env: Env) -> None:
    web = WebClient(web_env.client)
    web.get("/log-ind")
    resp = web.post("/log-ind", {"email": "herning@rammetal.demo", "password": "forkert"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 401
    assert "Der er et problem" in html
    assert '<a href="#email">Forkert e-mail eller adgangskode.</a>' in html
    assert 'value="herning@rammetal.demo"' in html
    assert "forkert" not in html.replace("Forkert", "")  # the password is never echoed
    assert _cookie(web) is None or "uid" not in str(web.client.get("/").headers)


def test_empty_fields_are_named_in_the_summary(web_env: Env) -> None:
    web = WebClient(web_env.client)
    web.get("/log-ind")
    html = web.post("/log-ind", {"email": "", "password": ""}).get_data(as_text=True)
    assert '<a href="#email">Skriv din e-mailadresse.</a>' in html
    assert '<a href="#password">Skriv din adgangskode.</a>' in html
    assert 'aria-invalid="true"' in html


def test_login_without_csrf_token_is_refused(web_env: Env) -> None:
    web = WebClient(web_env.client)
    web.get("/log-ind")
    resp = web.post(
        "/log-ind", {"email": "herning@rammetal.demo", "password": "demo-herning"}, csrf=False
    )
    assert resp.status_code == 400
    assert "Formularen kunne ikke sendes" in resp.get_data(as_text=True)
    assert web.get("/").headers["Location"].endswith("/log-ind")  # not logged in


def test_login_rotates_the_session_and_old_tokens_stop_working(web_env: Env) -> None:
    web = WebClient(web_env.client)
    web.get("/log-ind")
    before_cookie, before_token = _cookie(web), web.token
    resp = web.post("/log-ind", {"email": "herning@rammetal.demo", "password": "demo-herning"})
    assert resp.status_code == 303
    assert _cookie(web) != before_cookie
    # the CSRF token of the anonymous session is not valid in the new one
    refused = web.post("/log-ud", {"csrf_token": before_token})
    assert refused.status_code == 400
    assert web.get("/").headers["Location"].endswith("/indberetning")


def test_session_cookie_is_httponly_samesite_lax(web_env: Env) -> None:
    web = WebClient(web_env.client)
    web.get("/log-ind")
    resp = web.post("/log-ind", {"email": "herning@rammetal.demo", "password": "demo-herning"})
    set_cookie = resp.headers["Set-Cookie"]
    assert set_cookie.startswith(COOKIE + "=")
    assert "HttpOnly" in set_cookie
    assert "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie  # configurable: off for http://127.0.0.1 by default


def test_secure_flag_is_configurable(web_env: Env) -> None:
    from backend.app import create_app

    settings = web_env.app.config["RAMMETAL_SETTINGS"].with_overrides(session_cookie_secure=True)
    app = create_app(settings, web_env.database)
    web = WebClient(app.test_client())
    web.get("/log-ind")
    resp = web.post("/log-ind", {"email": "herning@rammetal.demo", "password": "demo-herning"})
    assert "Secure" in resp.headers["Set-Cookie"]


def test_logout_ends_the_session(web_env: Env) -> None:
    web = login(web_env.app, *DEMO["herning"])
    web.get("/tilgaengelighed")
    resp = web.post("/log-ud")
    assert resp.status_code == 303
    assert "logget_ud=1" in resp.headers["Location"]
    assert web.get("/").headers["Location"].endswith("/log-ind")
    assert "Du er logget ud." in web.get("/log-ind?logget_ud=1").get_data(as_text=True)


def test_logout_needs_post_and_csrf(web_env: Env) -> None:
    web = login(web_env.app, *DEMO["herning"])
    assert web.get("/log-ud").status_code == 405
    assert web.post("/log-ud", csrf=False).status_code == 400
    assert web.get("/").headers["Location"].endswith("/indberetning")  # still logged in


def test_idle_session_expires(web_env: Env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    web = login(web_env.app, *DEMO["herning"])
    idle = web_env.app.extensions["rammetal.web.idle_seconds"]
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + idle + 5)
    resp = web.get("/tilgaengelighed")
    assert resp.status_code == 200
    assert "Log ud" not in resp.get_data(as_text=True)  # anonymous again
    assert web.get("/").headers["Location"].endswith("/log-ind")


def test_deactivated_user_is_logged_out_at_the_next_request(web_env: Env) -> None:
    web = login(web_env.app, *DEMO["herning"])
    with web_env.database.unit_of_work() as session:
        session.scalar(sa.select(User).where(User.email == "herning@rammetal.demo")).active = False
    assert web.get("/").headers["Location"].endswith("/log-ind")


def test_failed_web_logins_count_towards_the_api_login_limit(web_env: Env) -> None:
    settings = web_env.app.config["RAMMETAL_SETTINGS"]
    web = WebClient(web_env.client)
    web.get("/log-ind")
    for _ in range(settings.login_max_failures):
        assert (
            web.post("/log-ind", {"email": "aarhus@rammetal.demo", "password": "x"}).status_code
            == 401
        )
    api = web_env.client.post(
        "/api/v1/auth/tokens", json={"email": "aarhus@rammetal.demo", "password": "demo-aarhus"}
    )
    assert api.status_code == 429
    blocked = web.post("/log-ind", {"email": "aarhus@rammetal.demo", "password": "demo-aarhus"})
    assert blocked.status_code == 429
    assert "For mange mislykkede loginforsøg" in blocked.get_data(as_text=True)
    with web_env.database.unit_of_work() as session:
        n = session.scalar(
            sa.select(sa.func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.email_key == "aarhus@rammetal.demo")
        )
    assert n == settings.login_max_failures


def test_next_is_followed_only_to_local_paths(web_env: Env) -> None:
    web = WebClient(web_env.client)
    web.get("/log-ind?next=/tilgaengelighed")
    ok = web.post(
        "/log-ind",
        {"email": "herning@rammetal.demo", "password": "demo-herning", "next": "/tilgaengelighed"},
    )
    assert ok.headers["Location"].endswith("/tilgaengelighed")
    web2 = WebClient(web_env.app.test_client())
    web2.get("/log-ind")
    evil = web2.post(
        "/log-ind",
        {"email": "herning@rammetal.demo", "password": "demo-herning", "next": "//evil.example"},
    )
    assert evil.headers["Location"].endswith("/indberetning")


def test_pages_carry_the_security_headers(web_env: Env) -> None:
    web = login(web_env.app, *DEMO["herning"])
    for path in ("/log-ind", "/tilgaengelighed", "/findes-ikke"):
        resp = web.get(path)
        csp = resp.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "default-src 'none'" in csp
        assert resp.headers["Cache-Control"] == "no-store"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    static = web.get("/assets/dkfds/css/dkfds.min.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers["Cache-Control"]
    static.close()


def test_api_keeps_problem_json_and_bearer_tokens(web_env: Env) -> None:
    web = login(web_env.app, *DEMO["herning"])
    missing = web.get("/api/v1/findes-ikke")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    # the browser session is not an API credential
    assert web.get("/api/v1/me").status_code == 401


def test_unknown_page_is_a_danish_404(web_env: Env) -> None:
    resp = web_env.client.get("/findes-ikke")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    assert "Siden findes ikke" in resp.get_data(as_text=True)


def test_the_platform_admin_lands_on_a_page_it_may_see(web_env: Env) -> None:
    """The admin reads no agreement's data on the pages: its start page says what it does
    (and the navigation points there), not the 403 of /sammenligning."""
    web = login(web_env.app, *DEMO["admin"])
    start = web.get("/").headers["Location"]
    page = web.get(start)
    html = page.get_data(as_text=True)
    assert page.status_code == 200, start
    assert "Administration af platformen" in html and "rammetal tokens issue" in html
    assert 'href="/administration"' in html and 'href="/sammenligning"' not in html
    assert web.get("/sammenligning").status_code == 403
