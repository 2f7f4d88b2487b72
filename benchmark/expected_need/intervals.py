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

Pooled years (several rows per municipality): "the others" are the *other
municipalities*. Leaving out one municipality-year would let the municipality's other
years predict it, so the whole municipality (all its years) is left out: OLS refits
without it and uses the classical new-observation interval from the remaining rows
(:func:`grouped_ols_loo`), ridge uses the exact refits without the municipality and the
leave-one-out residuals of the other municipalities' rows.
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
    df: int | FloatArray
    """One number, or one per row (leave-one-municipality-out: n − n_g − k)."""

    @property
    def studentised(self) -> FloatArray:
        """r_i ÷ se_i (dimensionless)."""
        return self.loo_residual / self.standard_error

    def half_width(self, level: float) -> FloatArray:
        """t(df; 1 − (1 − level)/2) × se_i, in target units."""
        quantile = stats.t.ppf(1.0 - (1.0 - level) / 2.0, self.df)
        return np.asarray(quantile * self.standard_error, dtype=np.float64)


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


def ridge_loo_spread(
    loo_residual: FloatArray,
    weights: FloatArray,
    n_params: int,
    groups: np.ndarray | None = None,
) -> LooSpread:
    """Ridge: se_i from the weighted leave-one-out residuals of the other rows (see module);
    with ``groups`` (pooled years) of the other groups' rows:
    se_i² = (PRESS − Σ_{j ∈ g(i)} w_j r_j²) ÷ (n − n_g) ÷ w_i."""
    n = loo_residual.shape[0]
    squares = weights * loo_residual**2
    press = float(np.sum(squares))
    if groups is None:
        deleted_var = (press - squares) / (n - 1)
    else:
        own = np.bincount(groups, weights=squares)[groups]
        size = np.bincount(groups)[groups]
        deleted_var = (press - own) / (n - size)
    standard_error = np.sqrt(np.clip(deleted_var, 0.0, None) / weights)
    return LooSpread(loo_residual, standard_error, n - n_params)


def grouped_ols_loo(
    z: FloatArray, y: FloatArray, weights: FloatArray, groups: np.ndarray
) -> tuple[FloatArray, LooSpread]:
    """Leave-one-municipality-out OLS/WLS for pooled years (see module): for each group g
    refit on the other groups' rows and give each row i of g the classical interval for a
    new observation from those rows,

        ŷ_(−g)i = x̃_i'b_(−g),   s²_(−g) = Σ_{j ∉ g} w_j (y_j − x̃_j'b_(−g))² ÷ (n − n_g − k)
        se_i = s_(−g) √(1/w_i + x̃_i'(X̃_(−g)'W X̃_(−g))⁻¹x̃_i),  t with n − n_g − k df.

    OLS fitted values do not depend on the scaling, so the refit on [1, z] equals the
    pipeline's refit. Returns (LOO predictions, spread with one df per row)."""
    design = np.column_stack([np.ones(z.shape[0]), z])
    n, k = design.shape
    prediction, standard_error, df = np.empty(n), np.empty(n), np.empty(n)
    for g in np.unique(groups):
        out, keep = groups == g, groups != g
        d, w = design[keep], weights[keep]
        inverse = np.linalg.pinv(d.T @ (d * w[:, None]))
        coef = inverse @ (d.T @ (w * y[keep]))
        dof = int(keep.sum()) - k
        if dof < 1:
            raise ValueError("too few rows left when a municipality is left out")
        s2 = float(np.sum(w * (y[keep] - d @ coef) ** 2)) / dof
        quad = np.einsum("ij,jk,ik->i", design[out], inverse, design[out])
        prediction[out] = design[out] @ coef
        standard_error[out] = np.sqrt(s2 * (1.0 / weights[out] + quad))
        df[out] = dof
    return prediction, LooSpread(y - prediction, standard_error, df)
