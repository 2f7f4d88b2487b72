"""Population by area, time and age band from Statistics Denmark's table FOLK1A.

The input is the CSV the Statistikbank delivers (download or API), as-is::

    OMRÅDE;ALDER;TID;INDHOLD
    Aarhus;0 år;2017K1;3878
    Aarhus;I alt;2017K1;335684

Areas come as names (mapped through an alias map), codes (``751``) or code and name
(``751 Aarhus``); ages as single years, DST's ranges (``0-4 år``), open ranges
(``100 år og derover``, code ``100OV``) and the total (``I alt``, code ``IALT``); time as
``2017K1`` (quarter 1 = population on 1 January) or ``2017``. Single ages are summed into
the bands of :data:`AGE_BANDS`. Further columns (``KØN``, ``CIVILSTAND``, …) are allowed
only when every row holds their total, so a breakdown is never silently added up or
dropped.

Output codes are Statistics Denmark area codes (``082`` for Region Midtjylland, ``000``
for the whole country); mapping them to tenant codes is the caller's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    read_table,
)
from .formats import FOLK1A
from .population import (
    AGE_BANDS,
    BAND_LIMITS,
    BAND_TOTAL,
    AliasesArg,
    PopulationRecord,
    as_aliases,
    band_of,
    is_total,
    missing_ages,
    parse_age,
    parse_time,
)

# --- parsing --------------------------------------------------------------------------


@dataclass
class _Cell:
    """Everything read for one area × time: age groups and the 'I alt' rows."""

    label: str
    first_row: int
    groups: list[tuple[int, int | None, int, int]] = field(default_factory=list)
    totals: list[tuple[int, int]] = field(default_factory=list)


Key = tuple[str, int, int | None]


def parse_folk1a(data: bytes | str, aliases: AliasesArg = None) -> ParseResult[PopulationRecord]:
    """Parse a FOLK1A extract and sum it into age bands.

    ``aliases`` maps area names to area codes (case-insensitive); codes in the file need
    no alias. Returns records sorted by area, year, quarter and band, or every error.
    """
    try:
        table = read_table(data)
    except SourceFormatError as exc:
        return ParseResult(errors=(SourceError(str(exc)),))
    errors = overlong_rows(table)
    columns = _columns(table, errors)
    if columns is None:
        return ParseResult(errors=tuple(errors))
    cells = _read_rows(table, columns, as_aliases(aliases), errors)
    records: list[PopulationRecord] = []
    for key, found in sorted(cells.items(), key=lambda item: _sort_key(item[0])):
        records.extend(_band_records(key, found, _Names.of(table, columns), errors))
    if errors:
        return ParseResult(errors=tuple(errors))
    return ParseResult(records=tuple(records))


@dataclass(frozen=True)
class _Columns:
    area: int
    time: int
    value: int
    age: int | None
    extra: tuple[int, ...]


def _columns(table: Table, errors: list[SourceError]) -> _Columns | None:
    positions, missing = FOLK1A.locate(table)
    errors.extend(missing)
    area, time, value = positions["OMRÅDE"], positions["TID"], positions["INDHOLD"]
    if area is None or time is None or value is None:
        return None
    age = positions["ALDER"]
    used = FOLK1A.used(positions)
    extra = tuple(i for i in range(len(table.header)) if i not in used and table.header[i])
    return _Columns(area, time, value, age, extra)


@dataclass(frozen=True)
class _Row:
    area: str
    year: int
    quarter: int | None
    age: tuple[int, int | None] | None
    count: int


def _read_rows(
    table: Table, columns: _Columns, aliases: AreaAliases, errors: list[SourceError]
) -> dict[Key, _Cell]:
    cells: dict[Key, _Cell] = {}
    reported: set[tuple[int, str]] = set()
    for row, values in table.rows:
        breakdown = False
        for position in columns.extra:
            text = cell(values, position)
            if not is_total(text):
                breakdown = True
                if (position, text) not in reported:  # once per value, not per row
                    reported.add((position, text))
                    errors.append(_breakdown_error(table.header[position], text, row))
        parsed = _read_row(table.header, row, values, columns, aliases, errors)
        if parsed is None or breakdown:
            continue
        found = cells.setdefault(
            (parsed.area, parsed.year, parsed.quarter),
            _Cell(f"{cell(values, columns.area)} {cell(values, columns.time)}", row),
        )
        if parsed.age is None:
            found.totals.append((parsed.count, row))
        else:
            found.groups.append((parsed.age[0], parsed.age[1], parsed.count, row))
    return cells


def _read_row(
    header: tuple[str, ...],
    row: int,
    values: tuple[str, ...],
    columns: _Columns,
    aliases: AreaAliases,
    errors: list[SourceError],
) -> _Row | None:
    """One data row, or ``None`` after appending its errors."""
    before = len(errors)
    area_text = cell(values, columns.area)
    area = aliases.resolve(area_text)
    if area is None:
        errors.append(
            SourceError(f"Ukendt område '{area_text}'{at(row)}.", row, header[columns.area])
        )
    year, quarter, age, count = 0, None, None, 0
    try:
        year, quarter = parse_time(cell(values, columns.time))
    except SourceFormatError as exc:
        errors.append(_cell_error(exc, row, header[columns.time]))
    if columns.age is not None:  # without ALDER every row is all ages
        age_column = header[columns.age]
        try:
            age = parse_age(cell(values, columns.age))
        except SourceFormatError as exc:
            errors.append(_cell_error(exc, row, age_column))
        if age is not None and band_of(*age) is None:
            errors.append(
                SourceError(
                    f"Aldersgruppen '{cell(values, columns.age)}'{at(row)} går på tværs af"
                    " aldersbåndene 0-17, 18-64 og 65+; udtræk enkeltår.",
                    row,
                    age_column,
                )
            )
    try:
        count = parse_count(cell(values, columns.value))
    except SourceFormatError as exc:
        errors.append(_cell_error(exc, row, header[columns.value]))
    if area is None or len(errors) > before:
        return None
    return _Row(area, year, quarter, age, count)


def _cell_error(exc: SourceFormatError, row: int, column: str) -> SourceError:
    return SourceError(f"{exc}{at(row, column)}.", row, column)


def _breakdown_error(column: str, value: str, row: int) -> SourceError:
    return SourceError(
        f"Kolonnen '{column}' er opdelt ('{value}' i række {row}); kun totalen 'I alt' kan"
        f" indlæses. Udtræk tabellen med {column} = I alt.",
        row,
        column,
    )


def _sort_key(key: Key) -> tuple[str, int, int]:
    area, year, quarter = key
    return area, year, quarter or 0


@dataclass(frozen=True)
class _Names:
    """Column names as written in the file, for messages about several rows."""

    age: str
    value: str

    @classmethod
    def of(cls, table: Table, columns: _Columns) -> _Names:
        age = "ALDER" if columns.age is None else table.header[columns.age]
        return cls(age, table.header[columns.value])


def _band_records(
    key: Key, found: _Cell, names: _Names, errors: list[SourceError]
) -> list[PopulationRecord]:
    area, year, quarter = key
    if len(found.totals) > 1:
        rows = " og ".join(str(r) for _, r in found.totals)
        errors.append(
            SourceError(
                f"'I alt' optræder flere gange for {found.label} (række {rows}).",
                found.totals[1][1],
                names.age,
            )
        )
        return []
    groups = sorted(found.groups, key=lambda g: (g[0], g[3]))
    for (_, high1, _, row1), (low2, _, _, row2) in zip(groups, groups[1:], strict=False):
        if high1 is None or low2 <= high1:
            errors.append(
                SourceError(
                    f"Alderen {low2} år indgår flere gange for {found.label}"
                    f" (række {min(row1, row2)} og {max(row1, row2)}).",
                    max(row1, row2),
                    names.age,
                )
            )
            return []
    total = found.totals[0][0] if found.totals else None
    band_counts: dict[str, int] = {}
    for band, band_low, band_high in BAND_LIMITS:
        members = [g for g in groups if band_of(g[0], g[1]) == band]
        if not members:
            continue
        missing = missing_ages(members, band_low, band_high, accept_top=total is not None)
        if missing:
            errors.append(
                SourceError(
                    f"Aldersbåndet {band} er ufuldstændigt for {found.label}: mangler {missing}.",
                    found.first_row,
                    names.age,
                )
            )
            continue
        band_counts[band] = sum(g[2] for g in members)
    if len(band_counts) == len(BAND_LIMITS):
        age_sum = sum(band_counts.values())
        if total is not None and total != age_sum:
            errors.append(
                SourceError(
                    f"Summen af aldrene ({age_sum}) stemmer ikke med 'I alt' ({total}) for"
                    f" {found.label} (række {found.totals[0][1]}).",
                    found.totals[0][1],
                    names.value,
                )
            )
            return []
        total = age_sum
    if total is not None:
        band_counts[BAND_TOTAL] = total
    return [
        PopulationRecord(area, year, quarter, band, band_counts[band])
        for band in AGE_BANDS
        if band in band_counts
    ]


__all__ = [
    "AGE_BANDS",
    "PopulationRecord",
    "parse_folk1a",
]
