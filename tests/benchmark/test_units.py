from __future__ import annotations

from decimal import Decimal

import pytest

from benchmark.units import KR, PCT, Figure, development_pct, ratio


def test_money_needs_a_price_year() -> None:
    with pytest.raises(ValueError, match="prisår"):
        Figure(Decimal(1), KR)
    assert Figure(Decimal(1), KR, 2017).price_year == 2017


def test_unknown_unit_and_non_finite_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="enhed"):
        Figure(Decimal(1), "kroner")
    with pytest.raises(ValueError, match="ikke-endelig"):
        Figure(Decimal("NaN"), PCT)


def test_ratio_and_development_give_none_for_zero_denominators() -> None:
    assert ratio(Decimal(3), Decimal(0)) is None
    assert ratio(Decimal(3), Decimal(4)) == Decimal("0.75")
    assert development_pct(Decimal(110), Decimal(100)) == Decimal(10)
    assert development_pct(Decimal(110), Decimal(0)) is None
    assert development_pct(None, Decimal(100)) is None
