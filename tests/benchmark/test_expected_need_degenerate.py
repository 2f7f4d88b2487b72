"""Issue 12, deliverables 7 and 8 (versions): a bootstrap resample in which an indicator is
constant (a dummy present in 2 of 19 municipalities, neither drawn) gets coefficient 0 for
it, exactly as scikit-learn's pipeline does, and the run reports how many there were;
every run records the library versions."""

from __future__ import annotations

import platform

import numpy as np
import pytest
import sklearn
from sklearn.base import clone

from benchmark.expected_need import ExpectedNeedModel
from benchmark.expected_need.refit import bootstrap_draws

from .test_expected_need import make_need_data


@pytest.mark.parametrize("method", ["ols", "ridge"])
def test_a_constant_dummy_in_a_resample_gets_coefficient_zero_like_sklearn(method: str) -> None:
    frame = make_need_data(n=19, seed=31)
    frame["dummy"] = 0.0
    frame.loc[[3, 11], "dummy"] = 1.0  # present in 2 of 19
    frame["pladser"] += 4.0 * frame["dummy"]
    indicators = ("andel_65_plus", "dummy")
    model = ExpectedNeedModel(
        "pladser", indicators, method=method, alphas=(1.0,), n_bootstrap=300, random_state=3
    ).fit(frame)
    frame = frame.sort_values("area_code").reset_index(drop=True)
    x, y = frame[list(indicators)].to_numpy(), frame.pladser.to_numpy()
    draws = bootstrap_draws(19, 300, 3)
    degenerate = [b for b in range(300) if np.ptp(x[draws[b], 1]) == 0]
    assert len(degenerate) > 20  # (17/19)^19 ≈ 12 % of the resamples
    assert model.results_.n_degenerate_resamples == len(degenerate)
    for b in degenerate:
        pipeline = clone(model.pipeline_).fit(x[draws[b]], y[draws[b]])
        reference = pipeline["regression"].coef_
        assert reference[1] == pytest.approx(0.0, abs=1e-9)
        np.testing.assert_allclose(
            model.bootstrap_standardised_[b], reference, rtol=1e-8, atol=1e-9
        )
    # the resample's noise no longer blows the interval up: the dummy's coefficient
    # interval is bounded by what the data can show, and 0 is a value it takes
    low, high = model.results_.coefficients[1].original_interval
    assert low <= 0.0 <= high and high - low < 50
    codes = {w.code: w.message_da for w in model.results_.warnings}
    assert f"I {len(degenerate)} af 300" in codes["degenerate_resamples"]


def test_a_run_records_its_library_versions() -> None:
    results = (
        ExpectedNeedModel("pladser", ("andel_65_plus",), n_bootstrap=0)
        .fit(make_need_data())
        .results_
    )
    assert results.library_versions["python"] == platform.python_version()
    assert results.library_versions["numpy"] == np.__version__
    assert results.library_versions["scikit-learn"] == sklearn.__version__
    assert results.n_degenerate_resamples == 0


@pytest.mark.parametrize("weighted", [False, True])
def test_ols_coefficients_carry_hc3_robust_errors_equal_to_statsmodels(weighted: bool) -> None:
    import statsmodels.api as sm

    frame = make_need_data(n=30, seed=33)
    indicators = ("andel_65_plus", "log_folketal")
    model = ExpectedNeedModel(
        "pladser", indicators, weight="folketal" if weighted else None, n_bootstrap=0
    ).fit(frame)
    frame = frame.sort_values("area_code").reset_index(drop=True)
    weights = frame.folketal.to_numpy() if weighted else np.ones(len(frame))
    reference = sm.WLS(
        frame.pladser.to_numpy(), sm.add_constant(frame[list(indicators)].to_numpy()), weights
    ).fit(cov_type="HC3")
    ours = [c.robust_se_original for c in model.results_.coefficients]
    np.testing.assert_allclose(ours, reference.bse[1:], rtol=1e-8)
    ridge = ExpectedNeedModel("pladser", indicators, method="ridge", n_bootstrap=0).fit(frame)
    assert all(c.robust_se_original is None for c in ridge.results_.coefficients)
