"""Danish numbers and the decimal mark of a file."""

from __future__ import annotations

import pytest

from backend.tabular import detect_decimal_mark


@pytest.mark.parametrize(
    ("values", "delimiter", "expected"),
    [
        (["1.234", "98,1"], ",", ","),
        (["1.234", "0.5"], ";", "."),
        (["1.234", "2.345"], ";", ","),
        (["1.234", "2.345"], ",", "."),
    ],
)
def test_detect_decimal_mark(values: list[str], delimiter: str, expected: str) -> None:
    assert detect_decimal_mark(values, delimiter) == expected
