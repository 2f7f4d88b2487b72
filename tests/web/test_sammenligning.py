"""/sammenligning and /definitioner through the Flask client: the published comparison as
a DASSOS member (viewer) of Herning sees it, checked against the JSON nøgletal endpoint."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from markupsafe import escape

from backend.web import charts
from backend.web import format as fmt
from backend.web.sammenligning.service import MORE
from tests.conftest import Env
from tests.web import support

PAGE = "/sammenligning?noegletal=pladser_pr_10000&aar=2017"


@pytest.fixture
def web_env(published_web_env: Env) -> Env:
    """Every test here starts with 2017 published (version 1); drafts: test_sammenligning_drafts.py."""
    return published_web_env


@pytest.fixture
def herning(login_as):  # type: ignore[no-untyped-def]
    return login_as(role="viewer", org="657")


def _page(client, path: str = PAGE) -> str:  # type: ignore[no-untyped-def]
    resp = client.get(path)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:3000]
    assert resp.headers["Cache-Control"] == "no-store"
    return resp.get_data(as_text=True)


def test_chart_is_inline_svg_with_aria_labels_and_own_highlighted(herning) -> None:  # type: ignore[no-untyped-def]
    html = _page(herning)
    figure = re.search(r"<figure class=\"rt-figure\">(.*?)</figure>", html, re.S)
    assert figure is not None
    svg = figure.group(1)
    assert "<svg " in svg and 'role="graphics-document"' in svg
    assert re.search(r"<figcaption>[^<]*kommuner har flere pladser", svg)
    labels = re.findall(r'aria-label="([^"]*)"', svg)
    own = [label for label in labels if "(egen)" in label]
    assert len(own) == 1 and own[0].startswith("Herning (egen): ")
    # darker bar for the own municipality, lighter for the others, and a bold label
    assert svg.count(f'fill="{charts.OWN_COLOUR}"') == 1
    assert svg.count(f'fill="{charts.OTHER_COLOUR}"') >= 18
    assert re.search(r'font-weight="(bold|700)"[^>]*>Herning<', svg)
    assert not re.search(r'font-weight="(bold|700)"[^>]*>Viborg<', svg)
    # the table marks the own row in words and in bold
    rows = support.tables(html)[0]
    mine = [r for r in rows if r["cells"][0].startswith("Herning")]
    assert mine[0]["cells"][0] == "Herning (egen)" and "rt-own" in mine[0]["class"]
    assert '<a href="/definitioner#pladser_pr_10000">' in html  # the definition, one click


@pytest.mark.parametrize(
    ("noegletal", "maalgruppe"),
    [
        ("pladser_pr_10000", None),
        ("pladser_pr_10000", "psykisk_handicap"),
        ("regnskab_pr_indbygger", None),
        ("takstudvikling_regnskab", None),
    ],
)
def test_sentence_counts_the_municipalities_with_more(
    web_env: Env, herning, noegletal: str, maalgruppe: str | None
) -> None:  # type: ignore[no-untyped-def]
    item = support.json_noegletal(web_env, noegletal, maalgruppe)
    towns = support.municipality_codes(web_env)
    values = {
        v["organisation"]: Decimal(v["value"])
        for v in item["vaerdier"]
        if v["organisation"] in towns and v["value"] is not None
    }
    higher = sum(1 for org, value in values.items() if value > values["657"])
    query = f"/sammenligning?noegletal={noegletal}&aar=2017" + (
        f"&maalgruppe={maalgruppe}" if maalgruppe else ""
    )
    html = _page(herning, query)
    expected = f"{higher} af {len(values)} kommuner har {MORE[noegletal]} end Herning"
    assert f'<p class="rt-sentence">{expected}' in html
    assert "En placering er ikke en bedømmelse" in html  # Kolada's caveat


def test_averages_carry_n_and_rule(web_env: Env, herning) -> None:  # type: ignore[no-untyped-def]
    item = support.json_noegletal(web_env, "pladser_pr_10000")
    towns = support.municipality_codes(web_env)
    values = {v["organisation"]: v for v in item["vaerdier"]}
    peers = values["657"]["peer_gennemsnit"]["medlemmer"]
    n_peer = sum(1 for p in peers if values[p]["value"] is not None)
    n_region = sum(1 for o, v in values.items() if o in towns and v["value"] is not None)
    n_all = sum(1 for v in values.values() if v["value"] is not None)
    html = _page(herning)
    for label in (
        f"Peer-gruppen: uvægtet gennemsnit, n = {n_peer}",
        f"Regionens kommuner: uvægtet gennemsnit, n = {n_region}",
        f"Hele aftalen: vægtet (Σ/Σ), n = {n_all}",
    ):
        assert label in html  # in the chart's legend and in the table
    # three distinct dash patterns for the three averages
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)  # type: ignore[union-attr]
    assert {"8,4", "2,3", "12,3,2,3"} <= set(re.findall(r'stroke-dasharray="([^"]+)"', svg))
    # the peer group is named
    names = {v["organisation"]: v["navn"] for v in item["vaerdier"]}
    assert ", ".join(names[p] for p in peers) in html


def test_table_matches_the_json_endpoint(web_env: Env, herning) -> None:  # type: ignore[no-untyped-def]
    item = support.json_noegletal(web_env, "regnskab_pr_indbygger")
    rows = support.tables(_page(herning, "/sammenligning?noegletal=regnskab_pr_indbygger"))[0]
    shown = {r["cells"][0].removesuffix(" (egen)"): r["cells"][1] for r in rows}
    assert len(item["vaerdier"]) == sum(1 for r in rows if "rt-derived-row" not in r["class"])
    for v in item["vaerdier"]:
        assert shown[v["navn"]] == fmt.number(v["value"], 0), v["navn"]
    for avg in item["gennemsnit"]:
        label = "Regionens kommuner" if avg["omfang"] == "region" else "Hele aftalen"
        cell = next(text for name, text in shown.items() if name.startswith(label))
        assert cell.startswith(fmt.number(avg["value"], 0) + "*")  # marked as derived


def test_missing_is_ingen_data_not_zero(web_env: Env, herning) -> None:  # type: ignore[no-untyped-def]
    item = support.json_noegletal(web_env, "gennemsnitspris_pr_plads")
    missing = [v["navn"] for v in item["vaerdier"] if v["value"] is None]
    zero = [
        v["navn"] for v in item["vaerdier"] if v["value"] is not None and Decimal(v["value"]) == 0
    ]
    assert missing  # the demo data has an operator without belægning
    html = _page(herning, "/sammenligning?noegletal=gennemsnitspris_pr_plads")
    rows = {r["cells"][0].removesuffix(" (egen)"): r for r in support.tables(html)[0]}
    for name in missing:
        assert rows[name]["cells"][1] == "ingen data"
        assert "v-missing" in rows[name]["kinds"][1]
    for name in zero:
        assert rows[name]["cells"][1] == "0" and "v-zero" in rows[name]["kinds"][1]
    assert "Sådan læses tallene" in html  # the legend


def test_zero_looks_different_from_a_value(herning) -> None:  # type: ignore[no-untyped-def]
    rows = {r["cells"][0]: r for r in support.tables(_page(herning))[0]}
    assert rows["Samsø"]["cells"][1] == "0,0" and "v-zero" in rows["Samsø"]["kinds"][1]
    assert rows["Viborg"]["kinds"][1] == ""  # a plain value
    assert "v-na" in rows["Region Midtjylland"]["kinds"][2]  # not a municipality: no place


def test_a_new_publication_replaces_the_cached_page(web_env: Env, herning) -> None:  # type: ignore[no-untyped-def]
    assert "(version 1 af ledelsesinformationen for 2017)" in _page(herning)
    from tests.backend.udgiftsbehov.support import upload_pl_index

    upload_pl_index(web_env.database)  # new inputs: an unchanged edition is refused (409)
    support.publish(web_env)
    html = _page(herning)
    assert "(version 2 af ledelsesinformationen for 2017)" in html


@pytest.mark.parametrize(
    ("query", "status", "field", "message"),
    [
        ("noegletal=findes_ikke", 400, "noegletal", "Nøgletallet «findes_ikke» findes ikke"),
        ("maalgruppe=ukendt", 400, "maalgruppe", "Målgruppen «ukendt» findes ikke"),
        (
            "noegletal=belaegningsprocent&maalgruppe=forsorgshjem",
            400,
            "maalgruppe",
            "ikke offentliggjort for målgruppen «Forsorgshjem»",
        ),
        ("aar=2031", 404, "aar", "Der er ikke offentliggjort nøgletal for 2031"),
        ("aar=tyve", 400, "aar", "Året «tyve» er ikke et årstal"),
        ("aar=%3Cscript%3E", 400, "aar", "Året «&lt;script&gt;» er ikke et årstal"),
    ],
)
def test_bad_choices_give_a_danish_error_summary(
    herning, query: str, status: int, field: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    resp = herning.get(f"/sammenligning?{query}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == status
    assert 'id="fejlopsummering"' in html and "Der er et problem" in html
    assert f'<a href="#{field}">' in html and message in html
    assert "<svg" not in html and "<script>" not in html
    assert herning.get(f"/sammenligning/tabel.xlsx?{query}").status_code == status


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_table_downloads(web_env: Env, herning, kind: str) -> None:  # type: ignore[no-untyped-def]
    resp = herning.get(f"/sammenligning/tabel.{kind}?noegletal=pladser_pr_10000&aar=2017")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    assert "attachment" in resp.headers["Content-Disposition"]
    item = support.json_noegletal(web_env, "pladser_pr_10000")
    herning_value = next(v for v in item["vaerdier"] if v["organisation"] == "657")["value"]
    rounded = Decimal(herning_value).quantize(Decimal("0.1"))
    if kind == "csv":
        text = resp.get_data().decode("utf-8-sig")
        assert f"Herning (egen);{str(rounded).replace('.', ',')};" in text
        assert "Hele aftalen: vægtet (Σ/Σ), n = 20;" in text
    else:
        from io import BytesIO

        from openpyxl import load_workbook

        ws = load_workbook(BytesIO(resp.get_data())).active
        row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "Herning (egen)")
        assert row[1].value == pytest.approx(float(rounded))
        assert row[1].number_format == "#,##0.0"


def test_definitions_page(herning, web_env: Env) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_token

    api = web_env.client.get(
        "/api/v1/noegletal/definitioner",
        headers=make_token(web_env.database, org="657", role="viewer"),
    ).get_json()
    html = _page(herning, "/definitioner")
    for definition in api:
        section = re.search(
            rf'<section class="rt-definition" id="{definition["id"]}".*?</section>', html, re.S
        )
        assert section is not None, definition["id"]
        body = section.group(0)
        for key in ("taeller", "naevner", "unit", "gennemsnit"):
            assert str(escape(definition[key])) in body
        assert "<dt>Prisår</dt>" in body and "<dt>Kilde</dt>" in body
