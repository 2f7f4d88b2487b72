"""Issue 12, deliverable 5: every row shows its expected value with the interval around the
same centre, its leverage, and a warning for high leverage and for extrapolation; new
points outside the data warn; intervals of a non-negative nøgletal never go below 0."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from benchmark.expected_need import ExtrapolationWarning

from .test_expected_need import INDICATORS, fit, make_need_data


def _with_copenhagen(frame: pd.DataFrame) -> pd.DataFrame:
    """The data plus one municipality far larger than the others (log population 13,5)."""
    big = frame.iloc[[0]].copy()
    big["area_code"], big["log_folketal"], big["andel_65_plus"] = "101", 13.5, 0.13
    big["pladser"] = 5.0 + 40.0 * 0.13 - 0.8 * 13.5
    return pd.concat([frame, big], ignore_index=True)


@pytest.mark.parametrize("method", ["ols", "ridge"])
@pytest.mark.parametrize("weighted", [False, True])
def test_interval_is_centred_on_the_expected_value_shown(method: str, weighted: bool) -> None:
    frame = make_need_data(n=19, seed=21)
    model = fit(frame, method=method, weight="folketal" if weighted else None)
    for row in model.diagnostic_rows_:
        # one centre: expected = the prediction from the other rows = interval midpoint
        assert row.expected == row.loo_prediction
        if not row.interval_clipped:
            assert (row.interval_low + row.interval_high) / 2 == pytest.approx(row.expected)
        else:  # raised to 0 (a positive nøgletal); the upper bound keeps the centre
            assert row.interval_low == 0 < row.expected < row.interval_high
        assert row.index is None or row.index == pytest.approx(100 * row.actual / row.expected)
        assert row.difference == pytest.approx(row.actual - row.expected)
    assert sum(not r.interval_clipped for r in model.diagnostic_rows_) >= 10
    # the in-sample fitted value (which contains the row itself) is kept apart
    assert any(abs(r.fitted - r.expected) > 1e-3 for r in model.diagnostic_rows_)


@pytest.mark.parametrize("method", ["ols", "ridge"])
def test_leverage_for_every_method_with_a_warning_above_2k_over_n(method: str) -> None:
    frame = _with_copenhagen(make_need_data(n=19, seed=22))
    results = fit(frame, method=method, alphas=(1.0,)).results_
    reference = sm.OLS(frame.pladser, sm.add_constant(frame[list(INDICATORS[:2])])).fit()
    hat = reference.get_influence().hat_matrix_diag
    order = frame.sort_values("area_code").index
    np.testing.assert_allclose([r.leverage for r in results.rows], hat[order], rtol=1e-9)
    assert results.leverage_cutoff == pytest.approx(2 * 3 / 20)
    for row in results.rows:
        assert row.high_leverage == (row.leverage > 2 * 3 / 20)
        codes = [w.code for w in row.warnings]
        assert ("high_leverage" in codes) == row.high_leverage
    big = next(r for r in results.rows if r.area_code == "101")
    assert big.high_leverage and big.extrapolation
    text = {w.code: w.message_da for w in big.warnings}
    assert "2k ÷ n" in text["high_leverage"] and "ekstrapolation" in text["extrapolation"]


def test_row_extrapolation_matches_explicit_refits_of_the_design() -> None:
    frame = _with_copenhagen(make_need_data(n=19, seed=23))
    model = fit(frame, weight="folketal")
    frame = frame.sort_values("area_code").reset_index(drop=True)
    z = model.pipeline_["scaler"].transform(frame[list(INDICATORS[:2])].to_numpy())
    design = np.column_stack([np.ones(len(z)), z])
    w = model.sample_weight_
    expected = []
    for i in range(len(z)):
        keep = np.arange(len(z)) != i
        inverse = np.linalg.inv(design[keep].T @ (design[keep] * w[keep, None]))
        quad = np.einsum("ij,jk,ik->i", design, inverse, design)
        expected.append(quad[i] > quad[keep].max())
    assert [r.extrapolation for r in model.results_.rows] == expected
    assert sum(expected) >= 1 and not all(expected)


def test_a_municipality_far_outside_the_data_warns_when_predicted() -> None:
    frame = make_need_data(n=19, seed=24)
    model = fit(frame)
    copenhagen = pd.DataFrame({"andel_65_plus": [0.13], "log_folketal": [13.5]})
    with pytest.warns(ExtrapolationWarning, match="uden for de data"):
        model.predict_interval(copenhagen)
    leverage, outside = model.prediction_checks(copenhagen)
    assert outside[0] and leverage[0] > max(r.leverage for r in model.results_.rows)
    typical = frame[list(INDICATORS[:2])].median().to_frame().T
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict_interval(typical)  # inside the data: no warning
    assert not model.prediction_checks(typical)[1][0]


def test_intervals_of_a_non_negative_rate_never_go_below_zero_and_say_so() -> None:
    frame = make_need_data(n=19, seed=25, noise=3.0)
    frame["pladser"] = np.clip(frame["pladser"], 0.05, None)  # a rate near 0, never negative
    model = fit(frame, scale="rate")
    rows = model.diagnostic_rows_
    assert all(r.interval_low >= 0 for r in rows)
    clipped = [r for r in rows if r.interval_clipped]
    assert clipped, "the simulation must produce a lower bound below 0"
    for row in clipped:
        assert row.interval_low == 0.0
        assert "sat til 0" in {w.code: w.message_da for w in row.warnings}["interval_clipped"]
    if model.results_.explains:
        assert "intervals_clipped" in [w.code for w in model.results_.warnings]
    _, low, _ = model.predict_interval(frame.iloc[:5])
    assert (low >= 0).all()
    signed = fit(frame.assign(pladser=frame.pladser - 10))  # signed: no clipping
    assert any(r.interval_low < 0 for r in signed.diagnostic_rows_)
    assert not any(r.interval_clipped for r in signed.diagnostic_rows_)


def test_a_model_that_does_not_explain_still_shows_leverage_and_its_warnings() -> None:
    frame = _with_copenhagen(make_need_data(n=19, seed=26))
    frame["pladser"] = np.random.default_rng(3).normal(10, 1, len(frame))
    results = fit(frame).results_
    assert not results.explains
    big = next(r for r in results.rows if r.area_code == "101")
    assert big.expected is None and big.leverage is not None and big.high_leverage


@pytest.mark.parametrize("method", ["ols", "ridge"])
def test_each_expected_value_is_explained_by_its_indicator_contributions(method: str) -> None:
    frame = make_need_data(n=19, seed=27)
    model = fit(frame, method=method, weight="folketal")
    w = model.sample_weight_
    y = frame.sort_values("area_code").pladser.to_numpy()
    for i, row in enumerate(model.diagnostic_rows_):
        parts = dict(row.contributions)
        assert list(parts) == list(INDICATORS[:2])
        assert row.level + sum(parts.values()) == pytest.approx(row.expected, rel=1e-9)
        others = np.arange(len(y)) != i
        assert row.level == pytest.approx(np.average(y[others], weights=w[others]))
