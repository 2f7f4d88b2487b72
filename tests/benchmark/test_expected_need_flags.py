"""Flags under a correct model: the chance of at least one "afvigende" municipality in a
run stays at most 10 % at n = 19 and n = 98 (Holm over the rows; issue 12 item 4).

The simulation is vectorised: R runs of y = 1 + Xβ + ε with normal ε at once, the exact
OLS externally studentised residuals of every run from a batched hat matrix, and the
same Holm function the model uses. A few runs go through ``ExpectedNeedModel.fit`` too,
so the batch is the product's computation, not a copy of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmark.expected_need import ExpectedNeedModel
from benchmark.expected_need.flags import holm_flags

P = 2


def simulate(n: int, runs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(X of shape runs × n × P, y of shape runs × n) from a correctly specified model."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(runs, n, P))
    y = 1.0 + x @ np.arange(1.0, P + 1.0) + rng.normal(scale=2.0, size=(runs, n))
    return x, y


def studentised(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Externally studentised OLS residuals of every run (runs × n)."""
    runs, n, _ = x.shape
    design = np.concatenate([np.ones((runs, n, 1)), x], axis=2)
    inverse = np.linalg.inv(np.einsum("rni,rnj->rij", design, design))
    leverage = np.einsum("rni,rij,rnj->rn", design, inverse, design)
    beta = np.einsum("rij,rnj,rn->ri", inverse, design, y)
    residual = y - np.einsum("rni,ri->rn", design, beta)
    k = P + 1
    sse = np.sum(residual**2, axis=1, keepdims=True)
    deleted = (sse - residual**2 / (1 - leverage)) / (n - k - 1)
    return residual / np.sqrt(deleted * (1 - leverage))


@pytest.mark.parametrize("n", [19, 98])
def test_chance_of_any_flag_under_a_correct_model_is_at_most_ten_percent(n: int) -> None:
    x, y = simulate(n, runs=2000, seed=n)
    t = studentised(x, y)
    _, flags = holm_flags(t, n - P - 2)
    any_flag = flags.any(axis=1).mean()
    assert any_flag <= 0.10
    # without the correction (|t| > 2, the old rule) most runs flag someone
    assert (np.abs(t) > 2).any(axis=1).mean() > 0.5
    # the batch is what the model computes, run by run
    for r in range(5):
        frame = pd.DataFrame(x[r], columns=["a", "b"])
        frame["y"], frame["area_code"] = y[r], [f"{i:03d}" for i in range(n)]
        model = ExpectedNeedModel("y", ("a", "b"), n_bootstrap=0).fit(frame)
        rows = model.diagnostic_rows_
        np.testing.assert_allclose([row.studentised_residual for row in rows], t[r], rtol=1e-8)
        assert [row.outlier for row in rows] == list(flags[r])


def test_a_real_outlier_is_still_flagged() -> None:
    x, y = simulate(19, runs=1, seed=3)
    frame = pd.DataFrame(x[0], columns=["a", "b"])
    frame["y"], frame["area_code"] = y[0], [f"{i:03d}" for i in range(19)]
    frame.loc[4, "y"] += 20.0  # ten standard deviations off
    rows = ExpectedNeedModel("y", ("a", "b"), n_bootstrap=0).fit(frame).results_.rows
    assert [row.area_code for row in rows if row.outlier] == ["004"]
