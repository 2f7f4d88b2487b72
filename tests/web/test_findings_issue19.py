"""The findings of the page fuzzing (issue 19, item 3), each sent through the page and the
API on SQLite and PostgreSQL (as the app's RLS-bound role): no 5xx, a Danish 4xx page or
problem+json, and nothing written."""

from __future__ import annotations

import io
import re
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from backend.auth.models import LoginFailure
from backend.reports.models import ReportSnapshot
from backend.submissions.models import Submission
from backend.submissions.states import SubmissionStatus
from tests.conftest import Env, _make_env
from tests.factories import make_offer, make_period, make_token, tenant_checksum
from tests.web import support
from tests.web.conftest import DEMO, WebClient, login
from tests.web.test_pages import _filled, _template, _upload

OVER_32 = str(2**31)
MAX_64 = str(2**63 - 1)
OVER_64 = "9" * 30


def _danish_page(resp: Any, *statuses: int) -> str:
    html = resp.get_data(as_text=True)
    assert resp.status_code in statuses, (resp.status_code, html[:1500])
    assert resp.mimetype == "text/html"
    assert '<html lang="da">' in html
    assert "Internal Server Error" not in html
    return html


def _problem(resp: Any, *statuses: int) -> dict[str, Any]:
    assert resp.status_code in statuses, (resp.status_code, resp.get_data(as_text=True)[:800])
    assert resp.mimetype == "application/problem+json"
    assert resp.json["detail"]
    return resp.json


def _all_submissions(env: Env) -> list[tuple[str, str, str | None]]:
    from backend.db.tenancy import TenantScope, scoped
    from backend.organisations.models import Organisation

    with env.database.unit_of_work() as s:
        ids = s.scalars(sa.select(Organisation.id)).all()
        with scoped(s, TenantScope.many(None, ids)):
            rows = s.execute(
                sa.select(Submission.file_name, Submission.status, Submission.decision_comment)
            ).all()
    return [tuple(r) for r in rows]


# --- 1. integers between 2^31 and 2^63 - 1, and years the pages cannot read --------------


def test_ids_and_years_beyond_32_bits_are_4xx_on_pages_and_api(full_env: Env) -> None:
    env = full_env
    support.publish(env)  # a published year: the comparison pages read their parameters
    sek_api = make_token(env.database, org="sekretariat-midt", role="secretariat")
    reporter_api = make_token(env.database, org="657", role="reporter")
    before = tenant_checksum(env.database)
    for number in (OVER_32, MAX_64):
        for headers, method, path in (
            (sek_api, "GET", f"/api/v1/periods/{number}"),
            (sek_api, "PATCH", f"/api/v1/periods/{number}"),
            (reporter_api, "GET", f"/api/v1/periods/{number}/templates/regnskab"),
            (reporter_api, "POST", f"/api/v1/periods/{number}/submissions/regnskab"),
            (reporter_api, "DELETE", f"/api/v1/auth/tokens/{number}"),
            (sek_api, "GET", f"/api/v1/reports/ledelsesinformation/{number}"),
            (sek_api, "POST", f"/api/v1/reports/ledelsesinformation/{number}/publish"),
            (sek_api, "GET", f"/api/v1/reports/ledelsesinformation/2017?version={number}"),
            (sek_api, "GET", f"/api/v1/udgiftsbehov/{number}"),
            (sek_api, "POST", f"/api/v1/udgiftsbehov/{number}/publish"),
            (reporter_api, "GET", f"/api/v1/offers?aar={number}"),
            (reporter_api, "GET", f"/api/v1/submissions?period_id={number}"),
            (reporter_api, "GET", f"/api/v1/noegletal?aar={number}"),
            (sek_api, "GET", f"/api/v1/periods?aar={number}"),
            (reporter_api, "GET", f"/api/v1/reference/population?aar={number}"),
        ):
            resp = env.client.open(path, method=method, headers=headers, json={})
            _problem(resp, 404, 422)

    officer = login(env.app, *DEMO["herning"])
    sek = login(env.app, *DEMO["sekretariat"])
    viewer = login(env.app, *DEMO["dassos"])
    for number in (OVER_32, MAX_64, OVER_64):
        for web, method, path in (
            (officer, "GET", f"/indberetning/{number}"),
            (officer, "GET", f"/indberetning/{number}/skabelon.xlsx"),
            (officer, "GET", f"/indberetning/{number}/versioner.xlsx"),
            (officer, "POST", f"/indberetning/{number}/indsend"),
            (sek, "GET", f"/ledelsesinformation/{number}"),
            (sek, "GET", f"/ledelsesinformation/{number}.xlsx"),
            (sek, "GET", f"/ledelsesinformation/2017?version={number}"),
            (sek, "GET", f"/ledelsesinformation/2017.csv?version={number}"),
            (sek, "POST", f"/ledelsesinformation/{number}/offentliggoer"),
            (sek, "POST", f"/sekretariat/modelkoersler/{number}/offentliggoer"),
            (viewer, "GET", f"/sammenligning?aar={number}"),
            (viewer, "GET", f"/kommune/751?aar={number}"),
        ):
            resp = web.get(path) if method == "GET" else web.post(path)
            _danish_page(resp, 400, 404, 422)
        board = sek.get(f"/sekretariat?aar={number}")
        assert board.status_code == 200  # an unknown year is an empty board
    for odd in ("²", "①", "٢٠١٧", "2017.0"):
        _danish_page(viewer.get(f"/sammenligning?aar={odd}"), 400, 404)
        _danish_page(viewer.get(f"/kommune/751?aar={odd}"), 400, 404)
        _danish_page(sek.get(f"/ledelsesinformation/2017?version={odd}"), 404)
        assert sek.get(f"/sekretariat?aar={odd}").status_code == 200
    assert "er ikke et årstal" in viewer.get("/sammenligning?aar=²").get_data(as_text=True)
    assert tenant_checksum(env.database) == before


# --- 4. next= with CR/LF --------------------------------------------------------------------


def test_next_with_cr_lf_is_ignored_at_login_and_for_a_logged_in_user(env: Env) -> None:
    bad = "/sammenligning%0d%0aSet-Cookie:%20x=1"
    anonymous = WebClient(env.client)
    page = anonymous.get(f"/log-ind?next={bad}")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.get_data(as_text=True)
    email, password = DEMO["herning"]
    raw = "/sammenligning\r\nSet-Cookie: x=1"
    resp = anonymous.post("/log-ind", {"email": email, "password": password, "next": raw})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/indberetning")
    again = anonymous.get(f"/log-ind?next={bad}")
    assert again.status_code == 302 and again.headers["Location"].endswith("/indberetning")
    assert "x=1" not in str(again.headers)


# --- 2, 3, 8. control characters, NUL and lengths in forms, files and exports -------------


def test_login_email_with_nul_or_too_long_is_a_danish_422_and_writes_nothing(env: Env) -> None:
    for email in ("herning@rammetal.demo\x00", "a" * 250 + "@x.dk", "he\x01@x.dk"):
        web = WebClient(env.client)
        web.get("/log-ind")
        html = _danish_page(web.post("/log-ind", {"email": email, "password": "x"}), 422)
        assert "kontroltegn" in html or "højst være 254 tegn" in html
        api = env.client.post("/api/v1/auth/tokens", json={"email": email, "password": "x"})
        _problem(api, 422)
    with env.database.unit_of_work() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 0


def test_control_characters_never_break_the_xlsx_exports(env: Env) -> None:
    pid = make_period(env.database, stream="regnskab", aar=2018)
    web = login(env.app, *DEMO["herning"])
    template = _template(web, pid)
    bad = _filled(template, bad=True).replace(b";abc;", b";ab\x01c\x00;", 1)
    rejected = _upload(web, pid, bad)
    assert rejected.status_code == 422
    signed = re.search(r'name="fejl" value="([^"]+)"', rejected.get_data(as_text=True)).group(1)
    xlsx = web.post(f"/indberetning/{pid}/fejl.xlsx", {"fejl": signed})
    assert xlsx.status_code == 200, xlsx.get_data(as_text=True)[:500]
    cells = [c for row in load_workbook(io.BytesIO(xlsx.data)).active.values for c in row]
    assert "abc" in cells  # the control characters left out, the text kept

    # a file name with controls, a path and a bidi override is stored as its clean base name
    name = "../../etc/regn\x01skab\x00\u202egpj.csv"
    assert _upload(web, pid, _filled(template), name=name).status_code == 303
    reporter = make_token(env.database, org="657", role="reporter")
    api = env.client.post(
        f"/api/v1/periods/{pid}/submissions/regnskab",
        headers={**reporter, "X-Filename": "..\\..\\x\x7f\u202eyy.csv"},
        data=_filled(template).replace(b"1000000", b"1000001"),
        content_type="text/csv",
    )
    assert api.status_code == 201, api.get_data(as_text=True)[:500]
    assert api.json["file_name"] == "xyy.csv"
    assert sorted(n for n, _s, _c in _all_submissions(env)) == ["regnskabgpj.csv", "xyy.csv"]

    # a comment stored with a control character (before the forms refused them) still exports
    from backend.db.tenancy import TenantScope, scoped
    from backend.organisations.models import Organisation

    with env.database.unit_of_work() as s:
        org = s.scalar(sa.select(Organisation).where(Organisation.kode == "657"))
        with scoped(s, TenantScope.single(org.id)):
            for sub in s.scalars(sa.select(Submission)):
                sub.decision_comment = "Tjek\x01 linje\x0b 3"
            s.flush()
    versions = web.get(f"/indberetning/{pid}/versioner.xlsx")
    assert versions.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(versions.data)).active.values for c in row]
    assert "Tjek linje 3" in cells


def _submitted_registry(env: Env, navn: str) -> str:
    """A submitted registry version of Herning (657) with a new offer named ``navn``."""
    period_id = make_period(env.database, stream="tilbud", aar=2018)
    reporter = make_token(env.database, org="657", role="reporter")
    data = (
        "tilbud_id;navn;maalgruppe;tilbudstype;normering;omfattet;gyldig_fra\r\n"
        f";{navn};misbrug;dag;4;nej;2018-01-01\r\n"
    ).encode()
    sub = env.client.post(
        f"/api/v1/periods/{period_id}/submissions/tilbud",
        headers=reporter,
        data=data,
        content_type="text/csv",
    )
    assert sub.status_code == 201, sub.get_data(as_text=True)[:800]
    sid = sub.json["id"]
    assert env.client.post(f"/api/v1/submissions/{sid}/submit", headers=reporter).status_code == 200
    return str(sid)


def test_comments_with_controls_or_too_long_are_refused_on_page_and_api(env: Env) -> None:
    sid = _submitted_registry(env, "Kommentartilbud")
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")
    sek = login(env.app, *DEMO["sekretariat"])
    before = tenant_checksum(env.database)
    for comment in ("Afvist\x00", "Afvist\x01", "x" * 100_000, "ok\x07" * 30_000):
        page = sek.post(
            "/sekretariat/beslutning",
            {"indberetning": sid, "handling": "afvis", "kommentar": comment, "aar": "2018"},
        )
        if page.status_code == 303:  # refused with a message on the board
            board = _danish_page(sek.get("/sekretariat?aar=2018"), 200)
            assert "Ikke gemt" in board and "højst være 4.000 tegn" in board
        else:
            assert "kontroltegn" in _danish_page(page, 422)
        for action in ("reject", "approve"):
            api = env.client.post(
                f"/api/v1/submissions/{sid}/{action}",
                headers=secretariat,
                json={"kommentar": comment},
            )
            _problem(api, 422)
    assert tenant_checksum(env.database) == before


# --- 5. approving a registry version that collides with an existing offer ----------------


def test_a_colliding_registry_approval_is_409_and_a_danish_refusal(env: Env) -> None:
    sid = _submitted_registry(env, "Kollision")
    make_offer(env.database, org="657", navn="Kollision", maalgruppe="misbrug", tilbudstype="dag")
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")
    before = tenant_checksum(env.database)
    api = env.client.post(f"/api/v1/submissions/{sid}/approve", headers=secretariat, json={})
    assert _problem(api, 409)["code"] == "tilbud_findes"
    assert tenant_checksum(env.database) == before

    sek = login(env.app, *DEMO["sekretariat"])
    page = sek.post(
        "/sekretariat/beslutning",
        {"indberetning": sid, "handling": "godkend", "kommentar": "fint", "aar": "2018"},
    )
    assert page.status_code == 303, page.get_data(as_text=True)[:800]
    board = _danish_page(sek.get("/sekretariat?aar=2018"), 200)
    assert "allerede et tilbud med samme navn" in board
    assert tenant_checksum(env.database) == before  # nothing committed after the refusal
    assert [s for _n, s, _c in _all_submissions(env)] == [SubmissionStatus.INDSENDT]


# --- 6. two simultaneous publishes of a year --------------------------------------------


@pytest.fixture
def pg_full_env(request: pytest.FixtureRequest, tmp_path: Any):  # type: ignore[no-untyped-def]
    e = _make_env("postgres", request, tmp_path, full=True)
    yield e
    e.release()


@pytest.mark.postgres
def test_two_simultaneous_publishes_are_one_winner_and_one_refusal(
    pg_full_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.reports import service as reports

    env = pg_full_env
    both_computed = threading.Barrier(2, timeout=60)
    original = reports.draft

    def draft(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        both_computed.wait()  # both read the latest version and built the draft
        return result

    headers = make_token(env.database, org="sekretariat-midt", role="secretariat")
    sek = login(env.app, *DEMO["sekretariat"])
    sek.get("/ledelsesinformation/2017")
    monkeypatch.setattr(reports, "draft", draft)
    results: dict[str, Any] = {}

    def by_api() -> None:
        results["api"] = env.app.test_client().post(  # type: ignore[attr-defined]
            "/api/v1/reports/ledelsesinformation/2017/publish", headers=headers
        )

    def by_page() -> None:
        results["page"] = sek.post("/ledelsesinformation/2017/offentliggoer")

    threads = [threading.Thread(target=by_api), threading.Thread(target=by_page)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    api, page = results["api"], results["page"]
    assert page.status_code == 303
    monkeypatch.setattr(reports, "draft", original)
    shown = sek.get(page.headers["Location"]).get_data(as_text=True)
    if api.status_code == 201:  # the API won: the page says so in Danish
        assert "blev offentliggjort af en anden samtidig" in shown
    else:
        assert _problem(api, 409)["code"] == "samtidig_offentliggoerelse"
        assert "er offentliggjort som version 1" in shown
    with env.database.unit_of_work() as s:
        versions = s.scalars(sa.select(ReportSnapshot.version)).all()
    assert versions == [1]


def test_publish_refuses_when_another_version_appeared_meanwhile(
    full_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal on both databases: a version that appears while the draft is built."""
    from backend.reports import service as reports

    env = full_env
    headers = support.publish(env)
    monkeypatch.setattr(reports, "_latest_version", _counting(reports._latest_version))
    resp = env.client.post("/api/v1/reports/ledelsesinformation/2017/publish", headers=headers)
    assert _problem(resp, 409)["code"] == "samtidig_offentliggoerelse"
    sek = login(env.app, *DEMO["sekretariat"])
    sek.get("/ledelsesinformation/2017")
    page = sek.post("/ledelsesinformation/2017/offentliggoer")
    assert page.status_code == 303
    shown = _danish_page(sek.get(page.headers["Location"]), 200)
    assert "blev offentliggjort af en anden samtidig" in shown
    with env.database.unit_of_work() as s:
        assert s.scalars(sa.select(ReportSnapshot.version)).all() == [1]


def _counting(latest):  # type: ignore[no-untyped-def]
    """``_latest_version`` that reports one version fewer on its first call of a publish
    (the version a simultaneous publish added after this one began)."""
    calls = {"n": 0}

    def wrapped(*args: Any) -> int:
        calls["n"] += 1
        value = int(latest(*args))
        return value - 1 if calls["n"] % 2 == 1 else value

    return wrapped


# --- 7. the Danish error page after a database error -------------------------------------


def test_the_danish_error_page_renders_after_a_database_error(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.web.indberetning import routes

    def broken(session: Any, **_kwargs: Any) -> Any:
        session.execute(sa.text("SELECT * FROM table_that_does_not_exist"))

    monkeypatch.setattr(routes.periods, "list_periods", broken)
    env.app.config["PROPAGATE_EXCEPTIONS"] = False  # type: ignore[attr-defined]
    web = login(env.app, *DEMO["herning"])
    html = _danish_page(web.get("/indberetning"), 500)
    assert "Der opstod en fejl" in html
    assert "Herning" in html  # the page's context read the user after the rollback


# --- 9. "Log ud" ends the session on the server ------------------------------------------


def test_log_out_ends_the_session_on_the_server(env: Env) -> None:
    web = login(env.app, *DEMO["herning"])
    cookie = web.client.get_cookie("rammetal_session").value
    assert web.get("/indberetning").status_code == 200
    assert web.post("/log-ud").status_code == 303
    thief = env.app.test_client()  # type: ignore[attr-defined]
    thief.set_cookie("rammetal_session", cookie)
    resp = thief.get("/indberetning")
    assert resp.status_code == 302 and "/log-ind" in resp.headers["Location"]
    again = login(env.app, *DEMO["herning"])  # a new login works
    assert again.get("/indberetning").status_code == 200


# --- 10. 405, 414 and 431 -------------------------------------------------------------------


def test_405_414_431_are_the_danish_page_or_problem_json(env: Env) -> None:
    web = login(env.app, *DEMO["herning"])
    for method, path in (("POST", "/sammenligning"), ("GET", "/log-ud"), ("PUT", "/log-ind")):
        resp = web.client.open(path, method=method)
        html = _danish_page(resp, 405)
        assert "Ikke tilladt" in html and resp.headers.get("Allow")
    api = env.client.put("/api/v1/noegletal")
    _problem(api, 405)

    long_query = "x=" + "a" * 9000
    assert "for lang" in _danish_page(web.get(f"/sammenligning?{long_query}"), 414)
    assert "for lang" in _danish_page(web.get("/findes-ikke/" + "a" * 9000), 414)
    _problem(env.client.get(f"/api/v1/noegletal?{long_query}"), 414)
    big = {"X-Stor": "b" * 9000}
    assert "for store" in _danish_page(web.get("/sammenligning", headers=big), 431)
    _problem(env.client.get("/api/v1/noegletal", headers=big), 431)
    many = {f"X-H{i}": "1" for i in range(120)}
    _problem(env.client.get("/api/v1/noegletal", headers=many), 431)


def test_gunicorn_leaves_long_lines_and_headers_to_the_app() -> None:
    from backend import gunicorn_conf
    from backend.http import guard

    assert gunicorn_conf.limit_request_line == 0  # no limit of its own (1 MiB in its parser)
    assert gunicorn_conf.limit_request_field_size > guard.MAX_HEADER_FIELD
    assert gunicorn_conf.limit_request_fields > guard.MAX_HEADERS


def test_the_cli_bounds_ids_and_years_like_the_api(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from backend.cli import main

    monkeypatch.setenv("RAMMETAL_DATABASE_URL", env.url)
    for args in (
        ["report", "ledelsesinformation", "--year", OVER_32],
        ["report", "ledelsesinformation", "--year", "²"],
        ["model", "show", MAX_64],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "er ikke et heltal i det tilladte område" in result.output


@pytest.mark.slow
def test_under_gunicorn_long_lines_and_headers_get_the_apps_danish_answer(
    sqlite_env: Env, tmp_path: Any
) -> None:
    """gunicorn (the settings of ``rammetal serve``) lets a 20.000-character address or
    header through; the app answers 414/431 as the Danish page or problem+json."""
    import http.client
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environ = {**os.environ, "RAMMETAL_DATABASE_URL": sqlite_env.url, "PYTHONPATH": str(root)}
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:backend.gunicorn_conf"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "tests.backend.gunicorn_slow_app:app"],
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=root,
    )

    def fetch(path: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.getheader("Content-Type") or "", resp.read().decode()
        finally:
            conn.close()

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if fetch("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.2)
        long = "?x=" + "a" * 20_000
        status, kind, body = fetch("/sammenligning" + long)
        assert (status, kind.split(";")[0]) == (414, "text/html") and 'lang="da"' in body
        status, kind, body = fetch("/api/v1/noegletal" + long)
        assert (status, kind) == (414, "application/problem+json"), body[:300]
        status, kind, body = fetch("/log-ind", {"X-Stor": "b" * 20_000})
        assert (status, kind.split(";")[0]) == (431, "text/html") and 'lang="da"' in body
        status, kind, body = fetch("/api/v1/noegletal", {"X-Stor": "b" * 20_000})
        assert (status, kind) == (431, "application/problem+json"), body[:300]
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()
