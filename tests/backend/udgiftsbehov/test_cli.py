"""``rammetal model run|list|show|publish`` on the demo data."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from backend.cli import main
from tests.conftest import Env
from tests.factories import make_token

from .support import URL, upload_extra_indicators

RUN = [
    "model",
    "run",
    "--noegletal",
    "pladser_pr_10000",
    "--aar",
    "2017",
    "--indikator",
    "log_folketal",
    "--indikator",
    "befolkningsvaekst",
]


def test_cli_run_show_list_publish(full_env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAMMETAL_DATABASE_URL", full_env.url)
    runner = CliRunner()
    out = runner.invoke(main, RUN)
    assert out.exit_code == 0, out.output
    text = out.output
    run_id = int(re.search(r"Modelkørsel (\d+) \(kladde\)", text).group(1))
    # The default for a nøgletal over 0 everywhere is the log model (issue 12, item 2);
    # its R² on the nøgletal's own scale compares it with the mean and may be below 0.
    assert "år 2017, LOG på log_folketal" in text
    assert re.search(r"n = 17, R² = -?\d+,\d{3}, LOO R² = -?\d+,\d{3}, RMSE = [\d.]+,\d", text)
    assert re.search(r"På log-skala: R² = -?\d+,\d{3}, LOO R² = -?\d+,\d{3}", text), text
    assert "Advarsler:" in text and "[loo_r2_nonpositive]" in text  # LOO R² ≤ 0 on the demo data
    herning = next(line for line in text.splitlines() if line.startswith("Herning "))
    assert re.search(r"\d+,\d", herning) and "Viborg" in herning  # Danish decimals, peers by name
    assert sum(1 for line in text.splitlines() if re.match(r"^\S.* 2017 ", line)) == 17
    assert "serviceniveau" in text  # the caveat

    shown = runner.invoke(main, ["model", "show", str(run_id), "--json"])
    assert shown.exit_code == 0, shown.output
    doc = json.loads(shown.output)
    assert doc["n"] == 17 and doc["status"] == "kladde"
    listed = runner.invoke(main, ["model", "list"])
    assert listed.exit_code == 0 and f"{run_id}  kladde" in listed.output

    # LOO R² ≤ 0: the table shows the verdict instead of expected values, and the run
    # cannot be published (issue 12); a run on an indicator that explains something can.
    assert "Modellen forklarer ikke forskellene mellem kommunerne" in text
    assert "Forventet" not in text and "Indeks" not in text
    refused_publish = runner.invoke(main, ["model", "publish", str(run_id)])
    assert refused_publish.exit_code != 0 and "Traceback" not in refused_publish.output
    assert "kan ikke offentliggøres" in refused_publish.output
    upload_extra_indicators(full_env.database)
    good = runner.invoke(
        main,
        [
            "model",
            "run",
            "--noegletal",
            "regnskab_pr_indbygger",
            "--aar",
            "2017",
            "--indikator",
            "socioindeks",
        ],
    )
    assert good.exit_code == 0, good.output
    assert "Forventet" in good.output and "Indeks" in good.output
    run_id = int(re.search(r"Modelkørsel (\d+) \(kladde\)", good.output).group(1))

    viewer = make_token(full_env.database, org="791", role="viewer")
    assert full_env.client.get(f"{URL}/{run_id}", headers=viewer).status_code == 404
    published = runner.invoke(main, ["model", "publish", str(run_id)])
    assert published.exit_code == 0 and "offentliggjort" in published.output
    view = full_env.client.get(f"{URL}/{run_id}/kommuner/791", headers=viewer)
    assert view.status_code == 200 and view.json["koersel"]["status"] == "offentliggjort"
    again = runner.invoke(main, ["model", "publish", str(run_id)])
    assert again.exit_code != 0 and "allerede offentliggjort" in again.output

    refused = runner.invoke(main, [*RUN, "--indikator", "andel_65_plus"])
    assert refused.exit_code != 0 and "Tilgængelige" in refused.output
