from __future__ import annotations

from decimal import Decimal

import pytest

from benchmark.prices import MissingPriceIndex, restate, restatement_factor
from tests.benchmark.factories import make_price_index


def test_restate_multiplies_by_the_index_ratio() -> None:
    index = make_price_index(y2016="98", y2017="100")
    assert restate(Decimal(98000), 2016, 2017, index) == Decimal(100000)
    assert restatement_factor(2017, 2016, index) == Decimal("0.98")


def test_same_year_needs_no_index() -> None:
    assert restate(Decimal("12.34"), 2017, 2017, None) == Decimal("12.34")
    assert restatement_factor(2017, 2017, None) == 1


def test_missing_index_is_an_error() -> None:
    # issue 12, deliverable 10: the message names the missing year
    with pytest.raises(ValueError, match="^PL-indeks for 2016 og 2017 mangler"):
        restate(Decimal(1), 2016, 2017, None)
    with pytest.raises(MissingPriceIndex, match="^PL-indeks for 2015 mangler") as caught:
        restate(Decimal(1), 2015, 2017, make_price_index(y2017="100"))
    assert caught.value.year == 2015


def test_missing_index_says_which_restatement_needs_it() -> None:
    message = (
        "^PL-indeks for 2016 og 2017 mangler: det kræves for at omregne beløb fra 2016- "
        "til 2017-priser$"
    )
    with pytest.raises(ValueError, match=message):
        restatement_factor(2016, 2017, None)
    with pytest.raises(ValueError, match=message):
        restate(Decimal(1), 2016, 2017, None)
