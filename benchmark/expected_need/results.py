"""Result records, warnings, errors and user-facing texts of the expected-need model."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

CAVEAT_DA = (
    "Udgifter eller forbrug over det forventede niveau kan både betyde et højere "
    "serviceniveau og en lavere produktivitet; modellen kan ikke skelne mellem de to. "
    "Det forventede niveau er et statistisk skøn ud fra få strukturelle forhold."
)
"""Caveat to show with every published result (DESIGN.md section 8)."""

NOT_EXPLAINED_DA = "Modellen forklarer ikke forskellene mellem kommunerne"
"""Shown instead of expected values, indices and flags when leave-one-out R² ≤ 0."""

SCALES = ("positive", "signed", "rate")
"""Target scales: strictly positive (index shown), signed (difference only), a rate that
may be 0 (index only when every value in the fit is positive; mostly-zero refused)."""
MOSTLY_ZERO_SHARE = 1.0 / 3.0
MIN_NONZERO = 10

SMALL_SAMPLE_N = 15


class ModelInputError(ValueError):
    """Invalid input or specification. ``code`` is a stable machine-readable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class ExtrapolationWarning(UserWarning):
    """``predict_interval`` was asked for a point outside the data the model was fitted on."""


@dataclass(frozen=True)
class ModelWarning:
    """A caution attached to a result: stable ``code`` and Danish text for the page."""

    code: str
    message_da: str


def _danish_number(value: float) -> str:
    return f"{value:.2f}".replace("-", "−").replace(".", ",")


LN_SCALE_DA = " på log-skala"
"""Appended to "leave-one-out R²" when the log model's ln-scale value is the one meant."""


def loo_r2_warning(loo_r2: float, scale_note: str = "") -> ModelWarning:
    """Warning when leave-one-out R² ≤ 0 (``scale_note``: :data:`LN_SCALE_DA` or "")."""
    return ModelWarning(
        "loo_r2_nonpositive",
        f"Leave-one-out R²{scale_note} er 0 eller derunder ({_danish_number(loo_r2)}): "
        "modellen forudsiger ikke bedre end gennemsnittet.",
    )


def explains_differences(loo_r2: float | None, log_loo_r2: float | None = None) -> bool:
    """Whether a model explains the differences between the municipalities: its
    leave-one-out R² is above 0 (for the log model on both scales). The one place the rule
    is written; :attr:`ExpectedNeedResults.explains` is its value for a run."""
    if loo_r2 is None:
        return False
    guard = loo_r2 if log_loo_r2 is None or not log_loo_r2 < loo_r2 else log_loo_r2
    return guard > 0.0


def not_explained_text(loo_r2: float, scale_note: str = "") -> str:
    """The verdict of a run whose leave-one-out R² ≤ 0 (Danish, for the page)."""
    return (
        f"{NOT_EXPLAINED_DA}: leave-one-out R²{scale_note} er {_danish_number(loo_r2)} "
        "(0 eller derunder), "
        "så modellen forudsiger ikke bedre end gennemsnittet. Der vises ingen forventede "
        "værdier, indeks eller markeringer, og kørslen kan ikke offentliggøres."
    )


def flag_rule_text(level: float) -> str:
    """How a municipality comes to be marked "afvigende" (Danish, for the page)."""
    return (
        "Afvigende: kommunens afstand til det forventede er så stor, at den kun sjældent "
        "opstår ved tilfældighed, også når man tager højde for, at alle kommuner afprøves "
        f"på én gang (Holm-korrektion; højst {round(100 * level)} % risiko for at markere "
        "mindst én kommune, når modellen er rigtig)."
    )


def small_sample_warning(n: int) -> ModelWarning:
    """Warning when fewer than 15 observations are used."""
    return ModelWarning(
        "small_sample",
        f"Modellen bygger på kun {n} observationer (under {SMALL_SAMPLE_N}); "
        "koefficienter og forventede værdier er meget usikre.",
    )


def pooled_rows_warning() -> ModelWarning:
    """Note when an area appears in several rows (pooled years)."""
    return ModelWarning(
        "loo_by_area",
        "Flere år pr. kommune: det forventede for en kommune er forudsagt af de øvrige "
        "kommuner, uden nogen af kommunens egne år (hele kommunen udelades), og "
        "koefficienternes standardfejl er klyngede efter kommune, fordi en kommunes år "
        "ligner hinanden.",
    )


def alpha_edge_warning(alpha: float) -> ModelWarning:
    """Warning when the ridge penalty chosen by cross-validation is at the grid edge."""
    return ModelWarning(
        "alpha_at_grid_edge",
        f"Den valgte ridge-parameter (alpha = {alpha:g}) ligger på kanten af de "
        "afprøvede værdier; det bedste valg kan ligge uden for.",
    )


def high_leverage_warning(leverage: float, cutoff: float) -> ModelWarning:
    """Row warning: leverage above 2k ÷ n."""
    return ModelWarning(
        "high_leverage",
        f"Kommunen ligger langt fra de øvrige i indikatorerne (leverage "
        f"{_danish_number(leverage)} over grænsen 2k ÷ n = {_danish_number(cutoff)}): den "
        "trækker modellen mod sig selv, og dens forventede værdi er usikker.",
    )


def extrapolation_warning() -> ModelWarning:
    """Row warning: the row lies beyond every other row (its prediction extrapolates)."""
    return ModelWarning(
        "extrapolation",
        "Kommunen ligger uden for de øvrige kommuners indikatorværdier: det forventede "
        "niveau er en fremskrivning (ekstrapolation) og kan være langt fra det rigtige.",
    )


def clipped_interval_warning(low: float) -> ModelWarning:
    """Row warning: the lower bound of a non-negative nøgletal was raised to 0."""
    return ModelWarning(
        "interval_clipped",
        "Intervallets nedre grænse er sat til 0, fordi nøgletallet ikke kan være negativt "
        f"(den beregnede grænse var {_danish_number(low)}); intervallet dækker derfor "
        "mindre end den angivne sandsynlighed under 0 og er ikke symmetrisk.",
    )


def negative_expected_warning() -> ModelWarning:
    """Row warning: a non-negative nøgletal has a negative expected value."""
    return ModelWarning(
        "expected_negative",
        "Modellen forventer en negativ værdi af et nøgletal, der ikke kan være negativt: "
        "modellen passer ikke til kommunen, og der vises intet indeks.",
    )


def clipped_run_warning(count: int) -> ModelWarning:
    """Run warning: lower bounds of non-negative intervals raised to 0."""
    return ModelWarning(
        "intervals_clipped",
        f"For {count} kommune(r) gik intervallets nedre grænse under 0 og er sat til 0, "
        "fordi nøgletallet ikke kan være negativt. En lineær model passer dårligt til et "
        "nøgletal tæt på 0.",
    )


def degenerate_warning(count: int, total: int) -> ModelWarning:
    """Run warning: bootstrap resamples in which an indicator was constant."""
    return ModelWarning(
        "degenerate_resamples",
        f"I {count} af {total} bootstrap-gentrækninger var en indikator ens for alle de "
        "udtrukne kommuner; dens koefficient er sat til 0 i de gentrækninger (som "
        "scikit-learn gør). Koefficientens interval er derfor usikkert.",
    )


def contributions_note(log_scale: bool) -> str:
    """What the indicator contributions of a row mean (Danish, for the page)."""
    if log_scale:
        return (
            "Log-modellen: 'niveau' er de øvrige kommuners geometriske gennemsnit, og hvert "
            "bidrag er en faktor, som det forventede ganges med (1,10 betyder 10 % højere, "
            "0,90 betyder 10 % lavere, 1 ingen forskel); niveau × produktet af faktorerne "
            "= forventet."
        )
    return (
        "'niveau' er de øvrige kommuners (vægtede) gennemsnit, og hvert bidrag lægges til "
        "i nøgletallets enhed; niveau + summen af bidragene = forventet."
    )


POOLED_ASSUMPTION_DA = (
    " Poolede år: kommunerne antages uafhængige af hinanden, men en kommunes år må hænge "
    "sammen (fx en kommune, der ligger højt alle år); derfor udelader leave-one-out hele "
    "kommunen, og koefficienternes standardfejl er klyngede efter kommune (CR1)."
)


def variance_assumption(method: str, weighted: bool, pooled: bool = False) -> str:
    """What the method assumes of the spread around the expected value (Danish)."""
    return _variance_assumption(method, weighted) + (POOLED_ASSUMPTION_DA if pooled else "")


def _variance_assumption(method: str, weighted: bool) -> str:
    if method == "log":
        base = (
            "Multiplikativ støj: afvigelserne fra det forventede er procentvise, og "
            "spredningen af ln(nøgletal) omkring det forventede er den samme for alle "
            "kommuner; det forventede er medianen for kommuner som denne."
        )
        if weighted:
            base += " Med vægte: spredningen af ln(nøgletal) falder med folketallet (Var ∝ 1 ÷ folketal)."
        return base
    if weighted:
        return (
            "Spredningen omkring det forventede falder med folketallet: Var ∝ 1 ÷ folketal "
            "(store kommuner ligger tættere på det forventede)."
        )
    return "Samme spredning omkring det forventede for alle kommuner (konstant varians)."


@dataclass(frozen=True)
class Coefficient:
    """One predictor's coefficient.

    ``standardised``: change in the target (target units) per standard deviation of the
    indicator (the pipeline's ``coef_``); ``original``: per unit of the indicator
    (= standardised ÷ SD). ``*_interval``: bootstrap percentile interval at
    ``ExpectedNeedResults.ci_level`` (None without bootstrap). ``robust_se_*``: HC3
    heteroscedasticity-robust standard errors, or for pooled years cluster-robust (CR1,
    by municipality; see ``ExpectedNeedResults.robust_se_type``) — OLS and log only, None
    for ridge — per SD and per unit of the indicator.
    """

    indicator: str
    standardised: float
    original: float
    standardised_interval: tuple[float, float] | None
    original_interval: tuple[float, float] | None
    robust_se_standardised: float | None = None
    robust_se_original: float | None = None


@dataclass(frozen=True)
class RowPrediction:
    """Actual against expected for one municipality (one municipality-year when pooled).

    When the model does not explain the differences (``ExpectedNeedResults.explains`` is
    False) every field but ``area_code``, ``year``, ``actual`` and the leverage fields
    is None.

    ``expected`` is what the *other* rows predict for this one: the leave-one-out
    prediction ŷ_(−i) (equal to ``loo_prediction``), so a large municipality is not
    benchmarked against itself. ``interval_low/high`` bound the prediction interval for
    the actual value around that same centre; for a non-negative target a lower bound
    below 0 is raised to 0 (``interval_clipped``). ``fitted`` is the in-sample fitted
    value ŷ_i (diagnostics only; it contains the row's own value).

    All values in target units except ``index`` (actual ÷ expected × 100, None when
    expected ≤ 0), ``studentised_residual`` (dimensionless: (actual − expected)
    ÷ its standard error, externally studentised) and ``leverage`` (hat-matrix
    diagonal of the weighted design, for OLS and ridge alike). ``high_leverage``:
    leverage > 2k ÷ n; ``extrapolation``: the row lies beyond all other rows (see
    :mod:`.leverage`); ``warnings`` says so in Danish. ``level`` + Σ ``contributions``
    = ``expected``: the other rows' (weighted) mean and, per indicator, how much the row's
    distance from the others' mean on that indicator moves its expected value. ``outlier``: flagged as
    deviating after Holm's correction over the rows of the run (``p_adjusted``, the
    Holm-adjusted two-sided p-value of the studentised residual, ≤ 0,05; see ``flags``). ``difference``: actual − expected (target units; for every scale, and
    the only comparison for a signed target, which gets no index).

    Log model: ``expected`` = exp(ŷ_(−i)) of the ln-scale LOO prediction, the interval
    exp(ŷ_(−i) ± t · se) (never below 0), ``studentised_residual`` on the ln scale,
    ``fitted`` = exp of the in-sample ln fit, and ``level`` × Π ``contributions`` =
    ``expected``: the others' geometric mean and one factor per indicator.
    """

    area_code: str
    year: int | None
    actual: float
    expected: float | None
    loo_prediction: float | None
    interval_low: float | None
    interval_high: float | None
    studentised_residual: float | None
    leverage: float | None
    index: float | None
    outlier: bool | None
    difference: float | None = None
    p_adjusted: float | None = None
    fitted: float | None = None
    interval_clipped: bool | None = None
    high_leverage: bool | None = None
    extrapolation: bool | None = None
    warnings: tuple[ModelWarning, ...] = ()
    level: float | None = None
    contributions: tuple[tuple[str, float], ...] | None = None


@dataclass(frozen=True)
class ExpectedNeedResults:
    """Everything a run produces; store with ``input_hash`` and show with ``caveat_da``.

    Fit statistics (weighted when weights are given, weights normalised to mean 1):
    ``r2`` = 1 − Σw·e² ÷ Σw·(y − ȳ_w)²; ``loo_r2`` = 1 − PRESS ÷ TSS with
    PRESS = Σw·(y − ŷ_(−i))²; ``rmse`` = √(Σw·e² ÷ Σw) and ``loo_rmse`` = √(PRESS ÷ Σw)
    in target units. ``intercept`` is in original units.

    ``scale``: "positive", "signed" or "rate" (see :data:`SCALES`); ``index_shown`` says
    whether the rows carry an index (only for strictly positive values).

    ``interval_centre``: the centre of every row's interval and expected value (the
    leave-one-out prediction; for the log model "exp_loo_log_prediction": the interval is
    exp of an interval around the ln-scale LOO prediction, expected = √(low · high), its
    geometric centre); ``leverage_cutoff``: 2k ÷ n, the high-leverage threshold.

    ``n_degenerate_resamples``: bootstrap resamples in which an indicator was constant
    (its coefficient set to 0 there, as scikit-learn's pipeline does);
    ``library_versions``: Python, numpy, scipy, pandas, scikit-learn of the run.

    Log model (``method`` "log"): ``r2``, ``loo_r2``, ``rmse``, ``loo_rmse`` compare y with
    exp of the predictions (target units); ``log_scale_statistics`` has the same four on
    ln(y); ``smearing_factor`` is Duan's mean(exp(e)) of the ln-scale residuals: the
    mean of y given the indicators is about that factor × the expected value (the
    median), which is what is shown. ``contributions_combine`` is "sum" (level + Σ) or
    "product" (log model: level × Π factors), explained in ``contributions_note_da``.
    ``variance_assumption_da``: what the method assumes of the noise, in Danish.
    ``loo_unit``: "row", or "area" for pooled years (leave-one-out drops the municipality
    with all its years). ``robust_se_type`` of the coefficients' ``robust_se_*``: "HC3"
    (one row per municipality), "CR1_area" (pooled years: clustered by municipality),
    None (ridge).

    ``explains`` is False when ``loo_r2`` ≤ 0 (for the log model: on either scale): the model predicts no better than the mean,
    ``verdict_da`` says so ("Modellen forklarer ikke forskellene mellem kommunerne"), and
    the rows carry no expected values, intervals, indices or flags. Such a run must not
    be published as an expected-need result.
    """

    target: str
    indicators: tuple[str, ...]
    method: str
    scale: str
    alpha: float | None
    weighted: bool
    years: tuple[int, ...]
    n: int
    r2: float
    loo_r2: float
    rmse: float
    loo_rmse: float
    intercept: float
    coefficients: tuple[Coefficient, ...]
    rows: tuple[RowPrediction, ...]
    interval_level: float
    interval_method: str
    ci_level: float
    n_bootstrap: int
    bootstrap_unit: str
    random_state: int
    warnings: tuple[ModelWarning, ...]
    input_hash: str
    index_shown: bool = True
    flag_rule_da: str = ""
    explains: bool = True
    verdict_da: str | None = None
    caveat_da: str = CAVEAT_DA
    interval_centre: str = "loo_prediction"
    leverage_cutoff: float | None = None
    n_degenerate_resamples: int = 0
    library_versions: dict[str, str] = dataclasses.field(default_factory=dict)
    log_scale_statistics: dict[str, float] | None = None
    smearing_factor: float | None = None
    contributions_combine: str = "sum"
    contributions_note_da: str = ""
    variance_assumption_da: str = ""
    loo_unit: str = "row"
    robust_se_type: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable dictionary of the results (for storing a run)."""
        return dataclasses.asdict(self)
