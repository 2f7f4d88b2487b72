"""Shared building blocks for the reference-data parsers.

Everything here is pure: text in, plain values out. User-facing messages are Danish;
row numbers are 1-based records of the file as delivered (the header is row 1, blank
lines are counted so the number matches the line a user sees in an editor).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from backend.tabular import (
    CellProblem,
    DecimalMark,
    FileProblem,
    TableCode,
    decode,
    fold,
    parse_danish_number,
    read_csv,
)

T = TypeVar("T")


@dataclass(frozen=True)
class SourceError:
    """One problem in a reference file.

    ``row`` is 1-based with the header as row 1 (``None`` for a file-level problem);
    ``column`` is the column name as written in the file (``None`` when not tied to one).
    ``message`` is complete Danish text meant for the user. ``file`` names the input when a
    parser reads more than one (e.g. ``"definitioner"`` for an indicator definitions file).
    """

    message: str
    row: int | None = None
    column: str | None = None
    file: str | None = None


@dataclass(frozen=True)
class ParseResult(Generic[T]):
    """Outcome of parsing one file.

    ``records`` is empty whenever ``errors`` is not: an import is all-or-nothing, so a
    caller never sees half a file. ``warnings`` never block an import.
    """

    records: tuple[T, ...] = ()
    errors: tuple[SourceError, ...] = ()
    warnings: tuple[SourceError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class SourceFormatError(ValueError):
    """Raised for a cell value that cannot be read; the message is Danish."""


def at(row: int | None, column: str | None = None) -> str:
    """Danish location suffix, e.g. " i række 5, kolonne 'aar'"."""
    parts = []
    if row is not None:
        parts.append(f"række {row}")
    if column is not None:
        parts.append(f"kolonne '{column}'")
    return (" i " + ", ".join(parts)) if parts else ""


# --- reading (through backend.tabular) ------------------------------------------------

#: Statistics Denmark and KL deliver ``;``-, tab- or comma-separated files.
DELIMITERS = (";", "\t", ",")


def decode_text(data: bytes | str) -> str:
    """Decode a delivered file: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252."""
    try:
        return decode(data, utf16=True)[0]
    except FileProblem as exc:
        raise SourceFormatError(exc.issue.message) from exc


@dataclass(frozen=True)
class Table:
    """A decoded CSV file: the header, its data rows with their row numbers, the delimiter.

    Cells are stripped; rows without any filled cell are left out (their numbers are not).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    delimiter: str
    header_row: int = 1
    comments: tuple[tuple[int, str], ...] = ()

    def index(self, *candidates: str) -> int | None:
        """Position of the first column whose folded name is one of ``candidates``."""
        folded = [fold(h) for h in self.header]
        for candidate in candidates:
            if candidate in folded:
                return folded.index(candidate)
        return None


def read_table(data: bytes | str, *, comment_prefix: str | None = None) -> Table:
    """Decode and split a CSV file whose delimiter is ``;``, tab or ``,`` (sniffed from the header).

    Blank lines, and lines starting with ``comment_prefix``, before the header are skipped;
    the comment lines are returned as ``comments``. Raises :class:`SourceFormatError` when
    the file cannot be decoded, is empty or is not valid CSV.
    """
    try:
        table = read_csv(
            data,
            delimiters=DELIMITERS,
            default_delimiter=";",
            utf16=True,
            comment_prefix=comment_prefix,
            skip_blank_lines=True,
        )
    except FileProblem as exc:
        raise SourceFormatError(exc.issue.message) from exc
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, raw in table.rows:
        cells = tuple(str(value).strip() for value in raw)
        if any(cells):
            rows.append((number, cells))
    if table.issues:
        raise SourceFormatError(table.issues[0].message)
    header = tuple(str(value).strip() for value in table.header)
    delimiter = table.delimiter or ";"
    return Table(header, tuple(rows), delimiter, table.header_row, table.comments)


def overlong_rows(table: Table) -> list[SourceError]:
    """Errors for rows with filled cells beyond the header.

    Almost always a decimal comma in a comma-separated file without quotes (``2016,100,0``),
    which would otherwise be read silently as the wrong number.
    """
    width = len(table.header)
    return [
        SourceError(
            f"Række {row} har {len(cells)} felter, men overskriften har {width}; er et"
            " decimaltal skrevet med komma i en kommasepareret fil uden anførselstegn?",
            row,
            None,
        )
        for row, cells in table.rows
        if any(cells[width:])
    ]


def cell(cells: tuple[str, ...], position: int) -> str:
    """The cell at ``position``, or ``""`` for a short row."""
    return cells[position] if position < len(cells) else ""


# --- numbers --------------------------------------------------------------------------

DST_COUNTRY_AND_REGIONS: dict[str, str] = {
    "Hele landet": "000",
    "Region Nordjylland": "081",
    "Region Midtjylland": "082",
    "Region Syddanmark": "083",
    "Region Hovedstaden": "084",
    "Region Sjælland": "085",
}
"""Statistics Denmark's names and codes for the country and the five regions (aliases to merge)."""

# Statistics Denmark writes ".." for a value that is confidential or not available.
MISSING_VALUES = frozenset({"", "..", ":"})


def parse_number(text: str, *, ambiguous_dot: DecimalMark | None = ",") -> Decimal:
    """Read a number written the Danish or the plain way (`backend.tabular.parse_danish_number`).

    A single dot followed by exactly three digits (``1.234``) is ambiguous: with
    ``ambiguous_dot=","`` (a Danish file) it is a thousands separator (1234), with ``"."``
    a decimal point (1,234), with ``None`` it is rejected. Raises
    :class:`SourceFormatError` with a Danish message for anything else.
    """
    try:
        return parse_danish_number(text, ambiguous_dot=ambiguous_dot)
    except CellProblem as exc:
        if exc.code == TableCode.AMBIGUOUS_NUMBER:
            raise SourceFormatError(exc.message.removesuffix(".")) from exc
        raise SourceFormatError(f"'{text}' er ikke et tal") from exc


#: The largest count a reference file may hold: far above any Danish population, far inside
#: the 64 bits of ``population_count.antal`` (BIGINT), also when single ages are summed.
MAX_COUNT = 100_000_000


def parse_count(text: str) -> int:
    """A non-negative whole number such as a population count (``12.345`` is 12345)."""
    number = parse_number(text, ambiguous_dot=",")
    if number != number.to_integral_value():
        raise SourceFormatError(f"'{text}' er ikke et helt tal")
    if number < 0:
        raise SourceFormatError(f"'{text}' er negativt")
    if number > MAX_COUNT:
        limit = f"{MAX_COUNT:,}".replace(",", ".")
        raise SourceFormatError(
            f"'{text[:30]}' er større end {limit}, mere end et folketal kan være"
        )
    return int(number)


def parse_year(text: str) -> int:
    """A calendar year between 1900 and 2100."""
    value = text.strip()
    if not re.fullmatch(r"\d{4}", value) or not 1900 <= int(value) <= 2100:
        raise SourceFormatError(f"'{text}' er ikke et gyldigt årstal")
    return int(value)
