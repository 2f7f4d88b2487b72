"""Fixed prices: restating amounts between price years with the PL index."""

from __future__ import annotations

from decimal import Decimal, localcontext

from benchmark.records import PriceIndex

_PRECISION = 50
"""Decimal digits used while restating, so that a round trip is exact to ~1e-45."""


def restatement_factor(from_year: int, to_year: int, index: PriceIndex | None) -> Decimal:
    """index_to ÷ index_from (dimensionless); exactly 1 when the years are equal.

    ``index`` may be None only when no restatement is needed (equal years).
    """
    if from_year == to_year:
        return Decimal(1)
    if index is None:
        raise ValueError(f"PL-indeks kræves for at omregne fra {from_year}- til {to_year}-priser")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return index.value(to_year) / index.value(from_year)


def restate(amount: Decimal, from_year: int, to_year: int, index: PriceIndex | None) -> Decimal:
    """Restate ``amount`` (kr.) from ``from_year``-prices to ``to_year``-prices.

    Formula: amount × index_to ÷ index_from. Computed with 50 significant digits, so
    restating to another year and back returns the input to far better than 1e-9 relative.
    """
    if from_year == to_year:
        return amount
    if index is None:
        raise ValueError(f"PL-indeks kræves for at omregne fra {from_year}- til {to_year}-priser")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return amount * index.value(to_year) / index.value(from_year)
