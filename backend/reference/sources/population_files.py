"""The repository's own population files, read into :class:`~.folk1a.PopulationRecord`.

Two shapes live under ``tenants/reference/``:

* totals per area and year on 1 January, with the area code in ``omraade_kode``
  (``folk1a_total_1jan_2016_2018.csv``) or ``kommunekode``
  (``folk1a_total_1jan_2007_2016_all_municipalities.csv``, which also carries a
  ``region_midtjylland`` Y/N flag) and the count in ``folketal_1_januar``;
* age bands per municipality without a time column (``alder_2021_midtjylland.csv``:
  ``alder_0_17, alder_18_64, alder_65_plus, i_alt``). The file does not state its
  reference date, so the caller supplies the year and the quarter stays ``None``.
"""

from __future__ import annotations

from collections.abc import Callable

from backend.organisations.aliases import AreaAliases

from .common import (
    ParseResult,
    SourceError,
    SourceFormatError,
    Table,
    at,
    cell,
    overlong_rows,
    parse_count,
    parse_year,
    read_table,
)
from .formats import AGE_BAND_COLUMNS, AGE_BANDS_FILE, POPULATION_TOTALS
from .population import (
    BAND_TOTAL,
    AliasesArg,
    PopulationRecord,
    as_aliases,
)

_TOTAL_COLUMN = "i_alt"


def parse_population_totals(
    data: bytes | str, *, aliases: AliasesArg = None, quarter: int | None = 1
) -> ParseResult[PopulationRecord]:
    """Parse a totals file (one row per area and year) into ``total`` records.

    ``quarter`` defaults to 1 because these files hold the population on 1 January.
    When ``aliases`` is given, a name column that names a different area than the code
    is an error (it usually means shifted columns).
    """
    try:
        table = read_table(data)
    except SourceFormatError as exc:
        return ParseResult(errors=(SourceError(str(exc)),))
    positions, missing = POPULATION_TOTALS.locate(table)
    errors = overlong_rows(table) + missing
    code_at, name_at = positions["omraade_kode"], positions["navn"]
    year_at, count_at = positions["aar"], positions["folketal_1_januar"]
    if code_at is None or year_at is None or count_at is None:
        return ParseResult(errors=tuple(errors))
    resolver = as_aliases(aliases)
    seen: dict[tuple[str, int], int] = {}
    records: list[PopulationRecord] = []
    for row, values in table.rows:
        code = _area_code(table, row, values, code_at, name_at, resolver, errors)
        year = _read(parse_year, table, row, values, year_at, errors)
        count = _read(parse_count, table, row, values, count_at, errors)
        if code is None or year is None or count is None:
            continue
        if (code, year) in seen:
            errors.append(
                SourceError(
                    f"Område {code} år {year} optræder flere gange (række {seen[code, year]}"
                    f" og {row}).",
                    row,
                    table.header[code_at],
                )
            )
            continue
        seen[code, year] = row
        records.append(PopulationRecord(code, year, quarter, BAND_TOTAL, count))
    if errors:
        return ParseResult(errors=tuple(errors))
    records.sort(key=lambda r: (r.area_code, r.year))
    return ParseResult(records=tuple(records))


def parse_age_band_file(
    data: bytes | str, *, year: int, quarter: int | None = None, aliases: AliasesArg = None
) -> ParseResult[PopulationRecord]:
    """Parse an age-band file (``kommunekode, kommune, alder_0_17, alder_18_64,
    alder_65_plus, i_alt``) into four records per municipality labelled with ``year``.

    The three bands must add up to ``i_alt``; a row where they do not is an error.
    """
    try:
        table = read_table(data)
    except SourceFormatError as exc:
        return ParseResult(errors=(SourceError(str(exc)),))
    positions, missing = AGE_BANDS_FILE.locate(table)
    errors = overlong_rows(table) + missing
    code_at, name_at, total_at = positions["kommunekode"], positions["navn"], positions["i_alt"]
    band_at = {band: positions[column] for band, column in AGE_BAND_COLUMNS}
    if code_at is None or any(position is None for position in band_at.values()):
        return ParseResult(errors=tuple(errors))
    resolver = as_aliases(aliases)
    seen: dict[str, int] = {}
    records: list[PopulationRecord] = []
    for row, values in table.rows:
        code = _area_code(table, row, values, code_at, name_at, resolver, errors)
        counts = {
            band: _read(parse_count, table, row, values, position, errors)
            for band, position in band_at.items()
            if position is not None
        }
        total = (
            None if total_at is None else _read(parse_count, table, row, values, total_at, errors)
        )
        if code is None or None in counts.values() or (total_at is not None and total is None):
            continue
        if code in seen:
            errors.append(
                SourceError(
                    f"Område {code} optræder flere gange (række {seen[code]} og {row}).",
                    row,
                    table.header[code_at],
                )
            )
            continue
        seen[code] = row
        band_sum = sum(c for c in counts.values() if c is not None)
        if total is not None and total != band_sum:
            column = table.header[total_at] if total_at is not None else _TOTAL_COLUMN
            errors.append(
                SourceError(
                    f"Aldersbåndene summer til {band_sum}, men {column} er {total}{at(row, column)}.",
                    row,
                    column,
                )
            )
            continue
        counts[BAND_TOTAL] = band_sum
        records.extend(
            PopulationRecord(code, year, quarter, band, count)
            for band, count in counts.items()
            if count is not None
        )
    if errors:
        return ParseResult(errors=tuple(errors))
    records.sort(key=lambda r: r.area_code)
    return ParseResult(records=tuple(records))


def _read(
    reader: Callable[[str], int],
    table: Table,
    row: int,
    values: tuple[str, ...],
    position: int,
    errors: list[SourceError],
) -> int | None:
    """Read one cell, or append its error and return ``None``."""
    column = table.header[position]
    try:
        return reader(cell(values, position))
    except SourceFormatError as exc:
        errors.append(SourceError(f"{exc}{at(row, column)}.", row, column))
        return None


def _area_code(
    table: Table,
    row: int,
    values: tuple[str, ...],
    code_at: int,
    name_at: int | None,
    aliases: AreaAliases,
    errors: list[SourceError],
) -> str | None:
    column = table.header[code_at]
    text = cell(values, code_at)
    code = aliases.resolve(text)
    if code is None:
        errors.append(SourceError(f"Ukendt område '{text}'{at(row, column)}.", row, column))
        return None
    if name_at is not None:
        name = cell(values, name_at)
        named = aliases.resolve(name) if name else None
        if named is not None and named != code:
            errors.append(
                SourceError(
                    f"Navnet '{name}' hører til område {named}, ikke {code}{at(row)}.",
                    row,
                    table.header[name_at],
                )
            )
            return None
    return code
