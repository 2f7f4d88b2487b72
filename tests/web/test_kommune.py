"""/kommune/<kode>, the municipality profile, through the Flask client, against the JSON
nøgletal (/api/v1/noegletal) and the JSON model run (/api/v1/udgiftsbehov/<id>): every
published nøgletal of the year against the peer group, the region and the agreement; the
trend over the published years; the peer group named; each published model run's actual
against expected with its interval and the model's caveat. Published data only."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from markupsafe import escape

from tests.backend.udgiftsbehov.support import (
    EXPLAINING_RUN,
    upload_extra_indicators,
    upload_pl_index,
)
from tests.conftest import Env
from tests.factories import make_token
from tests.web import support

OWN = "657"  # Herning


@pytest.fixture
def world(web_env: Env, login_as):  # type: ignore[no-untyped-def]
    """2016 and 2017 published, a published and a draft model run; a viewer of Herning."""
    upload_pl_index(web_env.database)  # the 2016 edition restates 2017 accounts
    secretariat = support.publish(web_env, 2016)
    support.publish(web_env, 2017)
    upload_extra_indicators(web_env.database)
    runs = []
    for _ in range(2):
        resp = web_env.client.post(
            "/api/v1/udgiftsbehov", json={**EXPLAINING_RUN, "n_bootstrap": 20}, headers=secretariat
        )
        assert resp.status_code == 201, resp.get_data(as_text=True)
        runs.append(resp.get_json()["id"])
    run, draft = runs
    resp = web_env.client.post(f"/api/v1/udgiftsbehov/{run}/publish", headers=secretariat)
    assert resp.status_code == 200
    run_json = web_env.client.get(f"/api/v1/udgiftsbehov/{run}", headers=secretariat).get_json()
    return {"client": login_as(role="viewer", org=OWN), "run": run_json, "draft": draft}


def _page(client: Any, path: str) -> str:
    resp = client.get(path)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    assert resp.headers["Cache-Control"] == "no-store"
    return resp.get_data(as_text=True)


def _noegletal(env: Env, year: int) -> list[dict[str, Any]]:
    headers = make_token(env.database, org=OWN, role="viewer")
    resp = env.client.get(f"/api/v1/noegletal?aar={year}", headers=headers)
    assert resp.status_code == 200
    return resp.get_json()["noegletal"]


def _shown(figure: dict[str, Any]) -> str:
    """What the page shows for a figure of the API: its text, or "ingen data" (never 0)."""
    return figure["tekst"] if figure.get("value") is not None else "ingen data"


def _average(item: dict[str, Any], scope: str) -> str:
    return _shown(next(a for a in item["gennemsnit"] if a["omfang"] == scope))


def test_every_published_noegletal_against_peers_region_and_agreement(web_env: Env, world) -> None:  # type: ignore[no-untyped-def]
    html = _page(world["client"], "/kommune/657?aar=2017")
    rows = support.tables(html)[0]
    items = [
        (item, mine)
        for item in _noegletal(web_env, 2017)
        for mine in item["vaerdier"]
        if mine["organisation"] == OWN
    ]
    assert len(rows) == len(items) >= 10
    for row, (item, mine) in zip(rows, items, strict=True):
        cells = [c.replace("\u2212", "-") for c in row["cells"]]  # the page's minus sign
        assert cells[0] == item["navn"]
        assert cells[3] == _shown(mine), item["id"]  # no value: "ingen data", never 0
        peer = mine["peer_gennemsnit"]
        assert cells[5].startswith(_shown(peer)), item["id"]
        assert "afledt" in cells[5] or peer.get("value") is None
        values = {v["organisation"]: v["value"] for v in item["vaerdier"]}
        with_value = [m for m in peer["medlemmer"] if values.get(m) is not None]
        assert cells[6] == str(len(with_value)), item["id"]  # the n behind the average
        assert cells[7].startswith(_average(item, "region"))
        assert cells[9].startswith(_average(item, "hele aftalen"))
        assert ("v-derived" if cells[9] != "ingen data" else "v-missing") in row["kinds"][9]


def test_peer_group_is_named(web_env: Env, world) -> None:  # type: ignore[no-untyped-def]
    html = _page(world["client"], "/kommune/657?aar=2017")
    headers = make_token(web_env.database, org=OWN, role="viewer")
    doc = web_env.client.get("/api/v1/noegletal?aar=2017", headers=headers).get_json()
    peers = doc["peer_grupper"]["grupper"][OWN]
    names = {v["organisation"]: v["navn"] for n in doc["noegletal"] for v in n["vaerdier"]}
    assert f"Herning sammenlignes med de {len(peers)} kommuner" in html
    assert "<strong>" + ", ".join(names[p] for p in peers) + "</strong>" in html


def test_trend_over_the_published_years(web_env: Env, world) -> None:  # type: ignore[no-untyped-def]
    html = _page(world["client"], "/kommune/657?noegletal=belaegningsprocent")
    tables = support.tables(html)
    trend = tables[1]
    own = next(r for r in trend if "rt-own" in r["class"])
    by_year = {}
    for year in (2016, 2017):
        item = next(
            n
            for n in _noegletal(web_env, year)
            if n["id"] == "belaegningsprocent" and not n["maalgruppe"]
        )
        by_year[year] = next(v["tekst"] for v in item["vaerdier"] if v["organisation"] == OWN)
    assert own["cells"] == ["Herning", by_year[2016], by_year[2017]]
    assert f"Herning gik fra {by_year[2016]} i 2016 til {by_year[2017]} i 2017." in html
    assert '<th scope="col" class="rt-num">2016</th>' in html
    # the own series and the three averages, each naming its rule
    assert len(trend) == 4
    assert all("gennemsnit" in r["cells"][0] or "Σ" in r["cells"][0] for r in trend[1:])


def test_expected_need_of_each_published_run_with_interval_and_caveat(world) -> None:  # type: ignore[no-untyped-def]
    run = world["run"]
    html = _page(world["client"], "/kommune/657")
    assert f"Modelkørsel {run['id']}," in html
    assert f"Modelkørsel {world['draft']}," not in html
    caveat = run.get("forbehold")
    assert caveat and caveat in html
    table = support.tables(html)[-1]
    rows = [r for r in run["kommuner"] if r["aar"] == max(k["aar"] for k in run["kommuner"])]
    assert len(table) == len(rows)
    own = next(r for r in table if "rt-own" in r["class"])
    assert own["cells"][0] == "Herning (egen)"
    mine = next(r for r in rows if r["kode"] == OWN)
    # actual, expected and the interval, in Danish format; expected and interval derived
    for cell, value in zip(
        own["cells"][1:5],
        (mine["faktisk"], mine["forventet"], mine["interval"]["lav"], mine["interval"]["hoej"]),
        strict=True,
    ):
        shown = float(cell.split("*")[0].replace(".", "").replace(",", "."))
        assert abs(shown - float(value)) < 1, (cell, value)
    assert all("v-derived" in k for k in own["kinds"][2:5])
    # the dot plot: the own municipality among the points, and its sentence
    assert 'aria-label="Prikdiagram: faktisk mod forventet pr. kommune.' in html
    assert "Herning: faktisk" in html and "intervallet." in html


def test_nothing_before_publication_and_never_a_draft_run(web_env: Env, login_as) -> None:  # type: ignore[no-untyped-def]
    secretariat = make_token(web_env.database, org="sekretariat-midt", role="secretariat")
    upload_extra_indicators(web_env.database)
    resp = web_env.client.post(
        "/api/v1/udgiftsbehov", json={**EXPLAINING_RUN, "n_bootstrap": 20}, headers=secretariat
    )
    draft = resp.get_json()["id"]
    client = login_as(role="secretariat", org="sekretariat-midt")  # sees drafts elsewhere
    html = _page(client, "/kommune/657")
    assert "Der er endnu ikke offentliggjort nøgletal." in html
    assert f"Modelkørsel {draft}," not in html
    assert "Der er ingen offentliggjorte modelkørsler" in html
    assert "<table" not in html


def _composition(html: str) -> list[tuple[str, str]]:
    block = html.split('<dl class="rt-composition">', 1)[1].split("</dl>", 1)[0]
    return re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", block)


def _danish(text: str) -> float:
    return float(text.strip("=×+− ").replace(".", "").replace(",", "."))


def test_method_assumption_and_composition_of_the_expected_value(world) -> None:  # type: ignore[no-untyped-def]
    """Issue 12 item 11: the page names the method in words, says what it assumes of the
    spread, and shows how the own expected value is composed (level + contributions)."""
    run = world["run"]
    html = _page(world["client"], "/kommune/657")
    assert "metode: lineær regression (OLS)," in html
    assert run["varians_antagelse"] and str(escape(run["varians_antagelse"])) in html
    lines = _composition(html)
    assert lines[0][0] == "De øvrige kommuners niveau" and lines[-1][0] == "Forventet"
    assert [label for label, _ in lines[1:-1]] == [d["navn"] for d in run["indikator_definitioner"]]
    level, *parts, expected = (_danish(v) * (-1 if "−" in v else 1) for _, v in lines)
    assert abs(level + sum(parts) - expected) < 0.01 * max(1.0, abs(expected))
    mine = next(r for r in run["kommuner"] if r["kode"] == OWN)
    assert abs(expected - float(mine["forventet"])) < 1


def test_a_log_run_shows_its_factors(web_env: Env, world) -> None:  # type: ignore[no-untyped-def]
    secretariat = make_token(web_env.database, org="sekretariat-midt", role="secretariat")
    resp = web_env.client.post(
        "/api/v1/udgiftsbehov",
        json={**EXPLAINING_RUN, "metode": "log", "n_bootstrap": 20},
        headers=secretariat,
    )
    assert resp.status_code == 201, resp.get_data(as_text=True)
    run = resp.get_json()["id"]
    assert (
        web_env.client.post(f"/api/v1/udgiftsbehov/{run}/publish", headers=secretariat).status_code
        == 200
    )
    html = _page(world["client"], "/kommune/657")
    section = html.split(f'id="udgiftsbehov-{run}"', 1)[1].split("</section>", 1)[0]
    assert "metode: log-lineær regression (forholdsvise forskelle)," in section
    lines = _composition(section)
    assert all(v.startswith("× ") for _, v in lines[1:-1])
    level, *factors, expected = (_danish(v) for _, v in lines)
    product = level
    for factor in factors:
        product *= factor
    assert abs(product - expected) < 0.01 * expected


def test_a_signed_target_shows_the_difference_not_an_index(world, web_env: Env) -> None:  # type: ignore[no-untyped-def]
    """Issue 12 item 1 on the page: for a signed nøgletal (no demo run of one explains
    anything, so the published run's document is re-read as signed) the column is the
    difference actual − expected, never an index."""
    from backend.udgiftsbehov import document
    from backend.udgiftsbehov.models import ModelRun
    from backend.web.kommune.service import expected_need

    with web_env.database.unit_of_work() as session:
        stored = document.run_document(session.get(ModelRun, world["run"]["id"]))
    run = dataclasses.replace(
        stored,
        indeks_vises=False,
        kommuner=tuple(
            dataclasses.replace(r, indeks=None, forskel=float(r.faktisk) - float(r.forventet or 0))
            for r in stored.kommuner
        ),
    )
    need = expected_need(run, OWN)
    assert need is not None
    assert need.table.headers[5].startswith("Forskel, faktisk − forventet")
    mine = next(r for r in run.kommuner if r.kode == OWN)
    own = next(row for row in need.table.rows if row.own)
    shown = own.cells[5].text.split("*")[0].replace("−", "-").replace(".", "").replace(",", ".")
    assert float(shown) == pytest.approx(mine.forskel, abs=0.6), own.cells[5].text
    assert "Indeks" not in " ".join(need.table.headers)
