"""Issue 12, deliverable 8: pooled runs (several years per municipality). Leave-one-out
drops the municipality with all its years, not one municipality-year; coefficients get
standard errors clustered by municipality (CR1); the run states both."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.base import clone

from benchmark.expected_need import ExpectedNeedModel

INDICATORS = ("andel_65_plus", "log_folketal", "aar_2017", "aar_2018")
YEARS = (2016, 2017, 2018)


def make_pooled(n: int = 19, seed: int = 0, own: float = 1.5) -> pd.DataFrame:
    """n municipalities × 3 years with a municipality effect (its years hang together)
    and year dummies (the year effect the service adds)."""
    rng = np.random.default_rng(seed)
    base = pd.DataFrame(
        {
            "area_code": [str(700 + i) for i in range(n)],
            "andel_65_plus": rng.uniform(0.15, 0.30, n),
            "log_folketal": rng.uniform(8.0, 12.5, n),
            "folketal": rng.integers(3_000, 350_000, n).astype(float),
            "effect": rng.normal(0, own, n),
        }
    )
    frame = pd.concat([base.assign(year=y) for y in YEARS], ignore_index=True)
    frame["andel_65_plus"] += rng.normal(0, 0.005, len(frame))
    for y in YEARS[1:]:
        frame[f"aar_{y}"] = (frame.year == y).astype(float)
    signal = 20.0 + 40.0 * frame.andel_65_plus - 0.8 * frame.log_folketal + 0.5 * frame.aar_2018
    frame["pladser"] = signal + frame.effect + rng.normal(0, 0.5, len(frame))
    return frame.drop(columns="effect")


def fit(frame: pd.DataFrame, **params: object) -> ExpectedNeedModel:
    params = {"target": "pladser", "indicators": INDICATORS, "n_bootstrap": 0, **params}
    return ExpectedNeedModel(**params).fit(frame)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "weighted"), [("ols", False), ("ols", True), ("log", False), ("ridge", False)]
)
def test_pooled_leave_one_out_drops_the_whole_municipality(method: str, weighted: bool) -> None:
    frame = make_pooled(seed=1)
    model = fit(frame, method=method, weight="folketal" if weighted else None)
    frame = frame.sort_values(["area_code", "year"]).reset_index(drop=True)
    x = frame[list(INDICATORS)].to_numpy()
    y = frame.pladser.to_numpy()
    target = np.log(y) if method == "log" else y
    back = np.exp if method == "log" else (lambda v: v)
    w = model.sample_weight_
    expected = np.empty(len(y))
    for area in frame.area_code.unique():
        out = (frame.area_code == area).to_numpy()
        pipeline = clone(model.pipeline_).fit(
            x[~out], target[~out], scaler__sample_weight=w[~out], regression__sample_weight=w[~out]
        )
        expected[out] = back(pipeline.predict(x[out]))
    rows = model.diagnostic_rows_
    np.testing.assert_allclose([r.expected for r in rows], expected, rtol=1e-9)
    results = model.results_
    assert results.loo_unit == "area" and results.bootstrap_unit == "area"
    assert "loo_by_area" in [w.code for w in results.warnings]
    # the explanation still adds (or multiplies) up to the expected value shown
    for row in rows:
        assert row.level is not None and row.contributions is not None
        parts = [c for _, c in row.contributions]
        combined = row.level * np.prod(parts) if method == "log" else row.level + sum(parts)
        assert combined == pytest.approx(row.expected, rel=1e-9)


@pytest.mark.parametrize("weighted", [False, True])
def test_pooled_ols_interval_is_the_new_observation_interval_from_the_other_municipalities(
    weighted: bool,
) -> None:
    frame = make_pooled(seed=2)
    model = fit(frame, weight="folketal" if weighted else None)
    frame = frame.sort_values(["area_code", "year"]).reset_index(drop=True)
    design = sm.add_constant(frame[list(INDICATORS)].to_numpy())
    y, w = frame.pladser.to_numpy(), model.sample_weight_
    lows, highs = np.empty(len(y)), np.empty(len(y))
    for area in frame.area_code.unique():
        out = (frame.area_code == area).to_numpy()
        ols = sm.WLS(y[~out], design[~out], weights=w[~out]).fit()
        summary = ols.get_prediction(design[out], weights=w[out]).summary_frame(alpha=0.10)
        lows[out], highs[out] = summary.obs_ci_lower, summary.obs_ci_upper
    rows = model.diagnostic_rows_
    np.testing.assert_allclose([r.interval_low for r in rows], lows, rtol=1e-9)
    np.testing.assert_allclose([r.interval_high for r in rows], highs, rtol=1e-9)


@pytest.mark.parametrize(("method", "weighted"), [("ols", False), ("ols", True), ("log", False)])
def test_pooled_coefficients_carry_errors_clustered_by_municipality(
    method: str, weighted: bool
) -> None:
    frame = make_pooled(seed=3)
    model = fit(frame, method=method, weight="folketal" if weighted else None)
    frame = frame.sort_values(["area_code", "year"]).reset_index(drop=True)
    y = np.log(frame.pladser) if method == "log" else frame.pladser
    weights = frame.folketal if weighted else np.ones(len(frame))
    reference = sm.WLS(y, sm.add_constant(frame[list(INDICATORS)]), weights=weights).fit()
    groups = pd.factorize(frame.area_code)[0]
    clustered = reference.get_robustcov_results("cluster", groups=groups).bse[1:]
    results = model.results_
    ours = [c.robust_se_original for c in results.coefficients]
    np.testing.assert_allclose(ours, clustered, rtol=1e-8)
    assert results.robust_se_type == "CR1_area"
    # With a municipality effect the years are correlated: the clustered error of a
    # slope that varies between municipalities is larger than the HC3 one.
    hc3 = reference.get_robustcov_results("HC3").bse[1:]
    assert ours[1] > hc3[1]
    assert "klyngede efter kommune" in results.variance_assumption_da
    single = fit(frame[frame.year == 2017], indicators=INDICATORS[:2], method=method).results_
    assert single.robust_se_type == "HC3" and single.loo_unit == "row"
    assert "klyngede" not in single.variance_assumption_da


def test_leaving_out_the_whole_municipality_is_more_honest_than_one_year() -> None:
    # A municipality's years hang together (a municipality effect). Leaving out one year,
    # the other two stay in the fit and pull it towards the municipality's own level, so
    # leave-one-out looks better than the model is; leaving the whole municipality out
    # (the same rows, each treated as its own "municipality" for comparison) does not.
    frame = make_pooled(n=10, seed=4, own=3.0)
    rows_only = fit(frame.assign(area_code=frame.area_code + "_" + frame.year.astype(str)))
    by_area = fit(frame)
    assert by_area.results_.loo_r2 < rows_only.results_.loo_r2
