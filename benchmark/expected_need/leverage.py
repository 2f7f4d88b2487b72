"""Leverage and extrapolation: how far a municipality lies from the others in indicator space.

With X̃ = [1, z] (the standardised design with an intercept column) and W the normalised
weights, A = X̃'WX̃ and the unweighted quadratic form q(x) = x̃'A⁻¹x̃ measure how far a
point lies from the weighted centre of the data, in the metric of the data's own spread.
The leverage of row i is h_ii = w_i · q(x_i) (the hat-matrix diagonal, Σh = k = p + 1); a
new point with weight w₀ has leverage w₀ · q(x₀).

- **High leverage**: h_ii > 2k ÷ n (the usual rule of thumb: twice the average leverage).
  The row pulls the fit towards itself.
- **Extrapolation of a row**: the expected value shown is the prediction from the *other*
  rows (leave-one-out), so row i is an extrapolation when, measured in the metric of the
  other rows, it lies farther out than every one of them:
  q_(−i)(x_i) > max_{j≠i} q_(−i)(x_j). By Sherman–Morrison, with G = X̃A⁻¹X̃',
  q_(−i)(x_j) = G_jj + w_i G_ij² ÷ (1 − h_ii) and q_(−i)(x_i) = G_ii ÷ (1 − h_ii).
- **Extrapolation of a new point**: q(x₀) > max_i q(x_i) (outside the smallest such
  ellipsoid holding the data), or outside the observed range of any single indicator.

The same measures are used for OLS and ridge: they describe the data, not the penalty.
With pooled years "the other rows" are the other municipalities' rows
(:func:`grouped_extrapolation`), as for the leave-one-out predictions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmark.expected_need.refit import FloatArray

HIGH_LEVERAGE_FACTOR = 2.0
"""A row has high leverage above HIGH_LEVERAGE_FACTOR × k ÷ n (twice the mean leverage)."""


def _design(z: FloatArray) -> FloatArray:
    return np.column_stack([np.ones(z.shape[0]), z])


@dataclass(frozen=True)
class DesignGeometry:
    """The design's inverse cross-product A⁻¹, the in-sample quadratic forms q_i and range."""

    inverse: FloatArray
    quad: FloatArray
    low: FloatArray
    high: FloatArray

    @classmethod
    def of(cls, z: FloatArray, weights: FloatArray) -> DesignGeometry:
        design = _design(z)
        # pinv: ridge may run on a design whose columns are collinear.
        inverse = np.linalg.pinv(design.T @ (design * weights[:, None]))
        quad = np.einsum("ij,jk,ik->i", design, inverse, design)
        return cls(np.asarray(inverse, dtype=np.float64), quad, z.min(axis=0), z.max(axis=0))

    def leverage(self, weights: FloatArray) -> FloatArray:
        """h_ii = w_i · q(x_i)."""
        return np.asarray(weights * self.quad, dtype=np.float64)

    def quad_of(self, z_new: FloatArray) -> FloatArray:
        """q(x₀) for new standardised rows."""
        design = _design(z_new)
        return np.asarray(np.einsum("ij,jk,ik->i", design, self.inverse, design))

    def outside(self, z_new: FloatArray) -> np.ndarray:
        """New points beyond the in-sample ellipsoid or any indicator's observed range."""
        tolerance = 1e-9
        beyond_range = ((z_new < self.low - tolerance) | (z_new > self.high + tolerance)).any(
            axis=1
        )
        return np.asarray(beyond_range | (self.quad_of(z_new) > self.quad.max() * (1 + 1e-9)))


def high_leverage(leverage: FloatArray, n_params: int) -> np.ndarray:
    """h_ii > 2k ÷ n."""
    return np.asarray(leverage > HIGH_LEVERAGE_FACTOR * n_params / leverage.shape[0])


def leverage_cutoff(n: int, n_params: int) -> float:
    """The high-leverage threshold 2k ÷ n (dimensionless)."""
    return HIGH_LEVERAGE_FACTOR * n_params / n


def loo_extrapolation(z: FloatArray, weights: FloatArray, geometry: DesignGeometry) -> np.ndarray:
    """Rows lying beyond every other row in the metric of the others (see module)."""
    design = _design(z)
    gram = design @ geometry.inverse @ design.T
    h = weights * np.diag(gram)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(h < 1.0 - 1e-10, weights / (1.0 - h), np.inf)
        # q_without[i, j] = q_(−i)(x_j)
        q_without = np.diag(gram)[None, :] + factor[:, None] * gram**2
    own = np.diag(q_without).copy()
    others = np.where(np.eye(len(h), dtype=bool), -np.inf, q_without).max(axis=1)
    return np.asarray(~np.isfinite(own) | (own > others * (1 + 1e-9)))


def grouped_extrapolation(z: FloatArray, weights: FloatArray, groups: np.ndarray) -> np.ndarray:
    """Pooled years: rows lying beyond every row of the *other* municipalities, in their
    metric: q_(−g)(x_i) > max_{j ∉ g} q_(−g)(x_j) with A_(−g) from the other groups' rows."""
    design = _design(z)
    outside = np.zeros(z.shape[0], dtype=bool)
    for g in np.unique(groups):
        out, keep = groups == g, groups != g
        d = design[keep]
        inverse = np.linalg.pinv(d.T @ (d * weights[keep][:, None]))
        others = np.einsum("ij,jk,ik->i", d, inverse, d).max()
        own = np.einsum("ij,jk,ik->i", design[out], inverse, design[out])
        outside[out] = own > others * (1 + 1e-9)
    return outside
