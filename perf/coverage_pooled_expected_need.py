"""Coverage of the expected-need intervals in pooled runs (issue 12, deliverable 8).

Not a test. n municipalities × 3 years (2016–2018) with two indicators and year dummies
(the year effect a pooled run gets); each municipality has its own level u_g ~ N(0; own²),
shared by its years, plus row noise N(0; 0,5²). For each method the noise is redrawn
``--sims`` times and the share of rows whose actual value falls inside its nominal 90 %
leave-one-out interval is averaged, (a) leaving out the whole municipality (what pooled
runs do) and (b) for comparison leaving out one municipality-year (each row treated as
its own municipality). The log model gets y = exp(0,1 · (the same linear y)).

    PYTHONPATH=. .venv/bin/python perf/coverage_pooled_expected_need.py [--sims 150]

Prints a Markdown table for perf/README.md.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

from benchmark.expected_need import ExpectedNeedModel

YEARS = (2016, 2017, 2018)
INDICATORS = ("a", "b", "aar_2017", "aar_2018")


def simulate(rng: np.random.Generator, n: int, own: float, as_rows: bool, method: str) -> float:
    """Share of rows inside their 90 % leave-one-out interval in one simulated run."""
    base = pd.DataFrame(
        {
            "area_code": [str(i) for i in range(n)],
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "u": rng.normal(0, own, n),
        }
    )
    frame = pd.concat([base.assign(year=y) for y in YEARS], ignore_index=True)
    frame["a"] += rng.normal(0, 0.3, len(frame))
    frame["aar_2017"] = (frame.year == 2017).astype(float)
    frame["aar_2018"] = (frame.year == 2018).astype(float)
    frame["y"] = (
        10
        + frame.a
        + 0.5 * frame.b
        + 0.3 * frame.aar_2018
        + frame.u
        + rng.normal(0, 0.5, len(frame))
    )
    if method == "log":
        frame["y"] = np.exp(0.1 * frame.y)
    if as_rows:
        frame["area_code"] = frame.area_code + "_" + frame.year.astype(str)
    model = ExpectedNeedModel("y", INDICATORS, method=method, n_bootstrap=0).fit(frame)
    return float(
        np.mean([r.interval_low <= r.actual <= r.interval_high for r in model.diagnostic_rows_])
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sims", type=int, default=150)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print("| method | municipalities | sd of own level | whole municipality out | one year out |")
    print("|---|---|---|---|---|")
    for method in ("ols", "log", "ridge"):
        for n in (19, 98):
            for own in (0.0, 1.0):
                rng = np.random.default_rng(n)
                by_area = np.mean([simulate(rng, n, own, False, method) for _ in range(args.sims)])
                rng = np.random.default_rng(n)
                by_row = np.mean([simulate(rng, n, own, True, method) for _ in range(args.sims)])
                print(f"| {method} | {n} | {own:.1f} | {by_area:.2f} | {by_row:.2f} |")


if __name__ == "__main__":
    main()
