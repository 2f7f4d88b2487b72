"""Issue 12, deliverable 5 through the API: every municipality's expected value and
interval share one centre, its leverage is shown with a warning above 2k ÷ n, and an
interval of a nøgletal that cannot be negative never goes below 0."""

from __future__ import annotations

import pytest

from backend.udgiftsbehov.models import ModelRun
from tests.conftest import Env
from tests.factories import make_token

from .support import EXPLAINING_RUN, URL, upload_extra_indicators


def test_rows_show_the_interval_around_the_expected_value_and_leverage(full_env: Env) -> None:
    secretariat = make_token(full_env.database, org="sekretariat-midt", role="secretariat")
    upload_extra_indicators(full_env.database)
    resp = full_env.client.post(URL, headers=secretariat, json=EXPLAINING_RUN)
    assert resp.status_code == 201, resp.get_data(as_text=True)[:500]
    run = resp.json
    assert run["forklarer"] is True and run["interval_centrum"] == "loo_prediction"
    n, k = run["n"], len(run["indikatorer"]) + 1
    assert run["leverage_graense"] == pytest.approx(2 * k / n)
    for row in run["kommuner"]:
        interval = row["interval"]
        assert interval["centrum"] == row["forventet"] == row["loo_forudsigelse"]
        assert interval["lav"] >= 0  # regnskab pr. indbygger cannot be negative
        if not interval["afskaaret_ved_0"]:
            assert (interval["lav"] + interval["hoej"]) / 2 == pytest.approx(row["forventet"])
        assert row["forskel"] == pytest.approx(row["faktisk"] - row["forventet"])
        assert row["indeks"] == pytest.approx(100 * row["faktisk"] / row["forventet"])
        assert 0 < row["leverage"] < 1
        parts = row["bidrag"]  # deliverable 2 (partly): the expected value explained
        assert [p["indikator"] for p in parts["indikatorer"]] == run["indikatorer"]
        explained = parts["niveau"] + sum(p["bidrag"] for p in parts["indikatorer"])
        assert explained == pytest.approx(row["forventet"])
        assert row["hoej_leverage"] == (row["leverage"] > run["leverage_graense"])
        codes = {w["code"]: w["tekst"] for w in row["advarsler"]}
        assert ("high_leverage" in codes) == row["hoej_leverage"]
        assert ("extrapolation" in codes) == row["ekstrapolation"]
        assert ("interval_clipped" in codes) == interval["afskaaret_ved_0"]
    assert sum(r["leverage"] for r in run["kommuner"]) == pytest.approx(k)
    # the stored run carries the same (a published run is read, never recomputed)
    with full_env.database.unit_of_work() as session:
        stored = session.get(ModelRun, run["id"]).results
        assert stored["interval_centre"] == "loo_prediction"
        assert all("high_leverage" in r and "warnings" in r for r in stored["rows"])
    # deliverables 7 and 8: degenerate resamples counted, library versions stored
    assert run["degenererede_gentraekninger"] >= 0
    assert {"python", "numpy", "scikit-learn"} <= set(run["versioner"])
    # deliverable 6 (partly): OLS coefficients carry HC3 robust standard errors
    assert all(c["robust_se"] > 0 for c in run["koefficienter"])
    one = full_env.client.get(f"{URL}/{run['id']}/kommuner/657", headers=secretariat).json
    assert one["interval"]["centrum"] == one["forventet"] and "leverage" in one
