"""Prediction intervals from leave-one-out residuals.

For each municipality the interval answers: "given the *other* rows, where would we
expect this one?" It is centred on the leave-one-out prediction ŷ_(−i) and scaled by
the standard error of y_i − ŷ_(−i), estimated without row i (external studentisation).

OLS (exact under independent normal errors with Var(ε_i) = σ² ÷ w_i):

    r_i = y_i − ŷ_(−i) = e_i ÷ (1 − h_ii)
    s²_(−i) = (Σ w e² − w_i e_i² ÷ (1 − h_ii)) ÷ (n − k − 1)       k = p + 1 parameters
    se_i = s_(−i) ÷ √(w_i (1 − h_ii))
    ŷ_(−i) ± t(n − k − 1; 1 − (1 − level) ÷ 2) × se_i

r_i ÷ se_i is the externally studentised residual, t-distributed with n − k − 1 degrees
of freedom, so the interval has exactly the nominal coverage: it is the classical
interval for a new observation computed from the n − 1 other rows. A new point x₀ gets
ŷ₀ ± t(n − k) × s × √(1/w₀ + x̃₀'(X̃'WX̃)⁻¹x̃₀).

Ridge (approximate; the penalty biases the fit and has no exact t distribution): the
spread of the exact leave-one-out residuals of the *other* rows estimates the
prediction error, se_i = √((PRESS − w_i r_i²) ÷ (n − 1) ÷ w_i), with t(n − k) quantiles;
a new point gets √(PRESS ÷ n ÷ w₀). The coverage test measures both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from benchmark.expected_need.refit import FloatArray


@dataclass(frozen=True)
class LooSpread:
    """Leave-one-out residuals r_i, their standard errors se_i and the t degrees of freedom."""

    loo_residual: FloatArray
    standard_error: FloatArray
    df: int

    @property
    def studentised(self) -> FloatArray:
        """r_i ÷ se_i (dimensionless)."""
        return self.loo_residual / self.standard_error

    def half_width(self, level: float) -> FloatArray:
        """t(df; 1 − (1 − level)/2) × se_i, in target units."""
        return two_sided_t(level, self.df) * self.standard_error


def two_sided_t(level: float, df: int) -> float:
    """Quantile t(df; 1 − (1 − level) ÷ 2) of Student's t distribution."""
    return float(stats.t.ppf(1.0 - (1.0 - level) / 2.0, df))


def ols_loo_spread(
    residual: FloatArray, leverage: FloatArray, weights: FloatArray, n_params: int
) -> LooSpread:
    """Exact OLS/WLS leave-one-out residuals and externally studentised scale (see module)."""
    n = residual.shape[0]
    df = n - n_params - 1
    loo_residual = residual / (1.0 - leverage)
    sse = float(np.sum(weights * residual**2))
    deleted_var = (sse - weights * residual**2 / (1.0 - leverage)) / df
    standard_error = np.sqrt(np.clip(deleted_var, 0.0, None) / (weights * (1.0 - leverage)))
    return LooSpread(loo_residual, standard_error, df)


def ridge_loo_spread(loo_residual: FloatArray, weights: FloatArray, n_params: int) -> LooSpread:
    """Ridge: se_i from the weighted leave-one-out residuals of the other rows (see module)."""
    n = loo_residual.shape[0]
    press = float(np.sum(weights * loo_residual**2))
    deleted_var = (press - weights * loo_residual**2) / (n - 1)
    standard_error = np.sqrt(np.clip(deleted_var, 0.0, None) / weights)
    return LooSpread(loo_residual, standard_error, n - n_params)
