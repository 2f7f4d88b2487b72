"""Issue 12, deliverable 8: a pooled run has one price year (the earlier year's money
restated with the PL index; the price year stored) and a year effect; leave-one-out
leaves out the municipality with all its years, and the coefficients' errors are
clustered by municipality."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.linear_model import LinearRegression

from tests.conftest import Env
from tests.factories import make_token

from .support import URL, upload_pl_index


def test_a_pooled_money_run_is_in_one_price_year_with_a_year_effect(full_env: Env) -> None:
    secretariat = make_token(full_env.database, org="sekretariat-midt", role="secretariat")
    upload_pl_index(full_env.database)
    resp = full_env.client.post(
        URL,
        headers=secretariat,
        json={
            "noegletal": "regnskab_pr_indbygger",
            "aar": [2016, 2017],
            "indikatorer": ["log_folketal"],
            "n_bootstrap": 20,
        },
    )
    assert resp.status_code == 201, resp.get_data(as_text=True)[:500]
    run = resp.json
    assert run["prisaar"] == 2017 and run["aarseffekt"] == ["aar_2017"]
    assert [c["indikator"] for c in run["koefficienter"]] == ["log_folketal", "aar_2017"]
    # 2016 in 2017 prices: the 2016 nøgletal (in 2016 prices) × PL 2017 ÷ PL 2016
    own = full_env.client.get(
        "/api/v1/noegletal?aar=2016&noegletal=regnskab_pr_indbygger", headers=secretariat
    ).json
    values = next(i for i in own["noegletal"] if i["maalgruppe"] is None)["vaerdier"]
    herning_2016 = Decimal(next(v["value"] for v in values if v["organisation"] == "657"))
    row = next(r for r in run["inputs"] if r["year"] == 2016 and r["area_code"] == "657")
    assert row["regnskab_pr_indbygger"] == pytest.approx(
        float(herning_2016 * Decimal("101.6") / Decimal("100.0")), rel=1e-9
    )
    assert {r["aar_2017"] for r in run["inputs"] if r["year"] == 2016} == {0.0}
    # a non-money run has no price year
    places = full_env.client.post(
        URL,
        headers=secretariat,
        json={"noegletal": "pladser_pr_10000", "aar": [2017], "indikatorer": ["log_folketal"]},
    ).json
    assert places["prisaar"] is None and places["aarseffekt"] == []


def test_a_pooled_run_leaves_out_the_municipality_and_clusters_its_errors(
    full_env: Env,
) -> None:
    secretariat = make_token(full_env.database, org="sekretariat-midt", role="secretariat")
    resp = full_env.client.post(
        URL,
        headers=secretariat,
        json={
            "noegletal": "pladser_pr_10000",
            "aar": [2016, 2017],
            "indikatorer": ["log_folketal", "befolkningsvaekst"],
            "metode": "ols",
            "n_bootstrap": 20,
        },
    )
    assert resp.status_code == 201, resp.get_data(as_text=True)[:500]
    run = resp.json
    assert run["loo_enhed"] == "area" and run["robust_se_metode"] == "CR1_area"
    assert "klyngede efter kommune" in run["varians_antagelse"]
    assert "loo_by_area" in [w["code"] for w in run["advarsler"]]
    inputs = pd.DataFrame(run["inputs"]).sort_values(["area_code", "year"])
    x = inputs[["log_folketal", "befolkningsvaekst", "aar_2017"]].to_numpy()
    y = inputs["pladser_pr_10000"].to_numpy()
    areas = inputs.area_code.to_numpy()
    # LOO R² from explicit refits that leave out each municipality with both its years
    loo = np.empty(len(y))
    for area in np.unique(areas):
        rows = areas == area
        loo[rows] = LinearRegression().fit(x[~rows], y[~rows]).predict(x[rows])
    press = np.sum((y - loo) ** 2)
    assert run["loo_r2"] == pytest.approx(1 - press / np.sum((y - y.mean()) ** 2), rel=1e-9)
    # coefficients' robust errors: clustered by municipality, as statsmodels computes them
    reference = sm.OLS(y, sm.add_constant(x)).fit()
    clustered = reference.get_robustcov_results("cluster", groups=pd.factorize(areas)[0]).bse
    assert [c["robust_se"] for c in run["koefficienter"]] == pytest.approx(clustered[1:], rel=1e-8)
