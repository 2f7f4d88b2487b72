"""Prediction intervals keep their nominal 90 % coverage on simulated data.

Each simulation draws n municipalities from y = 1 + Xβ + ε (ε normal, Var = 4 ÷ w) — for
the log model y = exp(0,2 · (1 + Xβ + ε)), multiplicative noise —
fits the model, and checks (a) fresh held-out points against ``predict_interval`` and
(b) every fitted row against its leave-one-out interval. With fixed seeds the test is
deterministic; 200 simulations give a binomial SD of about 0,7 percentage points for
(a) with 5 held-out points each, so [0,85; 0,95] fails only if the method is off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmark.expected_need import ExpectedNeedModel

# Fresh random points often fall outside the 19 fitted ones; predict_interval then warns
# (issue 12, deliverable 5). Coverage is measured over all of them.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::benchmark.expected_need.ExtrapolationWarning"),
]


def make_simulation(
    rng: np.random.Generator, n_rows: int, p: int, weighted: bool
) -> tuple[pd.DataFrame, list[str]]:
    """One simulated data set with known coefficients β = (1, …, p) and intercept 1."""
    columns = [f"x{j}" for j in range(p)]
    x = rng.normal(size=(n_rows, p))
    weights = rng.uniform(0.2, 5.0, n_rows) if weighted else np.ones(n_rows)
    frame = pd.DataFrame(x, columns=columns)
    frame["y"] = 1.0 + x @ np.arange(1.0, p + 1.0) + rng.normal(size=n_rows) * 2 / np.sqrt(weights)
    frame["area_code"] = [str(i) for i in range(n_rows)]
    frame["folketal"] = weights
    return frame, columns


def coverage(
    method: str, n: int, p: int, weighted: bool, seed: int, sims: int = 200, held_out: int = 5
) -> tuple[float, float]:
    """Share of held-out points and of fitted rows inside their 90 % intervals."""
    rng = np.random.default_rng(seed)
    fresh, loo = [], []
    for _ in range(sims):
        frame, columns = make_simulation(rng, n + held_out, p, weighted)
        if method == "log":
            # Multiplicative noise, what the log model assumes: ln y = 0,2 · (1 + Xβ + ε).
            frame["y"] = np.exp(0.2 * frame.y)
        model = ExpectedNeedModel(
            "y", columns, method=method, weight="folketal" if weighted else None, n_bootstrap=0
        ).fit(frame.iloc[:n])
        _, low, high = model.predict_interval(frame.iloc[n:])
        actual = frame.y.to_numpy()[n:]
        fresh.extend((low <= actual) & (actual <= high))
        loo.extend(r.interval_low <= r.actual <= r.interval_high for r in model.diagnostic_rows_)
    return float(np.mean(fresh)), float(np.mean(loo))


@pytest.mark.parametrize(
    ("method", "n", "p", "weighted", "seed"),
    [
        ("ols", 60, 3, False, 1),
        ("ols", 19, 2, False, 2),  # the real case: 19 municipalities
        ("ols", 19, 2, True, 3),
        ("ridge", 19, 2, False, 4),
        ("log", 19, 2, False, 7),  # the default for a positive nøgletal
        ("log", 19, 2, True, 8),
    ],
)
def test_ninety_percent_intervals_cover_85_to_95_percent(
    method: str, n: int, p: int, weighted: bool, seed: int
) -> None:
    fresh, loo = coverage(method, n, p, weighted, seed)
    assert 0.85 <= fresh <= 0.95
    assert 0.85 <= loo <= 0.95


def test_one_fresh_point_per_simulation_as_specified() -> None:
    # One held-out point per simulation; 600 rather than 200 simulations, because with
    # 200 single points the binomial SD (2,1 points) makes the band a coin toss.
    fresh, _ = coverage("ols", 60, 3, False, seed=5, sims=600, held_out=1)
    assert 0.85 <= fresh <= 0.95


def test_a_too_narrow_interval_would_be_caught() -> None:
    # The same simulation at a nominal 70 % must fall outside the acceptance band,
    # otherwise the band above could not detect a mis-scaled interval.
    rng = np.random.default_rng(6)
    inside = []
    for _ in range(100):
        frame, columns = make_simulation(rng, 24, 2, False)
        model = ExpectedNeedModel("y", columns, interval_level=0.7, n_bootstrap=0)
        model.fit(frame.iloc[:19])
        _, low, high = model.predict_interval(frame.iloc[19:])
        inside.extend((low <= frame.y.to_numpy()[19:]) & (frame.y.to_numpy()[19:] <= high))
    assert not 0.85 <= float(np.mean(inside)) <= 0.95
