from __future__ import annotations

from decimal import Decimal

import pytest

from benchmark.accounts import takstudvikling_table
from benchmark.presentation import format_da, present, present_takstudvikling, round_half_up
from benchmark.units import KR, PCT, TKR, Figure
from tests.benchmark.factories import make_account_line


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (Decimal("1234.5"), 1, "1.234,5"),
        (Decimal("1234567.25"), 0, "1.234.567"),
        (Decimal("-31583.5"), 0, "-31.584"),
        (Decimal("0.05"), 1, "0,1"),
        (Decimal("-0.04"), 1, "0,0"),
        (12, 2, "12,00"),
        (None, 1, "-"),
    ],
)
def test_format_da(value: Decimal | int | None, decimals: int, text: str) -> None:
    assert format_da(value, decimals) == text


def test_rounding_is_half_away_from_zero() -> None:
    assert round_half_up(Decimal("2.5"), 0) == Decimal(3)
    assert round_half_up(Decimal("-2.5"), 0) == Decimal(-3)
    assert round_half_up(0.15, 1) == Decimal("0.2")


def test_present_kr_as_thousands_keeps_price_year() -> None:
    cell = present(Figure(Decimal(108_672_499), KR, 2017), unit=TKR)
    assert (cell.value, cell.text, cell.unit, cell.price_year) == (
        Decimal(108672),
        "108.672",
        TKR,
        2017,
    )
    assert present(Figure(Decimal("7.25"), PCT)).text == "7,3"
    with pytest.raises(ValueError, match="kan ikke"):
        present(Figure(Decimal(1), PCT), unit=KR)


def test_table_a_presentation_has_printed_precision() -> None:
    lines = [
        make_account_line(year=2016, belaegning_aarspladser=Decimal("287.858")),
        make_account_line(year=2017, belaegning_aarspladser=Decimal("0"), regnskab_kr=Decimal(0)),
    ]
    presented = present_takstudvikling(takstudvikling_table(lines, 2017), labels={"657": "Herning"})
    herning = presented.row("Herning")
    assert [c.text for c in herning] == ["287,9", "1.000", "3.474", "0,0", "0", "-", "-100,0"]
    assert presented.row("Hovedtotal")[0].text == "288"


def test_every_noegletal_unit_has_its_decimals_listed_once() -> None:
    """The pages and the writers round a nøgletal by its unit from one table: money in
    whole kroner, rates and shares with one decimal."""
    from benchmark.noegletal import REGISTRY
    from benchmark.presentation import DEFAULT_DECIMALS, decimals_for

    units = {n.unit for n in REGISTRY.values()}
    assert units <= DEFAULT_DECIMALS.keys()
    assert decimals_for("kr.") == decimals_for("kr. pr. indbygger") == 0
    assert decimals_for("%") == decimals_for("pr. 10.000 indbyggere") == 1
