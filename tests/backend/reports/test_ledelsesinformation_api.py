"""The ledelsesinformation from the demo data, through the API: the published 2017 tables
to the printed digit (deviations named), drafts for the secretariat, immutable snapshots."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from benchmark.units import TOTAL
from tests.benchmark import reference_2017 as ref
from tests.benchmark.test_reproduction_2017 import (
    A_DEVIATIONS,
    B_DEVIATIONS,
    D_SAMLEDE_DEVIATIONS,
    E_DEVIATIONS,
)
from tests.conftest import Env
from tests.factories import make_token

A_COLUMNS = {
    "belaegning_2016": "belaegning_2016",
    "regnskab_2016": "regnskab_2016_tkr_2017priser",
    "gennemsnitspris_pr_plads_2016": "gennemsnitspris_pr_plads_2016_kr",
    "belaegning_2017": "belaegning_2017",
    "regnskab_2017": "regnskab_2017_tkr",
    "gennemsnitspris_pr_plads_2017": "gennemsnitspris_pr_plads_2017_kr",
    "takstudvikling_2016_2017": "takstudvikling_2016_2017_pct",
}
B_COLUMNS = {"over_underskud_2016": "v2016_tkr_2017priser", "over_underskud_2017": "v2017_tkr"}
C_COLUMNS = {"tillaegsydelser_2016": "v2016_tkr_2017priser", "tillaegsydelser_2017": "v2017_tkr"}
E_COLUMNS = {k: k for k in ("dag_2016", "doegn_2016", "dag_2017", "doegn_2017")}


def _value(cell: dict) -> Decimal | None:
    return None if cell["value"] is None else Decimal(str(cell["value"]))


def _table(document: dict, key: str) -> dict:
    return next(t for t in document["tables"] if t["key"] == key)


def _deviations(table: dict, published: list[dict[str, str]], columns: dict[str, str]) -> dict:
    printed = ref.by_code(published)
    found = {}
    assert len(table["rows"]) == len(printed)
    for row in table["rows"]:
        for ours, theirs in columns.items():
            got, want = _value(row["values"][ours]), ref.number(printed[row["key"]][theirs])
            if got != want:
                found[(row["key"], theirs)] = (got, want)
    return found


@pytest.fixture
def secretariat(full_env: Env) -> dict[str, str]:
    return make_token(full_env.database, org="sekretariat-midt", role="secretariat")


def test_draft_reproduces_the_published_2017_tables(
    full_env: Env, secretariat: dict[str, str]
) -> None:
    resp = full_env.client.get("/api/v1/reports/ledelsesinformation/2017", headers=secretariat)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    doc = resp.json
    assert doc["status"] == "kladde" and doc["price_year"] == 2017
    assert (
        _deviations(_table(doc, "takstudvikling"), ref.read("tabel1_takstudvikling.csv"), A_COLUMNS)
        == A_DEVIATIONS
    )
    assert (
        _deviations(_table(doc, "over_underskud"), ref.read("tabel2_over_underskud.csv"), B_COLUMNS)
        == B_DEVIATIONS
    )
    assert (
        _deviations(
            _table(doc, "tillaegsydelser"), ref.read("tabel3_tillaegsydelser.csv"), C_COLUMNS
        )
        == {}
    )
    for maalgruppe in [*ref.MAALGRUPPE_FILES, "total"]:
        key = "pladser_i_alt" if maalgruppe == "total" else f"pladser_{maalgruppe}"
        found = _deviations(
            _table(doc, key), ref.read(f"tabel5_pladser_{maalgruppe}.csv"), E_COLUMNS
        )
        assert found == E_DEVIATIONS.get(maalgruppe, {}), maalgruppe


def test_hedensted_has_no_price_and_minus_100(full_env: Env, secretariat: dict[str, str]) -> None:
    doc = full_env.client.get("/api/v1/reports/ledelsesinformation/2017", headers=secretariat).json
    hedensted = next(r for r in _table(doc, "takstudvikling")["rows"] if r["key"] == "766")
    assert hedensted["values"]["gennemsnitspris_pr_plads_2017"]["text"] == "-"
    assert hedensted["values"]["takstudvikling_2016_2017"]["text"] == "-100,0"
    total = next(r for r in _table(doc, "takstudvikling")["rows"] if r["key"] == TOTAL)
    assert total["values"]["takstudvikling_2016_2017"]["text"] == "1,2"


def test_table_d_equals_tabel4_except_the_named_samlede_rows(
    full_env: Env, secretariat: dict[str, str]
) -> None:
    doc = full_env.client.get("/api/v1/reports/ledelsesinformation/2017", headers=secretariat).json
    rows = {r["key"]: r for r in _table(doc, "belaegning")["rows"]}
    found = {}
    for (maalgruppe, split, year), printed in ref.published_occupancy().items():
        got = _value(rows[f"{maalgruppe}/{split}"]["values"][f"belaegning_{year}"])
        if got != printed:
            found[(maalgruppe, split, year)] = (got, printed)
    named = {(mg, "samlede", y): v for (mg, y), v in D_SAMLEDE_DEVIATIONS.items()}
    assert found == named
    assert any("afledte" in note for note in _table(doc, "belaegning")["notes"])


def test_reporters_and_viewers_see_only_published_snapshots(
    full_env: Env, secretariat: dict[str, str]
) -> None:
    reporter = make_token(full_env.database, org="657", role="reporter")
    viewer = make_token(full_env.database, org="791", role="viewer")
    for h in (reporter, viewer):
        resp = full_env.client.get("/api/v1/reports/ledelsesinformation/2017", headers=h)
        assert resp.status_code == 404 and resp.json["code"] == "ikke_offentliggjort"
    assert (
        full_env.client.post(
            "/api/v1/reports/ledelsesinformation/2017/publish", headers=reporter
        ).status_code
        == 403
    )
    first = full_env.client.post(
        "/api/v1/reports/ledelsesinformation/2017/publish", headers=secretariat
    )
    assert first.status_code == 201 and first.json["version"] == 1
    for h in (reporter, viewer):
        doc = full_env.client.get("/api/v1/reports/ledelsesinformation/2017", headers=h).json
        assert doc["status"] == "offentliggjort" and doc["version"] == 1
    second = full_env.client.post(
        "/api/v1/reports/ledelsesinformation/2017/publish", headers=secretariat
    )
    # the same data: no duplicate version (issue 20, item 6)
    assert second.status_code == 409 and second.json["code"] == "uaendret_udgave"
    old = full_env.client.get(
        "/api/v1/reports/ledelsesinformation/2017?version=1", headers=viewer
    ).json
    assert old["version"] == 1 and old["offentliggjort"] == first.json["published_at"]
    listed = full_env.client.get(
        "/api/v1/reports/ledelsesinformation/2017/snapshots", headers=viewer
    ).json
    assert [s["version"] for s in listed] == [1]


def test_xlsx_and_csv_downloads(full_env: Env, secretariat: dict[str, str]) -> None:
    resp = full_env.client.get(
        "/api/v1/reports/ledelsesinformation/2017?format=xlsx", headers=secretariat
    )
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert {
        "A Takstudvikling",
        "B Over-underskud",
        "C Tillægsydelser",
        "D Belægning",
        "E Pladser",
    } <= set(wb.sheetnames)
    csv_text = full_env.client.get(
        "/api/v1/reports/ledelsesinformation/2017?format=csv", headers=secretariat
    ).data.decode("utf-8-sig")
    assert "Hovedtotal" in csv_text and ";" in csv_text.splitlines()[0]


def test_noegletal_for_2017_name_their_denominator(
    full_env: Env, secretariat: dict[str, str]
) -> None:
    resp = full_env.client.get(
        "/api/v1/noegletal?aar=2017&noegletal=pladser_pr_10000", headers=secretariat
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    items = resp.json["noegletal"]
    overall = next(i for i in items if i["maalgruppe"] is None)
    orgs = {v["organisation"] for v in overall["vaerdier"]}
    assert (
        len(orgs) == 20 and {"751", "741", "1082"} <= orgs
    )  # the 19 municipalities and the Region
    assert all(v["naevner"] for v in overall["vaerdier"])
    rules = {a["omfang"]: a["regel"] for a in overall["gennemsnit"]}
    assert "uvægtet" in rules["region"] and "vægtet" in rules["hele aftalen"]
    children = next(i for i in items if i["maalgruppe"] == "boern_unge_nedsat_funktionsevne")
    assert (
        "aldersgrupper ikke indlæst" in children["vaerdier"][0]["naevner"]
    )  # no 0-17 band for 2017


def test_cli_report_and_noegletal(full_env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from backend.cli import main

    monkeypatch.setenv("RAMMETAL_DATABASE_URL", full_env.url)
    runner = CliRunner()
    out = runner.invoke(
        main, ["report", "ledelsesinformation", "--year", "2017", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert (
        _deviations(_table(doc, "over_underskud"), ref.read("tabel2_over_underskud.csv"), B_COLUMNS)
        == B_DEVIATIONS
    )
    target = tmp_path / "li.xlsx"
    assert (
        runner.invoke(
            main,
            [
                "report",
                "ledelsesinformation",
                "--year",
                "2017",
                "--format",
                "xlsx",
                "--output",
                str(target),
            ],
        ).exit_code
        == 0
    )
    assert openpyxl.load_workbook(target).sheetnames[0] == "Om tabellerne"
    out = runner.invoke(
        main, ["report", "noegletal", "--year", "2017", "--noegletal", "regnskab_pr_indbygger"]
    )
    assert out.exit_code == 0, out.output
    values = json.loads(out.output)["noegletal"][0]["vaerdier"]
    assert len(values) == 20 and all(v["naevner"] for v in values)
    missing = runner.invoke(main, ["report", "ledelsesinformation", "--year", "2030"])
    assert missing.exit_code != 0 and "ingen godkendte data" in missing.output


def test_noegletal_averages_peer_group_region_and_agreement(
    full_env: Env, secretariat: dict[str, str]
) -> None:
    doc = full_env.client.get(
        "/api/v1/noegletal?aar=2017&noegletal=pladser_pr_10000", headers=secretariat
    ).json
    assert doc["peer_grupper"]["indikatorer"] == ["befolkningsvaekst", "log_folketal"]
    overall = next(i for i in doc["noegletal"] if i["maalgruppe"] is None)
    values = {v["organisation"]: Decimal(v["value"]) for v in overall["vaerdier"]}
    for v in overall["vaerdier"]:
        peer = v["peer_gennemsnit"]
        if v["organisation"] == "1082":
            assert peer is None  # the Region is no municipality: no peer group
            continue
        assert len(peer["medlemmer"]) == 5 and v["organisation"] not in peer["medlemmer"]
        expected = sum(values[m] for m in peer["medlemmer"]) / 5
        assert (
            abs(Decimal(peer["value"]) - expected) < Decimal("1e-9")
            and peer["regel"] == "uvægtet gennemsnit"
        )
    region = next(a for a in overall["gennemsnit"] if a["omfang"] == "region")
    municipal = [values[k] for k in values if k != "1082"]
    assert abs(Decimal(region["value"]) - sum(municipal) / len(municipal)) < Decimal("1e-9")
