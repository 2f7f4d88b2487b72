"""Benchmark the expected-need model at national scale (not a test).

98 municipalities × 10 years (2007-2016, pooled: n = 980) × 6 indicators, population
weights from the real FOLK1A series in tenants/reference/structural/. Times the engine
(``ExpectedNeedModel.fit``: pipeline fit, exact leave-one-out, 1.000 cluster-bootstrap
refits, results and input hash) against a plain numpy implementation of the same
arithmetic (weighted lstsq fit, hat-matrix LOO, 1.000 bootstrap lstsq refits).

    .venv/bin/python perf/bench_expected_need.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from benchmark.expected_need import ExpectedNeedModel
from benchmark.expected_need.refit import bootstrap_draws

ROOT = Path(__file__).resolve().parents[1]
POPULATION = (
    ROOT / "tenants/reference/structural/folk1a_total_1jan_2007_2016_all_municipalities.csv"
)
INDICATORS = ("log_folketal", "befolkningsvaekst", "x3", "x4", "x5", "x6")
N_BOOTSTRAP = 1000


def national_case(seed: int = 0) -> pd.DataFrame:
    """Real populations of the 98 municipalities (Christiansø excluded), synthetic target."""
    raw = pd.read_csv(POPULATION, dtype={"kommunekode": str})
    raw = raw[raw.kommunekode != "411"].sort_values(["kommunekode", "aar"])
    frame = pd.DataFrame(
        {"area_code": raw.kommunekode, "year": raw.aar, "folketal": raw.folketal_1_januar}
    ).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    frame["log_folketal"] = np.log(frame.folketal)
    growth = 100 * frame.groupby("area_code").folketal.pct_change()
    frame["befolkningsvaekst"] = growth.fillna(0.0)
    for name in INDICATORS[2:]:
        frame[name] = rng.normal(size=len(frame))
    beta = np.array([-3.0, 0.8, 1.0, -0.5, 0.3, 0.0])
    noise = rng.normal(size=len(frame)) * 4.0 / np.sqrt(frame.folketal / frame.folketal.mean())
    frame["pladser"] = 60.0 + frame[list(INDICATORS)].to_numpy() @ beta + noise
    return frame


def engine(frame: pd.DataFrame, method: str = "ols") -> ExpectedNeedModel:
    return ExpectedNeedModel(
        "pladser", INDICATORS, method=method, weight="folketal", n_bootstrap=N_BOOTSTRAP
    ).fit(frame)


def plain_numpy(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted lstsq fit, hat-matrix LOO and 1.000 cluster-bootstrap lstsq refits."""
    x = np.column_stack([np.ones(len(frame)), frame[list(INDICATORS)].to_numpy()])
    y = frame.pladser.to_numpy()
    w = frame.folketal.to_numpy() / frame.folketal.mean()
    root = np.sqrt(w)
    xw, yw = x * root[:, None], y * root
    beta = np.linalg.lstsq(xw, yw, rcond=None)[0]
    q, _ = np.linalg.qr(xw)
    leverage = np.sum(q**2, axis=1)
    loo = y - (y - x @ beta) / (1 - leverage)
    groups = pd.factorize(frame.area_code)[0]
    members = [np.flatnonzero(groups == g) for g in range(groups.max() + 1)]
    draws = bootstrap_draws(len(members), N_BOOTSTRAP, 0)
    boot = np.empty((N_BOOTSTRAP, x.shape[1]))
    for b in range(N_BOOTSTRAP):
        rows = np.concatenate([members[g] for g in draws[b]])
        boot[b] = np.linalg.lstsq(xw[rows], yw[rows], rcond=None)[0]
    return beta, loo, boot


def timed(function: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(median, best) wall-clock seconds over ``repeats`` runs after one warm-up."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    frame = national_case()
    model = engine(frame)
    beta, loo, boot = plain_numpy(frame)
    results = model.results_
    ours = np.array([results.intercept, *(c.original for c in results.coefficients)])
    assert np.allclose(ours, beta, rtol=1e-8), "engine and numpy disagree"
    assert np.allclose([r.loo_prediction for r in results.rows], loo, rtol=1e-8)
    assert np.allclose(model.bootstrap_original_, boot[:, 1:], rtol=1e-6, atol=1e-9)
    print(f"n = {results.n}, p = {len(INDICATORS)}, bootstrap = {N_BOOTSTRAP}")
    rows = [
        ("engine OLS (fit + LOO + bootstrap + results)", lambda: engine(frame)),
        ("plain numpy OLS (lstsq + hat LOO + lstsq bootstrap)", lambda: plain_numpy(frame)),
        ("engine ridge (RidgeCV + exact LOO + bootstrap)", lambda: engine(frame, "ridge")),
    ]
    measured = {}
    for label, function in rows:
        median, best = timed(function, repeats)
        measured[label] = median
        print(f"{label:55s} median {median:7.3f} s   best {best:7.3f} s")
    ratio = measured[rows[0][0]] / measured[rows[1][0]]
    print(f"ratio engine OLS ÷ plain numpy (median): {ratio:.2f}")


if __name__ == "__main__":
    main()
