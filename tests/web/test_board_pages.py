"""The secretariat's board (/sekretariat) and the officer's start page (/indberetning),
through the Flask client on SQLite and PostgreSQL: words that separate "Ikke indsendt
(frist om 39 dage)" from "Mangler – fristen er overskredet", lateness as a date, totals
per column, filters by stream and state (the download filtered alike), one approval queue
across years, and the officer's "Skal indberettes" apart from "Afsluttet"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from backend.db.base import utcnow
from backend.web.format import LOCAL_TZ, danish_date
from tests.conftest import Env
from tests.factories import make_period, make_token, make_user, upload_submission
from tests.web.conftest import TEST_PASSWORD, WebClient, login
from tests.web.support import tables


def _filled(env: Env, pid: int, org: str, aar: int) -> bytes:
    headers = make_token(env.database, org=org, role="reporter")
    resp = env.client.get(f"/api/v1/periods/{pid}/templates/regnskab?format=csv", headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    lines = resp.data.decode("utf-8-sig").strip().splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        offer, name = line.split(";")[:2]
        out.append(f"{offer};{name};{1_000_000 + i};10;0;0;;{aar}")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def _danish_day():  # type: ignore[no-untyped-def]
    return utcnow().astimezone(LOCAL_TZ).date()


def _days(n: int) -> str:
    return "1 dag" if n == 1 else f"{n} dage"


def _user(env: Env, org: str, role: str) -> WebClient:
    return login(
        env.app, make_user(env.database, org=org, role=role, password=TEST_PASSWORD), TEST_PASSWORD
    )


@pytest.fixture
def world(env: Env) -> dict:
    today = utcnow().date()
    late = make_period(env.database, stream="regnskab", aar=2029, frist=today - timedelta(days=5))
    soon = make_period(env.database, stream="regnskab", aar=2030, frist=today + timedelta(days=39))
    overdue = make_period(
        env.database, stream="belaegning", aar=2030, kvartal=1, frist=today - timedelta(days=1)
    )
    upload_submission(
        env.database,
        org="751",
        period_id=late,
        stream="regnskab",
        data=_filled(env, late, "751", 2029),
        submit=True,
    )
    upload_submission(
        env.database,
        org="657",
        period_id=late,
        stream="regnskab",
        data=_filled(env, late, "657", 2029),
    )
    upload_submission(
        env.database,
        org="657",
        period_id=soon,
        stream="regnskab",
        data=_filled(env, soon, "657", 2030),
        submit=True,
    )
    return {"today": today, "late": late, "soon": soon, "overdue": overdue}


def _board(sek: WebClient, query: str) -> tuple[str, list[str], dict[str, list[str]]]:
    """The page, the board table's column headers and its rows (name → cells)."""
    html = sek.get(f"/sekretariat?{query}").get_data(as_text=True)
    head = re.search(
        r'<table class="table table--compact rt-table rt-board">.*?</thead>', html, re.S
    )
    assert head, "no board table"
    headers = [
        re.sub(r"<[^>]+>|\s+", " ", h).strip()
        for h in re.findall(r'<th scope="col">(.*?)</th>', head.group(0), re.S)
    ]
    board = tables(html)[-1]
    return html, headers, {r["cells"][0]: r["cells"][1:] for r in board}


def test_board_words_totals_and_filters(env: Env, world: dict) -> None:
    sek = _user(env, "sekretariat-midt", "secretariat")
    html, headers, rows = _board(sek, "aar=2030")
    n = len(rows)
    assert n > 2
    belaegning, regnskab = headers[1], headers[2]
    assert (
        belaegning.startswith("Belægning 2030, 1. kvartal")
        and f"0 af {n} har indsendt, {n} mangler" in belaegning
    )
    assert regnskab.startswith("Regnskab 2030") and f"1 af {n} har indsendt" in regnskab
    assert "mangler" not in regnskab
    today = danish_date(utcnow())  # the day the versions were sent, as the page shows it
    late = _days((_danish_day() - world["today"]).days + 5)
    assert rows["Herning"] == [
        "Mangler fristen er overskredet",
        f"Indsendt version 1, indsendt {today}",
    ]
    assert rows["Aarhus"] == ["Mangler fristen er overskredet", "Ikke indsendt frist om 39 dage"]
    assert "for sent" not in html

    # the year before: a late submission shows its date, a draft past the deadline is missing
    _html, _headers, rows = _board(sek, "aar=2029")
    assert rows["Aarhus"] == [f"Indsendt version 1, indsendt {today}, {late} efter fristen"]
    assert rows["Herning"] == ["Mangler fristen er overskredet kladde, version 1"]

    # filters: the state leaves the rows, the stream the columns; the totals count everyone
    html, headers, rows = _board(sek, "aar=2030&status=indsendt")
    assert list(rows) == ["Herning"] and f"Viser 1 af {n} organisationer" in html
    assert f"1 af {n} har indsendt" in headers[2]
    _html, headers, rows = _board(sek, "aar=2030&stroem=belaegning&status=mangler")
    assert len(headers) == 2 and headers[1].startswith("Belægning 2030") and len(rows) == n
    # an unknown filter is ignored, not an error
    assert sek.get("/sekretariat?aar=2030&stroem=skat&status=x").status_code == 200

    # the download: the page's words and totals, filtered alike
    csv = sek.get("/sekretariat/tavle.csv?aar=2029").get_data(as_text=True)
    assert f"Aarhus;Indsendt, version 1, indsendt {today}, {late} efter fristen" in csv
    assert "Herning;Mangler – fristen er overskredet (kladde, version 1)" in csv
    assert f"I alt;1 af {n} har indsendt, {n - 1} mangler" in csv
    filtered = sek.get("/sekretariat/tavle.csv?aar=2030&status=indsendt").get_data(as_text=True)
    body = [line.lstrip("\ufeff") for line in filtered.splitlines() if ";" in line]
    assert body[0].startswith("Organisation;Belægning 2030, 1. kvartal")
    assert [line.split(";")[0] for line in body[1:]] == ["Herning", "I alt"]
    page = sek.get("/sekretariat?aar=2030&status=indsendt").get_data(as_text=True)
    assert "/sekretariat/tavle.csv?aar=2030&amp;status=indsendt" in page


def test_one_approval_queue_across_years(env: Env, world: dict) -> None:
    sek = _user(env, "sekretariat-midt", "secretariat")
    html = sek.get("/sekretariat?aar=2030").get_data(as_text=True)
    assert "Venter på godkendelse (2)" in html
    assert (
        "Aarhus: Regnskab 2029, version 1" in html and "Herning: Regnskab 2030, version 1" in html
    )
    assert html.index("Aarhus: Regnskab 2029") < html.index(
        "Herning: Regnskab 2030"
    )  # oldest first
    assert "(efter fristen" in html.split("Aarhus: Regnskab 2029", 1)[1].split("</p>", 1)[0]


def test_no_ledelsesinformation_link_before_an_approved_account(env: Env, world: dict) -> None:
    sek = _user(env, "sekretariat-midt", "secretariat")
    html = sek.get("/sekretariat?aar=2030").get_data(as_text=True)
    assert "/ledelsesinformation/2030" not in html
    assert (
        "Ledelsesinformationen for 2030 kan ses, når det første regnskab for 2030 er godkendt."
        in html
    )


def test_officer_start_page_splits_to_do_from_done(env: Env, world: dict) -> None:
    officer = _user(env, "657", "reporter")
    html = officer.get("/indberetning").get_data(as_text=True)
    todo, done = html.split('id="afsluttet"')
    assert "Skal indberettes (2)" in todo and "Afsluttet (1)" in done
    assert "Regnskab 2029" in todo and "Belægning 2030, 1. kvartal" in todo
    assert "fristen er overskredet" in todo and "Kladde, version 1" in todo
    assert "Regnskab 2030" in done and "Regnskab 2030" not in todo
    assert todo.index("Regnskab 2029") < todo.index("Belægning 2030")  # nearest deadline first
