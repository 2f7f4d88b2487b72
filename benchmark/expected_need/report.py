"""Assemble the frozen :class:`ExpectedNeedResults` from a fitted model's arrays."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from benchmark.expected_need import results as res
from benchmark.expected_need.flags import FLAG_FAMILY_LEVEL, holm_flags
from benchmark.expected_need.intervals import LooSpread
from benchmark.expected_need.refit import FloatArray


@dataclass(frozen=True)
class FitContext:
    """What :func:`build_results` needs of a fitted model (plain values, so this module does
    not import the estimator): its specification and the fitted coefficients."""

    target: str
    indicators: tuple[str, ...]
    method: str
    scale: str
    index_shown: bool
    alphas: Sequence[float]
    alpha: float | None
    weighted: bool
    interval_level: float
    ci_level: float
    n_bootstrap: int
    random_state: int
    area: str
    year: str
    sample_weight: FloatArray
    intercept: float
    coefficients: tuple[res.Coefficient, ...]
    input_hash: str
    n_degenerate: int = 0
    log_scale: bool = False
    """The regression was fitted to ln(y): fitted, LOO predictions and the interval's
    half-widths passed in are on the ln scale and are turned back with exp."""
    smearing_factor: float | None = None
    pooled: bool = False
    """Several rows per municipality: leave-one-out drops the municipality (all its years)."""
    robust_se_type: str | None = None


def library_versions() -> dict[str, str]:
    """Python, numpy, scipy, pandas and scikit-learn versions (stored with every run)."""
    import platform

    import scipy
    import sklearn

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
    }


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


@dataclass(frozen=True)
class RowGeometry:
    """Leverage h_ii per row, extrapolation per row and the cutoff 2k ÷ n (see .leverage)."""

    leverage: FloatArray
    extrapolation: np.ndarray
    cutoff: float
    level: FloatArray | None = None
    contributions: FloatArray | None = None

    def high(self) -> np.ndarray:
        return np.asarray(self.leverage > self.cutoff)

    def warnings(self, i: int) -> list[res.ModelWarning]:
        found = []
        if self.leverage[i] > self.cutoff:
            found.append(res.high_leverage_warning(float(self.leverage[i]), self.cutoff))
        if self.extrapolation[i]:
            found.append(res.extrapolation_warning())
        return found


def row_predictions(
    fit: FitContext,
    frame: pd.DataFrame,
    y: FloatArray,
    fitted: FloatArray,
    loo_prediction: FloatArray,
    spread: LooSpread,
    geometry: RowGeometry,
    explains: bool,
) -> tuple[res.RowPrediction, ...]:
    """One :class:`RowPrediction` per row; only actual and leverage unless ``explains``.

    Expected value, interval, index, difference and flag all use the same centre, the
    leave-one-out prediction; for a non-negative target the interval's lower bound is
    raised to 0 where it falls below (and the row says so). For the log model
    (``fit.log_scale``) ``fitted``, ``loo_prediction`` and ``spread`` are on the ln scale:
    expected = exp(ŷ_(−i)), interval exp(ŷ_(−i) ± half-width) (never below 0, geometric
    centre = expected), the studentised residual and the flag on the ln scale."""
    has_year = fit.year in frame.columns
    high = geometry.high()

    def bare(i: int) -> res.RowPrediction:
        """The row without expected value, interval, index or flag."""
        return res.RowPrediction(
            area_code=str(frame[fit.area].iat[i]),
            year=int(frame[fit.year].iat[i]) if has_year else None,
            actual=float(y[i]),
            expected=None,
            loo_prediction=None,
            interval_low=None,
            interval_high=None,
            studentised_residual=None,
            leverage=float(geometry.leverage[i]),
            index=None,
            outlier=None,
            high_leverage=bool(high[i]),
            extrapolation=bool(geometry.extrapolation[i]),
            warnings=tuple(geometry.warnings(i)),
        )

    if not explains:
        return tuple(bare(i) for i in range(len(y)))
    half = spread.half_width(fit.interval_level)
    studentised = spread.studentised
    adjusted, flags = holm_flags(studentised, spread.df)
    nonnegative = fit.scale in ("positive", "rate")
    rows = []
    back = np.exp if fit.log_scale else (lambda v: v)
    for i in range(len(y)):
        centre = float(loo_prediction[i])
        expected = float(back(centre))
        low, high_bound = float(back(centre - half[i])), float(back(centre + half[i]))
        warnings = geometry.warnings(i)
        clipped = nonnegative and low < 0.0
        if clipped:
            warnings.append(res.clipped_interval_warning(low))
            low, high_bound = 0.0, max(high_bound, 0.0)
        if nonnegative and expected < 0.0:
            warnings.append(res.negative_expected_warning())
        rows.append(
            dataclasses.replace(
                bare(i),
                expected=expected,
                loo_prediction=expected,
                fitted=float(back(fitted[i])),
                interval_low=low,
                interval_high=high_bound,
                interval_clipped=clipped,
                studentised_residual=float(studentised[i]),
                index=100.0 * float(y[i]) / expected if fit.index_shown and expected > 0 else None,
                outlier=bool(flags[i]),
                p_adjusted=float(adjusted[i]),
                difference=float(y[i]) - expected,
                warnings=tuple(warnings),
                level=None if geometry.level is None else float(geometry.level[i]),
                contributions=None
                if geometry.contributions is None
                else tuple(
                    (name, float(geometry.contributions[i, j]))
                    for j, name in enumerate(fit.indicators)
                ),
            )
        )
    return tuple(rows)


def _warnings(
    fit: FitContext,
    frame: pd.DataFrame,
    loo_r2: float,
    rows: Sequence[res.RowPrediction],
    scale_note: str = "",
) -> tuple[res.ModelWarning, ...]:
    warnings = []
    if loo_r2 <= 0.0:
        warnings.append(res.loo_r2_warning(loo_r2, scale_note))
    if len(frame) < res.SMALL_SAMPLE_N:
        warnings.append(res.small_sample_warning(len(frame)))
    if fit.pooled:
        warnings.append(res.pooled_rows_warning())
    edges = (min(fit.alphas), max(fit.alphas))
    if fit.alpha is not None and len(fit.alphas) > 1 and fit.alpha in edges:
        warnings.append(res.alpha_edge_warning(fit.alpha))
    if fit.n_degenerate:
        warnings.append(res.degenerate_warning(fit.n_degenerate, fit.n_bootstrap))
    clipped = sum(1 for r in rows if r.interval_clipped)
    if clipped:
        warnings.append(res.clipped_run_warning(clipped))
    return tuple(warnings)


def build_results(
    fit: FitContext,
    frame: pd.DataFrame,
    y: FloatArray,
    fitted: FloatArray,
    loo_prediction: FloatArray,
    spread: LooSpread,
    geometry: RowGeometry,
) -> res.ExpectedNeedResults:
    """Collect statistics, coefficients, per-row predictions and warnings of a fit.

    The fit statistics are on the target's own scale for every method (the log model's
    with exp of its predictions), so methods compare on one footing; the log model also
    gets them on the ln scale (``log_scale_statistics``), and explains the differences
    only when leave-one-out R² is above 0 on both scales."""
    if fit.log_scale:
        stats = weighted_fit_statistics(
            y, np.exp(fitted), np.exp(loo_prediction), fit.sample_weight
        )
        log_stats = weighted_fit_statistics(np.log(y), fitted, loo_prediction, fit.sample_weight)
    else:
        stats = weighted_fit_statistics(y, fitted, loo_prediction, fit.sample_weight)
        log_stats = None
    years = sorted(set(frame[fit.year])) if fit.year in frame.columns else []
    interval_method = (
        "log_ols_external_studentised_t"
        if fit.log_scale
        else "ols_external_studentised_t"
        if fit.alpha is None
        else "ridge_loo_residual_t"
    )
    pooled = bool(frame[fit.area].duplicated().any())
    guard, scale_note = stats["loo_r2"], ""
    if log_stats is not None and log_stats["loo_r2"] < guard:
        guard, scale_note = log_stats["loo_r2"], res.LN_SCALE_DA
    explains = res.explains_differences(
        stats["loo_r2"], None if log_stats is None else log_stats["loo_r2"]
    )
    rows = row_predictions(fit, frame, y, fitted, loo_prediction, spread, geometry, explains)
    return res.ExpectedNeedResults(
        target=fit.target,
        indicators=tuple(fit.indicators),
        method=fit.method,
        scale=fit.scale,
        index_shown=fit.index_shown,
        alpha=fit.alpha,
        weighted=fit.weighted,
        years=tuple(int(v) for v in years),
        n=len(y),
        intercept=fit.intercept,
        coefficients=fit.coefficients,
        rows=rows,
        interval_level=fit.interval_level,
        interval_method=interval_method,
        ci_level=fit.ci_level,
        n_bootstrap=fit.n_bootstrap,
        bootstrap_unit="area" if pooled else "row",
        random_state=fit.random_state,
        warnings=_warnings(fit, frame, guard, rows, scale_note),
        leverage_cutoff=geometry.cutoff,
        n_degenerate_resamples=fit.n_degenerate,
        library_versions=library_versions(),
        input_hash=fit.input_hash,
        explains=explains,
        flag_rule_da=res.flag_rule_text(FLAG_FAMILY_LEVEL),
        verdict_da=None if explains else res.not_explained_text(guard, scale_note),
        interval_centre="exp_loo_log_prediction" if fit.log_scale else "loo_prediction",
        log_scale_statistics=log_stats,
        smearing_factor=fit.smearing_factor,
        contributions_combine="product" if fit.log_scale else "sum",
        contributions_note_da=res.contributions_note(fit.log_scale),
        variance_assumption_da=res.variance_assumption(fit.method, fit.weighted, fit.pooled),
        loo_unit="area" if fit.pooled else "row",
        robust_se_type=fit.robust_se_type,
        r2=stats["r2"],
        loo_r2=stats["loo_r2"],
        rmse=stats["rmse"],
        loo_rmse=stats["loo_rmse"],
    )
