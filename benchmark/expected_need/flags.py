"""Outlier flags corrected for multiplicity (Holm over the rows of a run).

With 19 municipalities and a flag at |t| > 2 at least one municipality is flagged in
most runs of a perfectly specified model, so a flag says little. Here each row's
externally studentised residual t_i (t-distributed with ``df`` degrees of freedom under
the model) gets a two-sided p-value p_i = 2 · P(T_df > |t_i|); Holm's step-down
procedure adjusts them,

    p̃_(k) = max_{j ≤ k} min(1, (m − j + 1) · p_(j))       (p_(1) ≤ … ≤ p_(m) sorted)

and a row is flagged when p̃_i ≤ ``FLAG_FAMILY_LEVEL``. Holm controls the chance of one
or more flags among the m rows at that level whatever the dependence between the rows;
a simulation test checks it at n = 19 and n = 98. All functions work on the last axis,
so a simulation can pass many runs at once.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from benchmark.expected_need.refit import FloatArray

FLAG_FAMILY_LEVEL = 0.05
"""Chance of flagging at least one row when the model is right (family-wise level)."""


def two_sided_p(studentised: FloatArray, df: int | FloatArray) -> FloatArray:
    """2 · P(T_df > |t|) elementwise."""
    return np.asarray(2.0 * stats.t.sf(np.abs(studentised), df), dtype=np.float64)


def holm_adjusted(p_values: FloatArray) -> FloatArray:
    """Holm step-down adjusted p-values along the last axis (see module)."""
    p = np.asarray(p_values, dtype=np.float64)
    m = p.shape[-1]
    order = np.argsort(p, axis=-1, kind="stable")
    ranked = np.take_along_axis(p, order, axis=-1) * (m - np.arange(m))
    adjusted_sorted = np.minimum(np.maximum.accumulate(ranked, axis=-1), 1.0)
    adjusted = np.empty_like(p)
    np.put_along_axis(adjusted, order, adjusted_sorted, axis=-1)
    return adjusted


def holm_flags(
    studentised: FloatArray, df: int | FloatArray, level: float = FLAG_FAMILY_LEVEL
) -> tuple[FloatArray, np.ndarray]:
    """(Holm-adjusted p-values, flags p̃ ≤ level) of externally studentised residuals."""
    adjusted = holm_adjusted(two_sided_p(studentised, df))
    return adjusted, adjusted <= level
