"""The one rule for "the model explains the differences": leave-one-out R² above 0 (for the
log model on both scales). The pages and the API read the engine's verdict."""

from __future__ import annotations

import pytest

from benchmark.expected_need import explains_differences


@pytest.mark.parametrize(
    ("loo_r2", "log_loo_r2", "explains"),
    [
        (0.3, None, True),
        (0.0, None, False),
        (-0.2, None, False),
        (0.3, 0.1, True),
        (0.3, -0.1, False),
        (-0.1, 0.3, False),
        (None, None, False),
    ],
)
def test_explains_differences(
    loo_r2: float | None, log_loo_r2: float | None, explains: bool
) -> None:
    assert explains_differences(loo_r2, log_loo_r2) is explains
