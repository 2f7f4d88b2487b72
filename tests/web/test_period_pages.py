"""The secretariat's period pages (/sekretariat/perioder), through the Flask client on
SQLite and PostgreSQL: create, move the deadline, close and reopen with the API's schema
and service; Danish errors in an error summary; every change audited; nothing written on
bad input."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from markupsafe import escape

from backend.audit.models import AuditEntry
from backend.db.tenancy import TenantScope, scoped
from backend.organisations.models import Organisation
from backend.periods.models import ReportingPeriod
from tests.conftest import Env
from tests.factories import make_period, make_token, make_user
from tests.web.conftest import TEST_PASSWORD, WebClient, login


def _secretariat(env: Env) -> WebClient:
    email = make_user(
        env.database, org="sekretariat-midt", role="secretariat", password=TEST_PASSWORD
    )
    return login(env.app, email, TEST_PASSWORD)


def _audit(env: Env, entity_id: str | None = None) -> list[AuditEntry]:
    with env.database.unit_of_work() as session:
        ids = session.scalars(sa.select(Organisation.id)).all()
        query = sa.select(AuditEntry).where(AuditEntry.entity == "reporting_period")
        if entity_id is not None:
            query = query.where(AuditEntry.entity_id == entity_id)
        with scoped(session, TenantScope.many(None, ids)):
            return list(session.scalars(query.order_by(AuditEntry.at)))


def _periods(env: Env) -> list[tuple[str, int, int, date, str, int]]:
    with env.database.unit_of_work() as session:
        rows = session.scalars(sa.select(ReportingPeriod).order_by(ReportingPeriod.id))
        return [(p.stream, p.aar, p.kvartal, p.frist, p.status, p.version) for p in rows]


def _summary(html: str) -> list[tuple[str, str]]:
    """The error summary's (link target, text) pairs."""
    box = re.search(r'id="fejlopsummering".*?</ul>', html, re.S)
    assert box, "no error summary"
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', box.group(0))


def test_secretariat_creates_a_period_on_the_page_audited(env: Env) -> None:
    sek = _secretariat(env)
    form = sek.get("/sekretariat/perioder/ny")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'name="frist" type="date"' in html and "Belægning (pr. kvartal)" in html
    resp = sek.post(
        "/sekretariat/perioder/ny",
        {"stream": "belaegning", "aar": "2027", "kvartal": "2", "frist": "28.07.2027"},
    )
    assert resp.status_code == 303, resp.get_data(as_text=True)
    assert resp.headers["Location"].endswith("/sekretariat/perioder#aar-2027")
    page = sek.get("/sekretariat/perioder").get_data(as_text=True)
    assert "Belægning 2027, 2. kvartal er oprettet med frist 28.07.2027." in page
    assert '<h2 id="aar-2027">2027</h2>' in page
    # the API sees it, and the audit log names the secretariat
    headers = make_token(env.database, org="sekretariat-midt", role="secretariat")
    api = env.client.get("/api/v1/periods?aar=2027", headers=headers).get_json()
    assert [(p["stream"], p["kvartal"], p["frist"]) for p in api] == [
        ("belaegning", 2, "2027-07-28")
    ]
    (entry,) = _audit(env, str(api[0]["id"]))
    assert entry.action == "create" and entry.before is None
    assert entry.after["frist"] == "2027-07-28" and entry.after["status"] == "aaben"


@pytest.mark.parametrize(
    ("form", "status", "expected"),
    [
        (
            {"stream": "", "aar": "", "kvartal": "", "frist": ""},
            422,
            [
                ("stream", "Datastrøm: Feltet skal udfyldes."),
                ("aar", "År: Feltet skal udfyldes."),
                ("frist", "Frist: Feltet skal udfyldes."),
            ],
        ),
        (
            {"stream": "regnskab", "aar": "1999", "kvartal": "", "frist": "2027-04-30"},
            422,
            [("aar", "År: Skal være mellem 2000 og 2100.")],
        ),
        (
            {"stream": "regnskab", "aar": "9" * 30, "kvartal": "", "frist": "31.02.2027"},
            422,
            [
                ("aar", "År: Ikke et gyldigt heltal."),
                ("frist", "Frist: Ikke en gyldig dato (ÅÅÅÅ-MM-DD)."),
            ],
        ),
        (
            {"stream": "belaegning", "aar": "2027", "kvartal": "", "frist": "2027-04-30"},
            422,
            [("kvartal", "Kvartal: Belægning indberettes pr. kvartal: angiv kvartal 1-4.")],
        ),
        (
            {"stream": "takster", "aar": "2027", "kvartal": "3", "frist": "2027-04-30"},
            422,
            [("kvartal", "Kvartal: Takster indberettes for et helt år: udelad kvartal.")],
        ),
        (
            {"stream": "skat", "aar": "2027", "kvartal": "7", "frist": "2027-04-30"},
            422,
            [
                ("stream", "Datastrøm: Skal være en af: belaegning, regnskab, takster, tilbud."),
                ("kvartal", "Kvartal: Skal være mellem 1 og 4."),
            ],
        ),
    ],
)
def test_bad_input_gives_danish_errors_in_a_summary_and_writes_nothing(
    env: Env, form: dict[str, str], status: int, expected: list[tuple[str, str]]
) -> None:
    sek = _secretariat(env)
    before, audited = _periods(env), len(_audit(env))
    resp = sek.post("/sekretariat/perioder/ny", form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == status
    assert "Perioden er ikke oprettet" in html
    assert "<title>Fejl: Opret indberetningsperiode – Rammetal</title>" in html
    assert sorted(_summary(html)) == sorted((k, str(escape(v))) for k, v in expected)
    for field, _message in expected:  # each field marked, its message beside it
        assert f'id="{field}-fejl"' in html and f'id="{field}"' in html
    # what was typed stays in the form
    if form["aar"]:
        assert f'value="{form["aar"]}"' in html
    assert _periods(env) == before and len(_audit(env)) == audited


def test_page_and_api_give_the_same_errors(env: Env) -> None:
    sek = _secretariat(env)
    headers = make_token(env.database, org="sekretariat-midt", role="secretariat")
    api = env.client.post(
        "/api/v1/periods",
        json={"stream": "belaegning", "aar": 2027, "frist": "2027-04-30"},
        headers=headers,
    )
    assert api.status_code == 422
    page = sek.post(
        "/sekretariat/perioder/ny",
        {"stream": "belaegning", "aar": "2027", "kvartal": "", "frist": "2027-04-30"},
    ).get_data(as_text=True)
    message = api.get_json()["errors"][0]["message"]
    assert ("kvartal", f"Kvartal: {escape(message)}") in _summary(page)


def test_a_duplicate_is_refused_with_its_name_and_nothing_written(env: Env) -> None:
    make_period(env.database, stream="regnskab", aar=2027)
    sek = _secretariat(env)
    before, audited = _periods(env), len(_audit(env))
    resp = sek.post(
        "/sekretariat/perioder/ny",
        {"stream": "regnskab", "aar": "2027", "kvartal": "", "frist": "2028-04-30"},
    )
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Der findes allerede en periode for Regnskab 2027. Ret dens frist i stedet." in html
    assert _periods(env) == before and len(_audit(env)) == audited


def test_secretariat_moves_the_deadline_closes_and_reopens_audited(env: Env) -> None:
    pid = make_period(env.database, stream="takster", aar=2027, frist=date(2027, 4, 30))
    sek = _secretariat(env)
    listing = sek.get("/sekretariat/perioder").get_data(as_text=True)
    assert f'href="/sekretariat/perioder/{pid}"' in listing
    page = sek.get(f"/sekretariat/perioder/{pid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Takster 2027</h1>" in html and 'name="version" value="1"' in html
    assert 'value="2027-04-30"' in html

    resp = sek.post(
        f"/sekretariat/perioder/{pid}", {"frist": "31.05.2027", "status": "aaben", "version": "1"}
    )
    assert resp.status_code == 303
    listing = sek.get("/sekretariat/perioder").get_data(as_text=True)
    assert "Takster 2027: fristen er flyttet fra 30.04.2027 til 31.05.2027." in listing
    assert [e.action for e in _audit(env, str(pid))] == ["create", "update"]
    moved = _audit(env, str(pid))[1]
    assert moved.action == "update"
    assert (moved.before["frist"], moved.after["frist"]) == ("2027-04-30", "2027-05-31")

    # a second tab still showing version 1: refused, nothing written, the page shows now
    stale = sek.post(
        f"/sekretariat/perioder/{pid}", {"frist": "2027-06-30", "status": "lukket", "version": "1"}
    )
    assert stale.status_code == 412
    html = stale.get_data(as_text=True)
    assert "Ændringen er ikke gemt" in html and "Perioden er ændret siden du hentede den" in html
    assert 'value="2027-05-31"' in html and 'name="version" value="2"' in html
    assert len(_audit(env, str(pid))) == 2

    closed = sek.post(
        f"/sekretariat/perioder/{pid}", {"frist": "2027-05-31", "status": "lukket", "version": "2"}
    )
    assert closed.status_code == 303
    assert "Takster 2027: perioden er lukket." in sek.get("/sekretariat/perioder").get_data(
        as_text=True
    )
    assert [e.action for e in _audit(env, str(pid))][-1:] == ["close"]
    sek.post(
        f"/sekretariat/perioder/{pid}", {"frist": "2027-05-31", "status": "aaben", "version": "3"}
    )
    assert [e.action for e in _audit(env, str(pid))] == ["create", "update", "close", "reopen"]
    assert _periods(env)[-1][3:] == (date(2027, 5, 31), "aaben", 4)


def test_a_bad_deadline_or_status_on_the_edit_page_writes_nothing(env: Env) -> None:
    pid = make_period(env.database, stream="regnskab", aar=2027)
    sek = _secretariat(env)
    before = _periods(env)
    resp = sek.post(
        f"/sekretariat/perioder/{pid}", {"frist": "", "status": "slettet", "version": "1"}
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert sorted(_summary(html)) == [
        ("frist", "Frist: Feltet skal udfyldes."),
        ("status-aaben", "Status: Skal være en af: aaben, lukket."),
    ]
    assert _periods(env) == before and len(_audit(env, str(pid))) == 1


def test_only_the_secretariat_opens_periods(env: Env) -> None:
    email = make_user(env.database, org="657", role="reporter", password=TEST_PASSWORD)
    officer = login(env.app, email, TEST_PASSWORD)
    assert officer.get("/sekretariat/perioder").status_code == 403
    before = _periods(env)
    resp = officer.post(
        "/sekretariat/perioder/ny",
        {"stream": "regnskab", "aar": "2027", "kvartal": "", "frist": "2028-04-30"},
    )
    assert resp.status_code == 403 and _periods(env) == before
