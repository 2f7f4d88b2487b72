"""KL's pris- og lønindeks (PL-indeks) per year, used to restate amounts in fixed prices.

Accepted files (delimiter sniffed; Danish decimals allowed, quoted when comma separated)::

    aar;indeks            år,pl_indeks
    2016;100,0            2016,"100,0"
    2017;101,6            2017,101.6

Years may have gaps (a warning, since restating across a gap needs the missing year),
but not duplicates; every index must be positive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from backend.tabular import detect_decimal_mark

from .common import (
    SourceError,
    SourceFormatError,
    at,
    cell,
    overlong_rows,
    parse_number,
    parse_year,
    read_table,
)
from .formats import PL_INDEX


@dataclass(frozen=True)
class PlIndexResult:
    """``index`` maps year → PL index (empty whenever there are errors)."""

    index: Mapping[int, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    errors: tuple[SourceError, ...] = ()
    warnings: tuple[SourceError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_pl_index(data: bytes | str) -> PlIndexResult:
    """Parse a PL-index file into ``{year: Decimal}`` sorted by year, or every error."""
    try:
        table = read_table(data)
    except SourceFormatError as exc:
        return PlIndexResult(errors=(SourceError(str(exc)),))
    positions, missing = PL_INDEX.locate(table)
    year_at, index_at = positions["aar"], positions["indeks"]
    errors = overlong_rows(table) + missing
    if year_at is None or index_at is None:
        return PlIndexResult(errors=tuple(errors))
    year_column, index_column = table.header[year_at], table.header[index_at]
    mark = detect_decimal_mark([cell(v, index_at) for _, v in table.rows], table.delimiter)
    values: dict[int, Decimal] = {}
    first_row: dict[int, int] = {}
    for row, cells in table.rows:
        year: int | None = None
        try:
            year = parse_year(cell(cells, year_at))
        except SourceFormatError as exc:
            errors.append(SourceError(f"{exc}{at(row, year_column)}.", row, year_column))
        value: Decimal | None = None
        try:
            value = parse_number(cell(cells, index_at), ambiguous_dot=mark)
            if value <= 0:
                errors.append(
                    SourceError(
                        f"PL-indekset skal være positivt, men er {cell(cells, index_at)}"
                        f"{at(row, index_column)}.",
                        row,
                        index_column,
                    )
                )
                value = None
        except SourceFormatError as exc:
            errors.append(SourceError(f"{exc}{at(row, index_column)}.", row, index_column))
        if year is None or value is None:
            continue
        if year in values:
            errors.append(
                SourceError(
                    f"Året {year} optræder flere gange (række {first_row[year]} og {row}).",
                    row,
                    year_column,
                )
            )
            continue
        values[year], first_row[year] = value, row
    if not values and not errors:
        errors.append(SourceError("Filen indeholder ingen år."))
    if errors:
        return PlIndexResult(errors=tuple(errors))
    years = sorted(values)
    warnings = tuple(
        SourceError(
            f"PL-indekset mangler år {_span(before + 1, after - 1)} (mellem {before} og {after}).",
            first_row[after],
            year_column,
        )
        for before, after in zip(years, years[1:], strict=False)
        if after - before > 1
    )
    return PlIndexResult(MappingProxyType({y: values[y] for y in years}), (), warnings)


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


__all__ = ["PlIndexResult", "parse_pl_index"]
