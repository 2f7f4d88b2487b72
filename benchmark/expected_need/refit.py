"""Exact, vectorised refits of the StandardScaler → linear model pipeline.

Leave-one-out and the bootstrap both refit the *whole* pipeline (scaler included) on a
reweighted sample: leaving row i out is weight 0 on row i; a bootstrap resample is the
original weights times the number of times each row was drawn. Refitting a weighted
StandardScaler and a weighted (ridge) regression with intercept only needs the
weighted means and centred cross-products of the design, so all refits are solved at
once as a stack of p × p systems instead of m scikit-learn fits.

For a refit with row weights v (v_i ≥ 0, V = Σ v_i) the pipeline computes

    m = Σ v_i x_i / V,   s_j = sqrt(Σ v_i (x_ij − m_j)² / V)       (the scaler)
    u_i = (x_i − m) / s                                            (standardised design)
    b_u = argmin Σ v_i (y_i − b0 − u_i·b)² + α‖b‖²
        = (U'VU + α I)⁻¹ U'V y_c        (U, y_c centred on the weighted means)

which is exactly what ``Pipeline([StandardScaler(), Ridge(alpha)])`` (α > 0) or
``LinearRegression`` (α = 0; minimum-norm solution when singular) returns for
``fit(X[rows], y[rows], sample_weight=w[rows])`` — the tests check this equality.
To avoid cancellation the design is passed in pre-standardised with the full-sample
scaler (z = (x − m_full) / s_full); a refit's scaler on z reproduces its scaler on x.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

# scikit-learn treats a feature as constant (scale 1) below this scale.
_CONSTANT_SCALE = 10 * np.finfo(np.float64).eps


@dataclass(frozen=True)
class RefitBatch:
    """Coefficients of m refits: intercept (m,), coef_z (m, p) per unit of z, coef_u (m, p)
    per standard deviation of the refit's own scaler (the pipeline's ``coef_``)."""

    intercept: FloatArray
    coef_z: FloatArray
    coef_u: FloatArray
    degenerate: np.ndarray | None = None
    """(m,) True where some indicator is constant among the refit's rows (weight > 0)."""


def refit_batch(z: FloatArray, y: FloatArray, weights: FloatArray, alpha: float) -> RefitBatch:
    """Refit scaler + (ridge) regression for every row of ``weights`` (shape m × n).

    ``z`` (n × p) is the design standardised with the full-sample scaler; ``y`` (n,) is
    the target in its own units. ``alpha`` = 0 gives OLS. Formula: module docstring.
    """
    n, p = z.shape
    m = weights.shape[0]
    y_mean = float(np.mean(y))
    yc = y - y_mean
    total = weights.sum(axis=1)
    mean_z = weights @ z / total[:, None]
    mean_y = weights @ yc / total
    products = (z[:, :, None] * z[:, None, :]).reshape(n, p * p)
    czz = (weights @ products).reshape(m, p, p)
    czz -= total[:, None, None] * mean_z[:, :, None] * mean_z[:, None, :]
    czy = weights @ (z * yc[:, None]) - total[:, None] * mean_z * mean_y[:, None]
    scale = np.sqrt(np.clip(np.diagonal(czz, axis1=1, axis2=2) / total[:, None], 0.0, None))
    # A column constant among the rows drawn (e.g. a dummy present in 2 of 19 municipalities,
    # neither drawn): its centred cross-products are rounding noise, and solving with them
    # divides noise by noise. scikit-learn's pipeline centres the column to exact zeros and
    # gives it coefficient 0; so do we, by removing it from the system.
    constant = _constant_columns(z, weights)
    scale = np.where((scale < _CONSTANT_SCALE) | constant, 1.0, scale)
    system = czz / (scale[:, :, None] * scale[:, None, :]) + alpha * np.eye(p)
    keep = (~constant).astype(np.float64)
    system = system * keep[:, :, None] * keep[:, None, :] + np.eye(p) * (1.0 - keep)[:, :, None]
    rhs = (czy / scale * keep)[:, :, None]
    try:
        coef_u = np.linalg.solve(system, rhs)[:, :, 0]
    except np.linalg.LinAlgError:
        # A rank-deficient resample: LinearRegression returns the minimum-norm solution.
        coef_u = (np.linalg.pinv(system) @ rhs)[:, :, 0]
    coef_z = coef_u / scale
    intercept = y_mean + mean_y - np.sum(mean_z * coef_z, axis=1)
    return RefitBatch(
        intercept=intercept,
        coef_z=coef_z,
        coef_u=coef_u,
        degenerate=np.asarray(constant.any(axis=1)),
    )


def _constant_columns(z: FloatArray, weights: FloatArray) -> np.ndarray:
    """(m, p): True where column j takes one value among the rows with weight > 0."""
    drawn = weights > 0
    high = np.where(drawn[:, :, None], z[None, :, :], -np.inf).max(axis=1)
    low = np.where(drawn[:, :, None], z[None, :, :], np.inf).min(axis=1)
    spread = np.ptp(z, axis=0)
    return np.asarray(high - low <= 1e-12 * np.where(spread > 0, spread, 1.0))


def fold_weights_of(weights: FloatArray, groups: NDArray[np.int64] | None) -> FloatArray:
    """(n, n) row weights of the leave-one-out refits: refit i gives weight 0 to row i or,
    with ``groups`` (pooled years), to every row of row i's group (the municipality with
    all its years)."""
    n = weights.shape[0]
    if groups is None:
        return np.asarray(np.broadcast_to(weights, (n, n)) * (1.0 - np.eye(n)))
    return np.asarray(weights[None, :] * (groups[None, :] != groups[:, None]))


def leave_one_out_predictions(
    z: FloatArray,
    y: FloatArray,
    weights: FloatArray,
    alpha: float,
    groups: NDArray[np.int64] | None = None,
) -> FloatArray:
    """Predict each row from the pipeline refitted without it (n refits at once).

    ŷ_(−i) = b0_(−i) + z_i · b_(−i), where the refit gives row i weight 0 (with
    ``groups``: every row of its group, see :func:`fold_weights_of`).
    """
    batch = refit_batch(z, y, fold_weights_of(weights, groups), alpha)
    return batch.intercept + np.sum(z * batch.coef_z, axis=1)


def leave_one_out_contributions(
    z: FloatArray,
    y: FloatArray,
    weights: FloatArray,
    alpha: float,
    groups: NDArray[np.int64] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Each row's leave-one-out prediction split into the others' level and one
    contribution per indicator: ŷ_(−i) = ȳ_(−i) + Σ_j b_(−i)j · (z_ij − z̄_(−i)j), where
    ȳ_(−i), z̄_(−i) are the weighted means of the other rows (with ``groups``: of the
    other groups' rows) and b_(−i) the refit's coefficients per unit of z. Returns
    (level (n,), contributions (n, p)), target units."""
    fold_weights = fold_weights_of(weights, groups)
    batch = refit_batch(z, y, fold_weights, alpha)
    total = fold_weights.sum(axis=1)
    level = fold_weights @ y / total
    mean_z = fold_weights @ z / total[:, None]
    return np.asarray(level), np.asarray(batch.coef_z * (z - mean_z))


def ols_leverage(z: FloatArray, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the WLS hat-matrix diagonal h and (X̃'WX̃)⁻¹ for X̃ = [1, z].

    h_ii = w_i · x̃_i' (X̃'WX̃)⁻¹ x̃_i (dimensionless, Σh = p + 1). The exact OLS
    leave-one-out residual is then e_i ÷ (1 − h_ii).
    """
    design = np.column_stack([np.ones(z.shape[0]), z])
    inverse = np.linalg.inv(design.T @ (design * weights[:, None]))
    leverage = weights * np.einsum("ij,jk,ik->i", design, inverse, design)
    return np.asarray(leverage, dtype=np.float64), np.asarray(inverse, dtype=np.float64)


def bootstrap_draws(n_groups: int, n_resamples: int, random_state: int) -> NDArray[np.int64]:
    """Draw ``n_resamples`` bootstrap samples of group indices, shape (B, n_groups).

    Each resample draws n_groups groups with replacement, uniformly, from
    ``numpy.random.default_rng(random_state)``. A group is a municipality (all its
    years together) or, without pooling, a single row.
    """
    rng = np.random.default_rng(random_state)
    return rng.integers(0, n_groups, size=(n_resamples, n_groups), dtype=np.int64)


def draws_to_row_weights(
    draws: NDArray[np.int64], group_of_row: NDArray[np.int64], weights: FloatArray
) -> FloatArray:
    """Turn group draws (B × G) into row weights (B × n): w_i × times drawn(group(i))."""
    n_resamples, n_groups = draws.shape
    offsets = np.arange(n_resamples)[:, None] * n_groups
    counts = np.bincount((draws + offsets).ravel(), minlength=n_resamples * n_groups)
    counts = counts.reshape(n_resamples, n_groups).astype(np.float64)
    return counts[:, group_of_row] * weights[None, :]
