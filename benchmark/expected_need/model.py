"""The expected-need (udgiftsbehov) estimator: a scikit-learn pipeline plus honest
uncertainty (leave-one-out, bootstrap, prediction intervals).

    model = ExpectedNeedModel(target="pladser_pr_10000",
                              indicators=("andel_65_plus", "log_folketal"))
    results = model.fit(frame).results_          # frozen ExpectedNeedResults

The pipeline is ``StandardScaler → LinearRegression`` (``method="ols"``),
``StandardScaler → Ridge`` (``method="ridge"``, α chosen by ``RidgeCV``'s efficient
leave-one-out over ``alphas`` on the standardised design, then held fixed), or the
log-linear model (``method="log"``): the OLS pipeline fitted to ln(y), expected value
exp(ln-scale prediction). ``method="auto"`` picks :func:`default_method`: "log" for a
target that is not signed and strictly positive in every row, else "ols".

The log model's expected value is the plain exp of the ln-scale prediction, not a
smearing-corrected mean: under its assumption (ln y = Xβ + ε, ε with constant variance)
exp(Xβ) is the *median* of y given the indicators, so "index 100" means "as many
municipalities like this one lie above as below", the interval (exp of a symmetric
ln-scale interval) has the expected value as its geometric centre (√(low · high)),
and the indicator contributions multiply exactly to it. Duan's smearing factor
mean(exp(e)) — how much higher the *mean* of such municipalities lies — is reported
(``smearing_factor``) but not applied. Optional
weights (e.g. population) are normalised to mean 1 — so α means the same with or
without weights — and passed as ``sample_weight`` to both steps.

Leave-one-out means refitting the whole pipeline, scaler included, without the row:
for OLS through the hat matrix (r_i = e_i ÷ (1 − h_ii), exact because OLS fitted values
do not depend on the scaling), for ridge through the exact vectorised refits of
:mod:`.refit`. The bootstrap resamples municipalities (all their years together) with
replacement and refits the pipeline on each resample, also via :mod:`.refit`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Self

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.linear_model import LinearRegression, Ridge, RidgeCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from benchmark.expected_need import results as res
from benchmark.expected_need.hashing import model_input_hash
from benchmark.expected_need.intervals import (
    LooSpread,
    grouped_ols_loo,
    ols_loo_spread,
    ridge_loo_spread,
)
from benchmark.expected_need.intervals import two_sided_t as _t
from benchmark.expected_need.leverage import (
    DesignGeometry,
    grouped_extrapolation,
    leverage_cutoff,
    loo_extrapolation,
)
from benchmark.expected_need.refit import (
    FloatArray,
    bootstrap_draws,
    draws_to_row_weights,
    leave_one_out_contributions,
    leave_one_out_predictions,
    ols_leverage,
    refit_batch,
)
from benchmark.expected_need.report import FitContext, RowGeometry, build_results, row_predictions

DEFAULT_ALPHAS: tuple[float, ...] = tuple(float(a) for a in np.logspace(-3, 3, 25))
METHODS = ("ols", "ridge", "log")
LOG_METHOD = "log"


def log_refusal(scale: str, y: FloatArray) -> res.ModelInputError | None:
    """Why the log model cannot be fitted to this target (None: it can): a signed target,
    or a value ≤ 0 (ln is undefined at 0, e.g. a rate with zeros)."""
    if scale == "signed":
        return res.ModelInputError(
            "log_signed", "the log model needs a positive target; this one is signed"
        )
    zeros = int(np.sum(y <= 0))
    if zeros:
        return res.ModelInputError(
            "log_not_positive",
            f"the log model needs every value > 0; {zeros} of {len(y)} are 0 or below",
        )
    return None


def default_method(scale: str, y: Sequence[float] | FloatArray) -> str:
    """The default method for a target: "log" (multiplicative) when the target is not
    signed and every value is > 0, else "ols"."""
    values = np.asarray(y, dtype=np.float64)
    return "ols" if log_refusal(scale, values) is not None else LOG_METHOD


class ExpectedNeedModel(BaseEstimator):
    """Expected value of a nøgletal per municipality from structural indicators.

        Parameters (stored as given; checked in ``fit``): ``target`` and ``indicators`` name
        columns of the data; ``method`` "ols", "ridge", "log" or "auto" (:func:`default_method`;
    the resolved method is ``method_``); ``weight`` an optional column of
        positive weights; ``scale`` of the target: "positive" (every value > 0, index shown),
        "signed" (no index, difference only) or "rate" (values ≥ 0; refused when more than a
        third are 0 or fewer than 10 are non-zero; index only when none is 0); None: "positive"
        when every value is > 0, else "signed"; ``years`` restricts to those years (None: all rows, pooled);
        ``alphas`` the ridge grid; ``interval_level`` of the prediction intervals;
        ``ci_level`` of the bootstrap coefficient intervals; ``n_bootstrap`` resamples (0:
        none); ``random_state`` seeds the bootstrap (the only randomness); ``area`` and
        ``year`` name the key columns (``year`` may be absent from the data).
    """

    def __init__(
        self,
        target: str,
        indicators: Sequence[str],
        method: str = "ols",
        weight: str | None = None,
        scale: str | None = None,
        years: Sequence[int] | None = None,
        alphas: Sequence[float] = DEFAULT_ALPHAS,
        interval_level: float = 0.90,
        ci_level: float = 0.95,
        n_bootstrap: int = 1000,
        random_state: int = 0,
        area: str = "area_code",
        year: str = "year",
    ) -> None:
        self.target = target
        self.indicators = indicators
        self.method = method
        self.weight = weight
        self.scale = scale
        self.years = years
        self.alphas = alphas
        self.interval_level = interval_level
        self.ci_level = ci_level
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state
        self.area = area
        self.year = year

    # ------------------------------------------------------------------ fitting
    def fit(self, data: pd.DataFrame | Iterable[Mapping[str, Any]]) -> Self:
        """Fit the pipeline and compute all results; sets ``results_`` and returns self.

        Raises :class:`ModelInputError` (a ValueError with ``code``) on invalid input,
        e.g. ``too_many_predictors`` when OLS gets more than n ÷ 5 indicators.
        """
        self._check_parameters()
        frame = self._select_rows(pd.DataFrame(data))
        x, y, weights = self._arrays(frame)
        self.scale_ = self._check_scale(y)
        self.method_ = self._resolve_method(y)
        self._check_size(*x.shape)
        self.index_positive_ = bool((y > 0).all())
        self.weight_scale_ = float(np.mean(weights))
        self.sample_weight_ = weights / self.weight_scale_
        # The regression's own target: ln(y) for the log model (every figure below is on
        # that scale until the report turns it back with exp), else y.
        target = np.log(y) if self.method_ == LOG_METHOD else y
        self.pipeline_, self.alpha_ = self._fit_pipeline(x, target, self.sample_weight_)
        z = self.pipeline_["scaler"].transform(x)
        fitted = self.pipeline_.predict(x)
        self.geometry_ = DesignGeometry.of(z, self.sample_weight_)
        self.groups_ = pd.factorize(frame[self.area])[0].astype(np.int64)
        # Pooled years: a municipality appears in several rows, and "the others" are the
        # other municipalities (leave-one-out drops all its years; errors clustered).
        self.pooled_ = bool(len(np.unique(self.groups_)) < len(self.groups_))
        loo_groups = self.groups_ if self.pooled_ else None
        loo_prediction, spread = self._leave_one_out(z, target, fitted)
        n_params = x.shape[1] + 1
        self.leverage_ = self.geometry_.leverage(self.sample_weight_)
        self.robust_se_type_: str | None = None
        self.robust_se_ = None
        if self.alpha_ is None and self.pooled_:
            self.robust_se_type_ = "CR1_area"
            self.robust_se_ = self._cluster_se(z, target - fitted)
        elif self.alpha_ is None:
            self.robust_se_type_ = "HC3"
            self.robust_se_ = self._hc3(z, target - fitted)
        level, contributions = leave_one_out_contributions(
            z, target, self.sample_weight_, self.alpha_ or 0.0, loo_groups
        )
        self.smearing_factor_ = (
            float(np.average(np.exp(target - fitted), weights=self.sample_weight_))
            if self.method_ == LOG_METHOD
            else None
        )
        if self.method_ == LOG_METHOD:
            # ŷ_(−i) = exp(level) · Π exp(contribution): the others' geometric mean and one
            # factor per indicator.
            level, contributions = np.exp(level), np.exp(contributions)
        geometry = RowGeometry(
            leverage=self.leverage_,
            extrapolation=grouped_extrapolation(z, self.sample_weight_, self.groups_)
            if self.pooled_
            else loo_extrapolation(z, self.sample_weight_, self.geometry_),
            cutoff=leverage_cutoff(len(y), n_params),
            level=level,
            contributions=contributions,
        )
        self._bootstrap(z, target)
        context = self._context(frame)
        self.results_ = build_results(context, frame, y, fitted, loo_prediction, spread, geometry)
        # Every row's figures even when the run does not explain the differences (then
        # results_.rows withholds them): for diagnostics and the statistical tests.
        self.diagnostic_rows_ = row_predictions(
            context, frame, y, fitted, loo_prediction, spread, geometry, explains=True
        )
        return self

    def _context(self, frame: pd.DataFrame) -> FitContext:
        return FitContext(
            target=self.target,
            indicators=tuple(self.indicators),
            method=self.method_,
            scale=self.scale_,
            index_shown=self.scale_ != "signed" and bool(self.index_positive_),
            alphas=tuple(self.alphas),
            alpha=self.alpha_,
            weighted=self.weight is not None,
            interval_level=self.interval_level,
            ci_level=self.ci_level,
            n_bootstrap=self.n_bootstrap,
            random_state=self.random_state,
            area=self.area,
            year=self.year,
            sample_weight=self.sample_weight_,
            intercept=self.original_intercept(),
            coefficients=self.coefficients(),
            input_hash=self.input_hash(frame),
            n_degenerate=self.n_degenerate_,
            log_scale=self.method_ == LOG_METHOD,
            smearing_factor=self.smearing_factor_,
            pooled=self.pooled_,
            robust_se_type=self.robust_se_type_,
        )

    def _check_parameters(self) -> None:
        if self.scale is not None and self.scale not in res.SCALES:
            raise res.ModelInputError("invalid_parameter", f"scale must be one of {res.SCALES}")
        if self.method not in (*METHODS, "auto"):
            raise res.ModelInputError(
                "unknown_method", f"method must be one of {(*METHODS, 'auto')}"
            )
        if len(self.indicators) == 0:
            raise res.ModelInputError("no_predictors", "at least one indicator is required")
        for name in ("interval_level", "ci_level"):
            if not 0.0 < getattr(self, name) < 1.0:
                raise res.ModelInputError("invalid_parameter", f"{name} must be in (0, 1)")
        if self.n_bootstrap < 0:
            raise res.ModelInputError("invalid_parameter", "n_bootstrap must be >= 0")
        if self.method == "ridge" and (not self.alphas or min(self.alphas) <= 0):
            raise res.ModelInputError("invalid_parameter", "alphas must be positive")

    def _columns(self, frame: pd.DataFrame) -> list[str]:
        columns = [self.area, self.target, *self.indicators]
        if self.year in frame.columns or self.years is not None:
            columns.insert(1, self.year)
        if self.weight is not None:
            columns.append(self.weight)
        return columns

    def _select_rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        columns = self._columns(frame)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise res.ModelInputError("missing_columns", f"data lacks columns {missing}")
        frame = frame[columns].copy()
        frame[self.area] = frame[self.area].astype(str)
        keys = [self.area]
        if self.year in frame.columns:
            frame[self.year] = frame[self.year].astype(int)
            keys.append(self.year)
            if self.years is not None:
                frame = frame[frame[self.year].isin([int(v) for v in self.years])]
        if frame.duplicated(keys).any():
            raise res.ModelInputError("duplicate_rows", f"more than one row per {keys}")
        values = frame.drop(columns=keys).astype(float)
        if not np.isfinite(values.to_numpy()).all():
            bad = frame.loc[~np.isfinite(values.to_numpy()).all(axis=1), self.area].tolist()
            raise res.ModelInputError("missing_values", f"missing or non-finite values: {bad}")
        frame[values.columns] = values
        return frame.sort_values(keys).reset_index(drop=True)

    def _arrays(self, frame: pd.DataFrame) -> tuple[FloatArray, FloatArray, FloatArray]:
        x = frame[list(self.indicators)].to_numpy(dtype=np.float64)
        y = frame[self.target].to_numpy(dtype=np.float64)
        if self.weight is None:
            return x, y, np.ones(len(y))
        weights = frame[self.weight].to_numpy(dtype=np.float64)
        if (weights <= 0).any():
            raise res.ModelInputError("invalid_weights", "weights must be positive")
        return x, y, weights

    def _check_scale(self, y: FloatArray) -> str:
        scale = self.scale or ("positive" if (y > 0).all() else "signed")
        zeros, n = int(np.sum(y == 0)), len(y)
        if scale == "positive" and not (y > 0).all():
            raise res.ModelInputError(
                "not_positive", "the target is declared strictly positive but has values <= 0"
            )
        if scale == "rate" and (y < 0).any():
            raise res.ModelInputError("negative_rate", "a rate cannot be negative")
        if scale == "rate" and (zeros > res.MOSTLY_ZERO_SHARE * n or n - zeros < res.MIN_NONZERO):
            raise res.ModelInputError(
                "mostly_zero",
                f"{zeros} of {n} values are 0: more than a third, or fewer than "
                f"{res.MIN_NONZERO} non-zero; a regression cannot describe such a target",
            )
        return scale

    def _resolve_method(self, y: FloatArray) -> str:
        """The method fitted: "auto" resolved by :func:`default_method`; "log" refused for a
        signed target or a value ≤ 0 (codes ``log_signed``, ``log_not_positive``)."""
        if self.method == "auto":
            return default_method(self.scale_, y)
        if self.method == LOG_METHOD:
            refusal = log_refusal(self.scale_, y)
            if refusal is not None:
                raise refusal
        return str(self.method)

    def _check_size(self, n: int, p: int) -> None:
        if self.method_ in ("ols", LOG_METHOD) and p > n / 5:
            raise res.ModelInputError(
                "too_many_predictors",
                f"OLS with {p} predictors needs at least {5 * p} rows (p <= n/5), got {n}; "
                "use fewer indicators or method='ridge'",
            )
        if n < p + 3:
            raise res.ModelInputError(
                "too_few_rows", f"{n} rows are too few for {p} predictors (need p + 3)"
            )

    def _fit_pipeline(
        self, x: FloatArray, y: FloatArray, weights: FloatArray
    ) -> tuple[Pipeline, float | None]:
        alpha: float | None = None
        if self.method_ == "ridge" and len(self.alphas) == 1:
            alpha = float(self.alphas[0])
        elif self.method_ == "ridge":
            # RidgeCV's default cv=None is the efficient exact LOO on the standardised design.
            search = _pipeline(RidgeCV(alphas=np.asarray(self.alphas, dtype=np.float64)))
            search.fit(x, y, **_weight_params(weights))
            alpha = float(search["regression"].alpha_)
        regression = LinearRegression() if alpha is None else Ridge(alpha=alpha)
        pipeline = _pipeline(regression).fit(x, y, **_weight_params(weights))
        return pipeline, alpha

    # ---------------------------------------------------------- uncertainty
    def _leave_one_out(
        self, z: FloatArray, y: FloatArray, fitted: FloatArray
    ) -> tuple[FloatArray, LooSpread]:
        weights = self.sample_weight_
        n_params = z.shape[1] + 1
        if self.alpha_ is None:
            leverage, inverse = ols_leverage(z, weights)
            if (leverage > 1.0 - 1e-10).any():
                raise res.ModelInputError(
                    "leverage_one", "a row has leverage 1: the others cannot predict it"
                )
            self.design_inverse_ = inverse
            self.residual_variance_ = float(np.sum(weights * (y - fitted) ** 2)) / (
                len(y) - n_params
            )
            if self.pooled_:
                try:
                    return grouped_ols_loo(z, y, weights, self.groups_)
                except ValueError as exc:
                    raise res.ModelInputError("too_few_rows", str(exc)) from exc
            spread = ols_loo_spread(y - fitted, leverage, weights, n_params)
            return y - spread.loo_residual, spread
        groups = self.groups_ if self.pooled_ else None
        loo_prediction = leave_one_out_predictions(z, y, weights, self.alpha_, groups)
        spread = ridge_loo_spread(y - loo_prediction, weights, n_params, groups)
        self.residual_variance_ = float(np.sum(weights * (y - loo_prediction) ** 2)) / len(y)
        return loo_prediction, spread

    def _hc3(self, z: FloatArray, residual: FloatArray) -> FloatArray:
        """HC3 heteroscedasticity-robust standard errors of the slopes per SD of each
        indicator (OLS/WLS): with D* = √w·[1, z], e* = √w·e and A = D*'D*,
        Cov = A⁻¹ D*' diag(e*² ÷ (1 − h)²) D* A⁻¹ (MacKinnon & White 1985)."""
        root = np.sqrt(self.sample_weight_)
        design = np.column_stack([np.ones(len(z)), z]) * root[:, None]
        scaled = (root * residual / (1.0 - self.leverage_)) ** 2
        inverse = self.geometry_.inverse
        cov = inverse @ (design.T * scaled) @ design @ inverse
        return np.asarray(np.sqrt(np.diag(cov))[1:], dtype=np.float64)

    def _cluster_se(self, z: FloatArray, residual: FloatArray) -> FloatArray:
        """Cluster-robust (CR1, clustered by municipality) standard errors of the slopes per
        SD of each indicator (OLS/WLS, pooled years): with D* = √w·[1, z], e* = √w·e,
        A = D*'D* and the score of municipality g, s_g = Σ_{i ∈ g} D*_i e*_i,
        Cov = c · A⁻¹ (Σ_g s_g s_g') A⁻¹, c = G ÷ (G − 1) · (n − 1) ÷ (n − k)
        (Liang & Zeger 1986; the small-sample factor of Stata and statsmodels). It allows
        any correlation between a municipality's years and any variance per row."""
        root = np.sqrt(self.sample_weight_)
        design = np.column_stack([np.ones(len(z)), z]) * root[:, None]
        n, k = design.shape
        n_groups = int(self.groups_.max()) + 1
        scores = np.zeros((n_groups, k))
        np.add.at(scores, self.groups_, design * (root * residual)[:, None])
        inverse = self.geometry_.inverse
        factor = n_groups / (n_groups - 1) * (n - 1) / (n - k)
        cov = factor * inverse @ (scores.T @ scores) @ inverse
        return np.asarray(np.sqrt(np.diag(cov))[1:], dtype=np.float64)

    def _bootstrap(self, z: FloatArray, y: FloatArray) -> None:
        p = z.shape[1]
        self.bootstrap_standardised_ = np.empty((0, p))
        self.bootstrap_original_ = np.empty((0, p))
        self.n_degenerate_ = 0
        if self.n_bootstrap == 0:
            return
        n_groups = int(self.groups_.max()) + 1
        draws = bootstrap_draws(n_groups, self.n_bootstrap, self.random_state)
        row_weights = draws_to_row_weights(draws, self.groups_, self.sample_weight_)
        batch = refit_batch(z, y, row_weights, self.alpha_ or 0.0)
        self.n_degenerate_ = int(0 if batch.degenerate is None else batch.degenerate.sum())
        self.bootstrap_standardised_ = batch.coef_u
        self.bootstrap_original_ = batch.coef_z / self.pipeline_["scaler"].scale_

    # -------------------------------------------------------------- results
    def coefficients(self) -> tuple[res.Coefficient, ...]:
        """Coefficients per indicator with bootstrap percentile intervals.

        Standardised b_j (target units per SD of indicator j, the pipeline's ``coef_``);
        original b_j ÷ SD_j (target units per indicator unit); for the log model both are
        in ln units (one SD or unit more multiplies the expected value by exp(b_j));
        intervals are the
        (1 − ci_level)/2 and 1 − (1 − ci_level)/2 quantiles of the bootstrap refits.
        """
        scaler, regression = self.pipeline_["scaler"], self.pipeline_["regression"]
        bounds = [(1.0 - self.ci_level) / 2.0, 1.0 - (1.0 - self.ci_level) / 2.0]
        coefficients = []
        for j, name in enumerate(self.indicators):
            std_ci = orig_ci = None
            if self.n_bootstrap > 0:
                lo, hi = np.quantile(self.bootstrap_standardised_[:, j], bounds)
                std_ci = (float(lo), float(hi))
                lo, hi = np.quantile(self.bootstrap_original_[:, j], bounds)
                orig_ci = (float(lo), float(hi))
            coef, sd = float(regression.coef_[j]), float(scaler.scale_[j])
            robust = None if self.robust_se_ is None else float(self.robust_se_[j])
            coefficients.append(
                res.Coefficient(
                    name,
                    coef,
                    coef / sd,
                    std_ci,
                    orig_ci,
                    robust_se_standardised=robust,
                    robust_se_original=None if robust is None else robust / sd,
                )
            )
        return tuple(coefficients)

    def original_intercept(self) -> float:
        """Intercept in original units: b0 − Σ_j b_j · mean_j ÷ sd_j (target units)."""
        scaler, regression = self.pipeline_["scaler"], self.pipeline_["regression"]
        shift = np.sum(regression.coef_ * scaler.mean_ / scaler.scale_)
        return float(regression.intercept_ - shift)

    def input_hash(self, frame: pd.DataFrame) -> str:
        """SHA-256 of the selected input rows and all parameters (see ``model_input_hash``)."""
        return model_input_hash(frame.to_dict(orient="records"), self.get_params())

    # ---------------------------------------------------------- prediction
    def predict(self, data: pd.DataFrame | Iterable[Mapping[str, Any]]) -> FloatArray:
        """Expected value ŷ (target units) for new rows with the indicator columns; for the
        log model exp of the ln-scale prediction (the median, see the module)."""
        x = pd.DataFrame(data)[list(self.indicators)].to_numpy(dtype=np.float64)
        return np.asarray(self._inverse(self.pipeline_.predict(x)), dtype=np.float64)

    def _inverse(self, values: FloatArray) -> FloatArray:
        """From the regression's scale to the target's: exp for the log model."""
        return np.asarray(np.exp(values) if self.method_ == LOG_METHOD else values)

    def prediction_checks(
        self, data: pd.DataFrame | Iterable[Mapping[str, Any]]
    ) -> tuple[FloatArray, np.ndarray]:
        """(leverage, extrapolation) of new rows: leverage w₀ · x̃₀'(X̃'WX̃)⁻¹x̃₀ (w₀ = 1
        without a weight column) and True where the point lies beyond the in-sample
        ellipsoid or outside an indicator's observed range (:mod:`.leverage`)."""
        frame = pd.DataFrame(data)
        z = self.pipeline_["scaler"].transform(frame[list(self.indicators)].to_numpy())
        weights = self._new_weights(frame)
        return weights * self.geometry_.quad_of(z), self.geometry_.outside(z)

    def _new_weights(self, frame: pd.DataFrame) -> FloatArray:
        if self.weight is not None and self.weight in frame.columns:
            return np.asarray(frame[self.weight].to_numpy(dtype=np.float64) / self.weight_scale_)
        return np.ones(len(frame))

    def _warn_outside(self, frame: pd.DataFrame) -> None:
        leverage, outside = self.prediction_checks(frame)
        if not outside.any():
            return
        listed = ", ".join(
            f"{i} (leverage {leverage[i]:.2f})".replace(".", ",") for i in np.flatnonzero(outside)
        )
        warnings.warn(
            res.ExtrapolationWarning(
                f"Række {listed} ligger uden for de data, modellen er tilpasset på (uden for "
                "en indikators observerede værdier, eller længere fra midten end alle "
                f"kommunerne i data; største leverage i data "
                f"{float(self.leverage_.max()):.2f}".replace(".", ",")
                + "): forventet værdi og interval er en ekstrapolation."
            ),
            stacklevel=3,
        )

    def predict_interval(
        self, data: pd.DataFrame | Iterable[Mapping[str, Any]]
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(expected, low, high) for new rows at ``interval_level``, target units.

        OLS: ŷ₀ ± t(n − k) · s · √(1/w₀ + x̃₀'(X̃'WX̃)⁻¹x̃₀); ridge: ŷ₀ ± t(n − k) ·
        √(PRESS/n ÷ w₀). w₀ is the row's weight ÷ the mean training weight (1 unweighted).
        For a non-negative target (scale "positive" or "rate") bounds below 0 are raised
        to 0. The log model computes the OLS interval on the ln scale and returns exp of
        its bounds (never below 0; the expected value is its geometric centre). A new point outside the data (see :meth:`prediction_checks`) raises an
        :class:`~benchmark.expected_need.results.ExtrapolationWarning` naming the rows.
        """
        frame = pd.DataFrame(data)
        x = frame[list(self.indicators)].to_numpy(dtype=np.float64)
        expected = np.asarray(self.pipeline_.predict(x), dtype=np.float64)
        weights = self._new_weights(frame)
        variance = self.residual_variance_ / weights
        if self.alpha_ is None:
            z = self.pipeline_["scaler"].transform(frame[list(self.indicators)].to_numpy())
            design = np.column_stack([np.ones(len(frame)), z])
            quad = np.einsum("ij,jk,ik->i", design, self.design_inverse_, design)
            variance = variance + self.residual_variance_ * quad
        n, k = len(self.sample_weight_), len(self.indicators) + 1
        half = _t(self.interval_level, n - k) * np.sqrt(variance)
        low, high = self._inverse(expected - half), self._inverse(expected + half)
        expected = self._inverse(expected)
        if self.scale_ in ("positive", "rate"):
            low, high = np.maximum(low, 0.0), np.maximum(high, 0.0)
        self._warn_outside(frame)
        return expected, low, high


def _pipeline(regression: Any) -> Pipeline:
    return Pipeline([("scaler", StandardScaler()), ("regression", regression)])


def _weight_params(weights: FloatArray) -> dict[str, FloatArray]:
    """Fit parameters routing the same sample weights to both pipeline steps."""
    return {"scaler__sample_weight": weights, "regression__sample_weight": weights}
