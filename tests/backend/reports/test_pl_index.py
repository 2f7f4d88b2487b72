"""Issue 12, deliverable 10: a missing PL index is a 422 problem+json ("PL-indeks for 2016
mangler") from the API and a clean CLI error; the notes of tables A–C say "ikke omregnet"
when nothing was restated and name the index, its source and the factor when something
was."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from backend.cli import main
from tests.backend.udgiftsbehov.support import upload_pl_index
from tests.conftest import Env
from tests.factories import make_token

URL = "/api/v1/reports/ledelsesinformation"


def _notes(doc: dict) -> dict[str, str]:
    return {
        t["key"]: " ".join([t.get("unit_note", ""), *t.get("notes", [])]) for t in doc["tables"]
    }


def test_a_2016_report_without_pl_index_is_a_422_naming_the_year(full_env: Env) -> None:
    secretariat = make_token(full_env.database, org="sekretariat-midt", role="secretariat")
    for url in (f"{URL}/2016", "/api/v1/noegletal?aar=2016"):
        resp = full_env.client.get(url, headers=secretariat)
        assert resp.status_code == 422, (url, resp.get_data(as_text=True)[:300])
        assert resp.mimetype == "application/problem+json"
        assert resp.json["code"] == "pl_indeks_mangler"
        assert "PL-indeks for 2016 og 2017 mangler" in resp.json["detail"]
    # the expected-need model on 2016 says the same instead of a 500
    run = full_env.client.post(
        "/api/v1/udgiftsbehov",
        headers=secretariat,
        json={"noegletal": "regnskab_pr_indbygger", "aar": [2016], "indikatorer": ["log_folketal"]},
    )
    assert run.status_code == 422 and run.json["code"] == "pl_indeks_mangler"


def test_the_cli_says_which_index_is_missing_without_a_traceback(
    full_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAMMETAL_DATABASE_URL", full_env.url)
    out = CliRunner().invoke(main, ["report", "ledelsesinformation", "--year", "2016"])
    assert out.exit_code != 0
    assert out.exception is None or isinstance(out.exception, SystemExit)
    assert "PL-indeks for 2016 og 2017 mangler" in out.output
    assert "Traceback" not in out.output


def test_notes_say_ikke_omregnet_or_name_index_source_and_factor(full_env: Env) -> None:
    secretariat = make_token(full_env.database, org="sekretariat-midt", role="secretariat")
    doc = full_env.client.get(f"{URL}/2017", headers=secretariat).json
    notes = _notes(doc)
    for key in ("takstudvikling", "over_underskud", "tillaegsydelser"):
        assert "ikke omregnet" in notes[key], notes[key]
        assert "omregnet med PL-indeks" not in notes[key]
    upload_pl_index(full_env.database)
    doc = full_env.client.get(f"{URL}/2016", headers=secretariat)
    assert doc.status_code == 200, doc.get_data(as_text=True)[:300]
    notes = _notes(doc.json)
    for key in ("takstudvikling", "over_underskud", "tillaegsydelser"):
        # amounts stated in 2017 prices restated to 2016: PL 2016 ÷ PL 2017 = 100,0 ÷ 101,6
        assert "omregnet med PL-indeks (Test (import" in notes[key], notes[key]
        assert "2017-priser × 0,9843 (PL 2016 ÷ PL 2017)" in notes[key]
