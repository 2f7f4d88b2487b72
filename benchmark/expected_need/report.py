"""Assemble the frozen :class:`ExpectedNeedResults` from a fitted model's arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from benchmark.expected_need import results as res
from benchmark.expected_need.intervals import LooSpread
from benchmark.expected_need.refit import FloatArray

if TYPE_CHECKING:
    from benchmark.expected_need.model import ExpectedNeedModel


def weighted_fit_statistics(
    y: FloatArray, fitted: FloatArray, loo_prediction: FloatArray, weights: FloatArray
) -> dict[str, float]:
    """R², leave-one-out R², RMSE and LOO RMSE with weights w (Σw = n when normalised).

    R² = 1 − Σw(y − ŷ)² ÷ TSS, LOO R² = 1 − PRESS ÷ TSS with PRESS = Σw(y − ŷ_(−i))²
    and TSS = Σw(y − ȳ_w)²; RMSE = √(Σw(y − ŷ)² ÷ Σw), LOO RMSE = √(PRESS ÷ Σw).
    """
    total = float(np.sum(weights))
    tss = float(np.sum(weights * (y - np.average(y, weights=weights)) ** 2))
    sse = float(np.sum(weights * (y - fitted) ** 2))
    press = float(np.sum(weights * (y - loo_prediction) ** 2))
    if tss == 0.0:
        raise res.ModelInputError("constant_target", "the target is constant: R² undefined")
    return {
        "r2": 1.0 - sse / tss,
        "loo_r2": 1.0 - press / tss,
        "rmse": float(np.sqrt(sse / total)),
        "loo_rmse": float(np.sqrt(press / total)),
    }


def _rows(
    model: ExpectedNeedModel,
    frame: pd.DataFrame,
    y: FloatArray,
    fitted: FloatArray,
    loo_prediction: FloatArray,
    spread: LooSpread,
    leverage: FloatArray | None,
) -> tuple[res.RowPrediction, ...]:
    half = spread.half_width(model.interval_level)
    studentised = spread.studentised
    has_year = model.year in frame.columns
    rows = []
    for i in range(len(y)):
        expected = float(fitted[i])
        rows.append(
            res.RowPrediction(
                area_code=str(frame[model.area].iat[i]),
                year=int(frame[model.year].iat[i]) if has_year else None,
                actual=float(y[i]),
                expected=expected,
                loo_prediction=float(loo_prediction[i]),
                interval_low=float(loo_prediction[i] - half[i]),
                interval_high=float(loo_prediction[i] + half[i]),
                studentised_residual=float(studentised[i]),
                leverage=None if leverage is None else float(leverage[i]),
                index=100.0 * float(y[i]) / expected if expected > 0 else None,
                outlier=bool(abs(studentised[i]) > res.OUTLIER_THRESHOLD),
            )
        )
    return tuple(rows)


def _warnings(
    model: ExpectedNeedModel, frame: pd.DataFrame, loo_r2: float
) -> tuple[res.ModelWarning, ...]:
    warnings = []
    if loo_r2 <= 0.0:
        warnings.append(res.loo_r2_warning(loo_r2))
    if len(frame) < res.SMALL_SAMPLE_N:
        warnings.append(res.small_sample_warning(len(frame)))
    if frame[model.area].duplicated().any():
        warnings.append(res.pooled_rows_warning())
    edges = (min(model.alphas), max(model.alphas))
    if model.alpha_ is not None and len(model.alphas) > 1 and model.alpha_ in edges:
        warnings.append(res.alpha_edge_warning(model.alpha_))
    return tuple(warnings)


def build_results(
    model: ExpectedNeedModel,
    frame: pd.DataFrame,
    y: FloatArray,
    fitted: FloatArray,
    loo_prediction: FloatArray,
    spread: LooSpread,
    leverage: FloatArray | None,
) -> res.ExpectedNeedResults:
    """Collect statistics, coefficients, per-row predictions and warnings of a fit."""
    stats = weighted_fit_statistics(y, fitted, loo_prediction, model.sample_weight_)
    years = sorted(set(frame[model.year])) if model.year in frame.columns else []
    interval_method = (
        "ols_external_studentised_t" if model.alpha_ is None else "ridge_loo_residual_t"
    )
    pooled = bool(frame[model.area].duplicated().any())
    return res.ExpectedNeedResults(
        target=model.target,
        indicators=tuple(model.indicators),
        method=model.method,
        alpha=model.alpha_,
        weighted=model.weight is not None,
        years=tuple(int(v) for v in years),
        n=len(y),
        intercept=model.original_intercept(),
        coefficients=model.coefficients(),
        rows=_rows(model, frame, y, fitted, loo_prediction, spread, leverage),
        interval_level=model.interval_level,
        interval_method=interval_method,
        ci_level=model.ci_level,
        n_bootstrap=model.n_bootstrap,
        bootstrap_unit="area" if pooled else "row",
        random_state=model.random_state,
        warnings=_warnings(model, frame, stats["loo_r2"]),
        input_hash=model.input_hash(frame),
        r2=stats["r2"],
        loo_r2=stats["loo_r2"],
        rmse=stats["rmse"],
        loo_rmse=stats["loo_rmse"],
    )
