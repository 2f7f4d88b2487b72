"""Units and the ``Figure`` value type every output number is wrapped in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Generic, TypeVar

KR: Final = "kr."
TKR: Final = "1.000 kr."
PCT: Final = "%"
PLADSER: Final = "pladser"
AARSPLADSER: Final = "årspladser"
PR_10000: Final = "pr. 10.000 indbyggere"
AARSPLADSER_PR_10000: Final = "årspladser pr. 10.000 indbyggere"
KR_PR_INDBYGGER: Final = "kr. pr. indbygger"
DAGE: Final = "dage"

MONEY_UNITS: Final = frozenset({KR, TKR, KR_PR_INDBYGGER})
UNITS: Final = frozenset(
    {KR, TKR, PCT, PLADSER, AARSPLADSER, PR_10000, AARSPLADSER_PR_10000, KR_PR_INDBYGGER, DAGE}
)

TOTAL: Final = "Hovedtotal"
"""Row key of the total row in the ledelsesinformation tables."""


@dataclass(frozen=True, slots=True)
class Figure:
    """An unrounded number with its unit and, for money, the price year.

    ``value`` None means "no value" (e.g. a price with zero belægning); it is shown as "-".
    Percentages are stored in percent (7.2 means 7,2 %), money in kr. unless ``unit`` says
    otherwise.
    """

    value: Decimal | None
    unit: str
    price_year: int | None = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"ukendt enhed {self.unit!r}")
        if self.unit in MONEY_UNITS and self.price_year is None:
            raise ValueError(f"beløb i {self.unit} skal have et prisår")
        if self.value is not None and not self.value.is_finite():
            raise ValueError(f"ikke-endelig værdi {self.value}")


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator ÷ denominator, or None when the denominator is zero (never inf/nan)."""
    if denominator == 0:
        return None
    return numerator / denominator


def development_pct(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """(current ÷ previous − 1) × 100 in %, None when either is missing or previous is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return (current / previous - 1) * 100


R = TypeVar("R")


class DriftsherreRows(Generic[R]):
    """Mixin for a table with ``rows`` (each with ``driftsherre``) and a ``total`` row."""

    rows: tuple[R, ...]
    total: R

    def row(self, driftsherre: str) -> R:
        """The row of one driftsherre (org code) or of ``TOTAL``."""
        if driftsherre == TOTAL:
            return self.total
        for r in self.rows:
            if r.driftsherre == driftsherre:  # type: ignore[attr-defined]
                return r
        raise KeyError(f"ingen række for driftsherre {driftsherre}")
