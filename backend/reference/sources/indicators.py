"""Structural indicators per municipality and year, with their definitions.

Values file: one row per municipality × year, one column per indicator (Danish numbers
allowed; an empty cell or Statistics Denmark's ``..`` is a missing value, not a zero)::

    kommunekode;aar;andel_0_17;udgift_pr_indbygger
    751;2017;19,8;1.234,5

Definitions, either as a separate file or as ``#`` lines above the values header, in
the same columns (every indicator used must be defined, with name, unit and source)::

    indikator;navn;definition;enhed;kilde
    andel_0_17;Andel 0-17-årige;0-17-årige i pct. af befolkningen 1. januar;%;DST FOLK1A
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from backend.tabular import detect_decimal_mark

from .common import (
    MISSING_VALUES,
    SourceError,
    SourceFormatError,
    Table,
    at,
    cell,
    overlong_rows,
    parse_number,
    parse_year,
    read_table,
)
from .formats import INDICATOR_DEFINITIONS, INDICATOR_FIELDS, INDICATORS
from .population import AliasesArg, as_aliases

DEFINITIONS_FILE = "definitioner"
# Descriptive name columns next to the code; not indicators.
_CODE = re.compile(r"^[a-z0-9æøå][a-z0-9æøå_.\-]*$")


@dataclass(frozen=True)
class IndicatorDefinition:
    """What an indicator means: ``code`` (lower case), Danish name, definition, unit, source."""

    code: str
    name: str
    definition: str
    unit: str
    source: str


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator value for one area (Statistics Denmark code) and year."""

    area_code: str
    year: int
    indicator: str
    value: Decimal


@dataclass(frozen=True)
class IndicatorResult:
    """Values and the definitions they use; both empty whenever there are errors."""

    values: tuple[IndicatorValue, ...] = ()
    definitions: tuple[IndicatorDefinition, ...] = ()
    errors: tuple[SourceError, ...] = ()
    warnings: tuple[SourceError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_indicator_definitions(
    data: bytes | str,
) -> tuple[tuple[IndicatorDefinition, ...], tuple[SourceError, ...]]:
    """Parse a definitions file (``indikator;navn;definition;enhed;kilde``).

    Returns the definitions (none when there is an error) and every error, each with
    ``file="definitioner"``.
    """
    try:
        table = read_table(data)
    except SourceFormatError as exc:
        return (), (SourceError(str(exc), file=DEFINITIONS_FILE),)
    return _definitions_from_table(table, DEFINITIONS_FILE)


def parse_structural_indicators(
    values: bytes | str,
    definitions: bytes | str | None = None,
    *,
    aliases: AliasesArg = None,
) -> IndicatorResult:
    """Parse indicator values and their definitions (separate file and/or ``#`` lines).

    Every error of both inputs is returned at once; errors in the definitions file carry
    ``file="definitioner"``.
    """
    errors: list[SourceError] = []
    defined: dict[str, IndicatorDefinition] = {}
    if definitions is not None:
        found, definition_errors = parse_indicator_definitions(definitions)
        errors.extend(definition_errors)
        defined.update((d.code, d) for d in found)
    try:
        table = read_table(values, comment_prefix=INDICATORS.comment_prefix)
    except SourceFormatError as exc:
        return IndicatorResult(errors=(*errors, SourceError(str(exc))))
    errors.extend(overlong_rows(table))
    if table.comments:
        _merge_header_definitions(table, defined, errors)
    positions, missing = INDICATORS.locate(table)  # a name column may stand in for the code
    columns = _indicator_columns(table, INDICATORS.used(positions), defined, errors)
    errors.extend(missing)
    area_at, year_at = positions["kommunekode"], positions["aar"]
    if area_at is None or year_at is None:
        return IndicatorResult(errors=tuple(errors))
    parsed, warnings = _read_values(table, area_at, year_at, columns, aliases, errors)
    if errors:
        return IndicatorResult(errors=tuple(errors))
    used = {code for _, code in columns}
    return IndicatorResult(
        values=tuple(sorted(parsed, key=lambda v: (v.area_code, v.year, v.indicator))),
        definitions=tuple(defined[code] for code in sorted(used)),
        warnings=tuple(warnings),
    )


def _definitions_from_table(
    table: Table, file: str | None, rows: dict[int, int] | None = None
) -> tuple[tuple[IndicatorDefinition, ...], tuple[SourceError, ...]]:
    """Definitions of a table; ``rows`` maps the table's rows to lines of an outer file."""

    def line(row: int) -> int:
        return (rows or {}).get(row, row)

    positions, missing = INDICATOR_DEFINITIONS.locate(table)
    errors = [replace(e, row=line(table.header_row), file=file) for e in missing]
    if errors:
        return (), tuple(errors)
    found: dict[str, tuple[IndicatorDefinition, int]] = {}
    for row, cells in table.rows:
        texts = {name: cell(cells, p) for name, p in positions.items() if p is not None}
        code = texts["indikator"].casefold()
        row_errors = [
            SourceError(f"Feltet '{name}' er tomt{at(line(row), name)}.", line(row), name, file)
            for name in INDICATOR_FIELDS
            if not texts[name]
        ]
        if code and not _CODE.match(code):
            row_errors.append(
                SourceError(
                    f"Ugyldig indikatorkode '{texts['indikator']}'{at(line(row), 'indikator')}:"
                    " brug små bogstaver, tal og _.",
                    line(row),
                    "indikator",
                    file,
                )
            )
        elif code in found:
            row_errors.append(
                SourceError(
                    f"Indikatoren '{code}' er defineret flere gange (række"
                    f" {line(found[code][1])} og {line(row)}).",
                    line(row),
                    "indikator",
                    file,
                )
            )
        errors.extend(row_errors)
        if not row_errors:
            definition = IndicatorDefinition(
                code, texts["navn"], texts["definition"], texts["enhed"], texts["kilde"]
            )
            found[code] = (definition, row)
    if errors:
        return (), tuple(errors)
    return tuple(d for d, _ in found.values()), ()


def _merge_header_definitions(
    table: Table, defined: dict[str, IndicatorDefinition], errors: list[SourceError]
) -> None:
    """Definitions written as ``#`` lines above the values header."""
    lines = [text for _, text in table.comments]
    inner = read_table("\n".join(lines))
    rows = {i + 1: number for i, (number, _) in enumerate(table.comments)}
    found, problems = _definitions_from_table(inner, None, rows)
    errors.extend(problems)
    for definition in found:
        other = defined.get(definition.code)
        if other is not None and other != definition:
            errors.append(
                SourceError(
                    f"Indikatoren '{definition.code}' er defineret forskelligt i filens"
                    " overskrift og i definitionsfilen.",
                    None,
                    definition.code,
                )
            )
        defined.setdefault(definition.code, definition)


def _indicator_columns(
    table: Table,
    fixed: frozenset[int],
    defined: dict[str, IndicatorDefinition],
    errors: list[SourceError],
) -> list[tuple[int, str]]:
    """(position, code) of every column but ``fixed``, after checking names and definitions."""
    columns: list[tuple[int, str]] = []
    seen: set[str] = set()
    for position, name in enumerate(table.header):
        if position in fixed:
            continue
        if not name:  # a trailing delimiter gives an empty, unnamed column
            if any(cell(c, position) for _, c in table.rows):
                errors.append(
                    _header_error(table, f"Kolonne nr. {position + 1} har intet navn.", None)
                )
            continue
        code = name.casefold()
        if code in seen:
            errors.append(_header_error(table, f"Kolonnen '{name}' optræder flere gange.", name))
        elif code not in defined:
            errors.append(
                _header_error(
                    table,
                    f"Indikatoren '{name}' mangler en definition (navn, definition, enhed og"
                    " kilde).",
                    name,
                )
            )
        seen.add(code)
        columns.append((position, code))
    if not columns:
        errors.append(_header_error(table, "Filen indeholder ingen indikatorkolonner.", None))
    return columns


def _read_values(
    table: Table,
    area_at: int,
    year_at: int,
    columns: list[tuple[int, str]],
    aliases: AliasesArg,
    errors: list[SourceError],
) -> tuple[list[IndicatorValue], list[SourceError]]:
    resolver = as_aliases(aliases)
    header = table.header
    marks = {
        position: detect_decimal_mark([cell(c, position) for _, c in table.rows], table.delimiter)
        for position, _ in columns
    }
    values: list[IndicatorValue] = []
    missing: dict[int, list[int]] = {}
    seen: dict[tuple[str, int], int] = {}
    for row, cells in table.rows:
        area = resolver.resolve(cell(cells, area_at))
        if area is None:
            errors.append(
                _cell_error(f"Ukendt område '{cell(cells, area_at)}'", row, header[area_at])
            )
        year: int | None = None
        try:
            year = parse_year(cell(cells, year_at))
        except SourceFormatError as exc:
            errors.append(_cell_error(str(exc), row, header[year_at]))
        if area is not None and year is not None:
            if (area, year) in seen:
                errors.append(
                    SourceError(
                        f"Område {area} år {year} optræder flere gange (række"
                        f" {seen[area, year]} og {row}).",
                        row,
                        header[area_at],
                    )
                )
            seen.setdefault((area, year), row)
        for position, code in columns:
            text = cell(cells, position)
            if text in MISSING_VALUES:
                missing.setdefault(position, []).append(row)
                continue
            try:
                number = parse_number(text, ambiguous_dot=marks[position])
            except SourceFormatError as exc:
                errors.append(_cell_error(str(exc), row, header[position]))
                continue
            if area is not None and year is not None:
                values.append(IndicatorValue(area, year, code, number))
    warnings = [
        SourceError(
            f"Indikatoren '{header[position]}' mangler værdier i række {_rows(rows)}; de"
            " indlæses som manglende, ikke som 0.",
            rows[0],
            header[position],
        )
        for position, rows in missing.items()
    ]
    return values, warnings


def _rows(rows: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown if len(rows) <= limit else f"{shown} og {len(rows) - limit} flere"


def _cell_error(message: str, row: int, column: str) -> SourceError:
    return SourceError(f"{message}{at(row, column)}.", row, column)


def _header_error(table: Table, message: str, column: str | None) -> SourceError:
    return SourceError(message, table.header_row, column)


__all__ = [
    "DEFINITIONS_FILE",
    "IndicatorDefinition",
    "IndicatorResult",
    "IndicatorValue",
    "parse_indicator_definitions",
    "parse_structural_indicators",
]
