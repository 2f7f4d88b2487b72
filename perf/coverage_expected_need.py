"""Per-row conditional coverage of the expected-need intervals (issue 12, deliverable 6).

Not a test. For a fixed set of municipalities (population log-uniform between Samsø-
and Aarhus-size, one structural indicator), the noise is redrawn ``--sims`` times under
four scenarios, the model is fitted, and for the smallest and the largest municipality
we count how often the actual value falls inside its 90 % interval (the leave-one-out
interval shown beside "forventet"). Methods: the log-linear model (the default for a
positive nøgletal), OLS, OLS weighted by population (WLS), ridge. Scenarios (sd of the
noise of municipality i):

- homoscedastic: sd = 1
- var_inv_pop:   Var ∝ 1 ÷ population (what the weights assume)
- sd_grows:      sd ∝ √(population ÷ median) (large municipalities vary more)
- multiplicative: y = exp(ln η + ε), ε ~ N(0; 0,25²) (a positive rate; what the log
  model assumes: constant variance on the ln scale)

The log model needs y > 0; a draw with a value ≤ 0 (possible in the additive scenarios,
where the smallest or largest municipality's sd is about 3 against a level of about 10)
is refused, as a run would be, and counted in the column "refused" (coverage is over the
draws that were fitted).

    PYTHONPATH=. .venv/bin/python perf/coverage_expected_need.py [--sims 400] [--methods log,ols,wls,ridge]

Prints a Markdown table for perf/README.md.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

from benchmark.expected_need import ExpectedNeedModel, ModelInputError

SCENARIOS = ("homoscedastic", "var_inv_pop", "sd_grows", "multiplicative")
METHODS = (
    ("log (default)", "log", False),
    ("OLS", "ols", False),
    ("WLS (folketal)", "ols", True),
    ("ridge", "ridge", False),
)


def design(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    population = np.exp(rng.uniform(np.log(3_700), np.log(350_000), n))
    frame = pd.DataFrame(
        {
            "area_code": [f"{i:03d}" for i in range(n)],
            "log_folketal": np.log(population),
            "andel": rng.uniform(0.15, 0.30, n),
            "folketal": population,
        }
    )
    return frame


def draw(frame: pd.DataFrame, scenario: str, rng: np.random.Generator) -> np.ndarray:
    eta = 10.0 - 0.5 * (frame.log_folketal - 10.5) + 20.0 * (frame.andel - 0.22)
    pop = frame.folketal.to_numpy()
    noise = rng.normal(size=len(frame))
    if scenario == "homoscedastic":
        return np.asarray(eta + noise)
    if scenario == "var_inv_pop":
        return np.asarray(eta + noise * np.sqrt(np.median(pop) / pop))
    if scenario == "sd_grows":
        return np.asarray(eta + noise * np.sqrt(pop / np.median(pop)))
    return np.asarray(np.exp(np.log(eta) + 0.25 * noise))


def coverage(
    n: int, scenario: str, method: str, weighted: bool, sims: int
) -> tuple[float, float, int]:
    """(coverage of the smallest, of the largest municipality, draws refused)."""
    frame = design(n, seed=n)
    smallest = frame.area_code[frame.folketal.idxmin()]
    largest = frame.area_code[frame.folketal.idxmax()]
    rng = np.random.default_rng(1000 + n)
    inside = {smallest: 0, largest: 0}
    refused = 0
    for _ in range(sims):
        data = frame.assign(y=draw(frame, scenario, rng))
        try:
            model = ExpectedNeedModel(
                "y",
                ("log_folketal", "andel"),
                method=method,
                weight="folketal" if weighted else None,
                scale="positive" if method == "log" else "signed",
                n_bootstrap=0,
            ).fit(data)
        except ModelInputError:
            refused += 1  # the log model and a value <= 0
            continue
        for row in model.diagnostic_rows_:
            if row.area_code in inside:
                inside[row.area_code] += row.interval_low <= row.actual <= row.interval_high
    fitted = max(sims - refused, 1)
    return inside[smallest] / fitted, inside[largest] / fitted, refused


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sims", type=int, default=400)
    parser.add_argument(
        "--methods", default="log,ols,wls,ridge", help="comma-separated: log, ols, wls, ridge"
    )
    args = parser.parse_args()
    wanted = set(args.methods.split(","))
    warnings.simplefilter("ignore")
    print("| method | n | scenario | smallest | largest | refused |")
    print("|---|---|---|---|---|---|")
    for label, method, weighted in METHODS:
        key = "wls" if weighted else method
        if key not in wanted:
            continue
        for n in (19, 98):
            for scenario in SCENARIOS:
                low, high, refused = coverage(n, scenario, method, weighted, args.sims)
                print(f"| {label} | {n} | {scenario} | {low:.2f} | {high:.2f} | {refused} |")


if __name__ == "__main__":
    main()
