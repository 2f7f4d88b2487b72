"""Expected need (udgiftsbehov): a regression of a nøgletal on structural indicators.

Public API: :class:`ExpectedNeedModel` (estimator), :class:`ExpectedNeedResults` and its
records, :data:`CAVEAT_DA`, :class:`ModelInputError`, :func:`model_input_hash`, :func:`default_method` (the method for a target: "log" when
it is positive, else "ols").
"""

from benchmark.expected_need.hashing import model_input_hash
from benchmark.expected_need.model import DEFAULT_ALPHAS, METHODS, ExpectedNeedModel, default_method
from benchmark.expected_need.results import (
    CAVEAT_DA,
    NOT_EXPLAINED_DA,
    Coefficient,
    ExpectedNeedResults,
    ExtrapolationWarning,
    ModelInputError,
    ModelWarning,
    RowPrediction,
    explains_differences,
)

__all__ = [
    "CAVEAT_DA",
    "DEFAULT_ALPHAS",
    "METHODS",
    "NOT_EXPLAINED_DA",
    "Coefficient",
    "ExpectedNeedModel",
    "ExpectedNeedResults",
    "ExtrapolationWarning",
    "ModelInputError",
    "ModelWarning",
    "RowPrediction",
    "default_method",
    "explains_differences",
    "model_input_hash",
]
