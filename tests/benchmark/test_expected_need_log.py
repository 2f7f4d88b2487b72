"""Issue 12, deliverable 2: the multiplicative (log-linear) model.

OLS on ln(y) through the same StandardScaler pipeline; expected = exp(ln-scale
leave-one-out prediction), the interval exp of the ln-scale LOO interval (never below 0,
geometric centre = expected), contributions multiplying to the expected value, refusal
for signed targets and targets with zeros, and the default chosen per scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.base import clone

from benchmark.expected_need import ExpectedNeedModel, ModelInputError
from benchmark.expected_need.model import default_method
from benchmark.expected_need.refit import bootstrap_draws

INDICATORS = ("andel_65_plus", "log_folketal")


def make_rate(n: int = 19, seed: int = 0, level: float = 0.6, noise: float = 0.5) -> pd.DataFrame:
    """A positive rate close to 0 with multiplicative noise: ln y = η + ε."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "area_code": [str(700 + i) for i in range(n)],
            "andel_65_plus": rng.uniform(0.15, 0.30, n),
            "log_folketal": rng.uniform(8.0, 12.5, n),
            "folketal": rng.integers(3_000, 350_000, n).astype(float),
        }
    )
    eta = np.log(level) + 6.0 * (frame.andel_65_plus - 0.22) - 0.3 * (frame.log_folketal - 10)
    frame["pladser"] = np.exp(eta + rng.normal(0, noise, n))
    return frame


def fit(frame: pd.DataFrame, **params: object) -> ExpectedNeedModel:
    params = {
        "target": "pladser",
        "indicators": INDICATORS,
        "method": "log",
        "n_bootstrap": 0,
        **params,
    }
    return ExpectedNeedModel(**params).fit(frame)  # type: ignore[arg-type]


def test_log_intervals_never_go_below_zero_where_ols_clips_them() -> None:
    frame = make_rate(seed=1)
    ols = fit(frame, method="ols", scale="rate").diagnostic_rows_
    log = fit(frame, scale="rate")
    assert any(r.interval_clipped for r in ols)  # the linear model's interval goes below 0
    for row in log.diagnostic_rows_:
        assert row.interval_low is not None and row.interval_high is not None
        assert 0.0 < row.interval_low < row.expected < row.interval_high
        assert not row.interval_clipped
        assert row.expected == pytest.approx(np.sqrt(row.interval_low * row.interval_high))
        assert row.index == pytest.approx(100 * row.actual / row.expected)
    assert "intervals_clipped" not in [w.code for w in log.results_.warnings]
    assert log.results_.interval_centre == "exp_loo_log_prediction"


@pytest.mark.parametrize("weighted", [False, True])
def test_log_leave_one_out_equals_explicit_refits_on_ln_y(weighted: bool) -> None:
    frame = make_rate(seed=2)
    model = fit(frame, weight="folketal" if weighted else None)
    x, ln_y = frame[list(INDICATORS)].to_numpy(), np.log(frame.pladser.to_numpy())
    w = model.sample_weight_
    expected, lows, highs = [], [], []
    for i in range(len(ln_y)):
        keep = np.arange(len(ln_y)) != i
        pipeline = clone(model.pipeline_).fit(
            x[keep], ln_y[keep], scaler__sample_weight=w[keep], regression__sample_weight=w[keep]
        )
        expected.append(np.exp(pipeline.predict(x[i : i + 1])[0]))
        # The classical interval for a new observation from the n − 1 others, ln scale.
        design = sm.add_constant(x)
        ols = sm.WLS(ln_y[keep], design[keep], weights=w[keep]).fit()
        frame_i = ols.get_prediction(design[i : i + 1], weights=w[i : i + 1]).summary_frame(
            alpha=0.10
        )
        lows.append(np.exp(frame_i.obs_ci_lower.iat[0]))
        highs.append(np.exp(frame_i.obs_ci_upper.iat[0]))
    rows = model.diagnostic_rows_
    np.testing.assert_allclose([r.expected for r in rows], expected, rtol=1e-10)
    np.testing.assert_allclose([r.interval_low for r in rows], lows, rtol=1e-9)
    np.testing.assert_allclose([r.interval_high for r in rows], highs, rtol=1e-9)
    y = frame.pladser.to_numpy()
    press = np.sum(w * (y - np.array(expected)) ** 2)
    assert model.results_.loo_r2 == pytest.approx(
        1 - press / np.sum(w * (y - np.average(y, weights=w)) ** 2), rel=1e-9
    )
    ln_press = np.sum(w * (ln_y - np.log(expected)) ** 2)
    ln_tss = np.sum(w * (ln_y - np.average(ln_y, weights=w)) ** 2)
    stats = model.results_.log_scale_statistics
    assert stats is not None and stats["loo_r2"] == pytest.approx(1 - ln_press / ln_tss, rel=1e-9)


def test_log_coefficients_are_ols_on_ln_y_with_hc3_errors() -> None:
    frame = make_rate(n=40, seed=3)
    results = fit(frame).results_
    reference = sm.OLS(np.log(frame.pladser), sm.add_constant(frame[list(INDICATORS)])).fit()
    ours = [results.intercept, *(c.original for c in results.coefficients)]
    np.testing.assert_allclose(ours, reference.params, rtol=1e-8)
    hc3 = reference.get_robustcov_results("HC3").bse[1:]
    np.testing.assert_allclose([c.robust_se_original for c in results.coefficients], hc3, rtol=1e-8)
    assert results.method == "log" and results.interval_method == "log_ols_external_studentised_t"
    # Duan's smearing factor is reported, not applied: mean exp(e) of the ln residuals.
    assert results.smearing_factor == pytest.approx(np.mean(np.exp(reference.resid)), rel=1e-9)
    assert "Multiplikativ" in results.variance_assumption_da


def test_log_contributions_multiply_to_the_expected_value() -> None:
    frame = make_rate(seed=4, noise=0.2)
    model = fit(frame)
    ln_y = np.log(frame.pladser.to_numpy())
    for i, row in enumerate(model.results_.rows):
        assert row.level is not None and row.contributions is not None
        factors = [factor for _, factor in row.contributions]
        assert row.level * np.prod(factors) == pytest.approx(row.expected, rel=1e-10)
        # The level is the other municipalities' geometric mean.
        others = np.delete(ln_y, i)
        assert row.level == pytest.approx(np.exp(others.mean()), rel=1e-10)
        assert all(f > 0 for f in factors)
    results = model.results_
    assert results.contributions_combine == "product"
    assert "faktor" in results.contributions_note_da
    assert fit(frame, method="ols").results_.contributions_combine == "sum"


def test_log_bootstrap_equals_pipeline_refits_on_ln_y() -> None:
    frame = make_rate(n=12, seed=5)
    model = fit(frame, weight="folketal", n_bootstrap=25, random_state=7)
    frame = frame.sort_values("area_code").reset_index(drop=True)
    x, ln_y = frame[list(INDICATORS)].to_numpy(), np.log(frame.pladser.to_numpy())
    w = model.sample_weight_
    draws = bootstrap_draws(12, 25, 7)
    for b in range(25):
        rows = draws[b]
        pipeline = clone(model.pipeline_).fit(
            x[rows], ln_y[rows], scaler__sample_weight=w[rows], regression__sample_weight=w[rows]
        )
        coef = pipeline["regression"].coef_
        np.testing.assert_allclose(model.bootstrap_standardised_[b], coef, rtol=1e-9)
    interval = model.results_.coefficients[0].standardised_interval
    assert interval is not None and interval[0] < interval[1]


def test_log_predict_interval_for_new_points_is_exp_of_the_ln_interval() -> None:
    frame = make_rate(n=30, seed=6)
    model = fit(frame)
    new = frame.iloc[:3].copy()  # inside the data: no extrapolation warning
    new["andel_65_plus"] = frame.andel_65_plus.mean()
    expected, low, high = model.predict_interval(new)
    design = sm.add_constant(frame[list(INDICATORS)].to_numpy())
    reference = sm.OLS(np.log(frame.pladser.to_numpy()), design).fit()
    summary = reference.get_prediction(
        sm.add_constant(new[list(INDICATORS)].to_numpy(), has_constant="add")
    ).summary_frame(alpha=0.10)
    np.testing.assert_allclose(expected, np.exp(summary["mean"]), rtol=1e-9)
    np.testing.assert_allclose(low, np.exp(summary.obs_ci_lower), rtol=1e-9)
    np.testing.assert_allclose(high, np.exp(summary.obs_ci_upper), rtol=1e-9)
    assert (low > 0).all()


def test_log_is_refused_for_signed_targets_and_targets_with_zeros() -> None:
    frame = make_rate(seed=7)
    signed = frame.assign(pladser=frame.pladser - frame.pladser.median())
    with pytest.raises(ModelInputError) as caught:
        fit(signed)
    assert caught.value.code == "log_signed"
    with pytest.raises(ModelInputError) as caught:
        fit(frame.assign(pladser=frame.pladser * 1.0), scale="signed")
    assert caught.value.code == "log_signed"  # declared signed: refused even if all > 0
    zeros = frame.copy()
    zeros.loc[:2, "pladser"] = 0.0  # 3 of 19 zero: a rate the linear models accept
    with pytest.raises(ModelInputError) as caught:
        fit(zeros, scale="rate")
    assert caught.value.code == "log_not_positive"
    assert fit(zeros, scale="rate", method="ols").results_.method == "ols"
    many = frame.iloc[:14].assign(third=np.arange(14.0))
    with pytest.raises(ModelInputError) as caught:  # OLS on ln y: p <= n / 5 as for OLS
        fit(many, indicators=(*INDICATORS, "third"))
    assert caught.value.code == "too_many_predictors"


def test_the_default_is_log_for_positive_targets_and_ols_otherwise() -> None:
    frame = make_rate(seed=8)
    zeros = frame.copy()
    zeros.loc[:2, "pladser"] = 0.0
    assert default_method("positive", frame.pladser) == "log"
    assert default_method("rate", frame.pladser) == "log"
    assert default_method("rate", zeros.pladser) == "ols"
    assert default_method("signed", frame.pladser) == "ols"
    assert fit(frame, method="auto").results_.method == "log"
    assert fit(zeros, method="auto", scale="rate").results_.method == "ols"
    assert fit(frame, method="auto", scale="signed").results_.method == "ols"


def test_a_log_model_that_explains_nothing_shows_no_expected_values() -> None:
    rng = np.random.default_rng(9)
    frame = make_rate(seed=9)
    frame["pladser"] = np.exp(rng.normal(0, 0.5, len(frame)))  # unrelated to the indicators
    results = fit(frame).results_
    assert results.log_scale_statistics is not None
    assert not results.explains
    assert all(r.expected is None and r.interval_low is None for r in results.rows)
