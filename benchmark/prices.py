"""Fixed prices: restating amounts between price years with the PL index."""

from __future__ import annotations

from decimal import Decimal, localcontext

from benchmark.records import PriceIndex

_PRECISION = 50
"""Decimal digits used while restating, so that a round trip is exact to ~1e-45."""


class MissingPriceIndex(ValueError):
    """A restatement needs the PL index of ``years``, and there is none (Danish message:
    "PL-indeks for 2016 mangler: …"). ``year`` is the first missing year."""

    def __init__(self, years: list[int], from_year: int, to_year: int) -> None:
        named = " og ".join(str(y) for y in years)
        super().__init__(
            f"PL-indeks for {named} mangler: det kræves for at omregne beløb fra "
            f"{from_year}- til {to_year}-priser"
        )
        self.years, self.year = years, years[0]
        self.from_year, self.to_year = from_year, to_year


def _values(index: PriceIndex | None, from_year: int, to_year: int) -> tuple[Decimal, Decimal]:
    missing = sorted(y for y in {from_year, to_year} if index is None or y not in index.values)
    if missing or index is None:
        raise MissingPriceIndex(missing, from_year, to_year)
    return index.value(from_year), index.value(to_year)


def restatement_factor(from_year: int, to_year: int, index: PriceIndex | None) -> Decimal:
    """index_to ÷ index_from (dimensionless); exactly 1 when the years are equal.

    ``index`` may be None only when no restatement is needed (equal years); a missing
    index or year raises :class:`MissingPriceIndex` ("PL-indeks for 2016 mangler …").
    """
    if from_year == to_year:
        return Decimal(1)
    from_value, to_value = _values(index, from_year, to_year)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return to_value / from_value


def restate(amount: Decimal, from_year: int, to_year: int, index: PriceIndex | None) -> Decimal:
    """Restate ``amount`` (kr.) from ``from_year``-prices to ``to_year``-prices.

    Formula: amount × index_to ÷ index_from. Computed with 50 significant digits, so
    restating to another year and back returns the input to far better than 1e-9 relative.
    """
    if from_year == to_year:
        return amount
    from_value, to_value = _values(index, from_year, to_year)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return amount * to_value / from_value
