from __future__ import annotations

from decimal import Decimal

import pytest

from backend.demo.accounts import reconstruct_belaegning


def test_belaegning_follows_from_printed_regnskab_and_price() -> None:
    value = reconstruct_belaegning(Decimal(108_672_000), Decimal(377_520), Decimal("287.9"))
    assert abs(value - Decimal("287.857596948506")) < Decimal("1e-12")
    assert (Decimal(108_672_000) / value).quantize(Decimal(1)) == 377_520


def test_no_price_uses_printed_belaegning() -> None:
    assert reconstruct_belaegning(Decimal(0), None, Decimal("0.0")) == Decimal("0.0")


def test_inconsistent_print_is_an_error() -> None:
    with pytest.raises(ValueError, match="afrundes ikke"):
        reconstruct_belaegning(Decimal(108_672_000), Decimal(377_520), Decimal("290.0"))
