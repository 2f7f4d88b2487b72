"""Shared building blocks for the reference-data parsers.

Everything here is pure: text in, plain values out. User-facing messages are Danish;
row numbers are 1-based records of the file as delivered (the header is row 1, blank
lines are counted so the number matches the line a user sees in an editor).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar

T = TypeVar("T")

DecimalMark = str  # "," or "."


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


# --- text decoding --------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_text(data: bytes | str) -> str:
    """Decode a delivered file: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252.

    UTF-8 is tried first because valid UTF-8 is practically never intended Windows-1252
    Danish text (``Ã¸`` instead of ``ø``), whereas the reverse happens daily with Excel.
    """
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).removeprefix("\ufeff")
            except UnicodeDecodeError as exc:
                raise SourceFormatError(
                    f"Filen kan ikke læses: den starter som {encoding.upper()}, men indeholder"
                    f" ugyldige tegn (byte {exc.start})."
                ) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(
            "Filen kan ikke læses: tegnkodningen er hverken UTF-8 eller Windows-1252."
        ) from exc


# --- CSV rows -------------------------------------------------------------------------


def normalise_header(name: str) -> str:
    """Fold a column name for matching: case, Danish letters and separators.

    ``"OMRÅDE"``, ``"omraade"`` and ``"Område"`` all become ``"omraade"``; ``"år"`` → ``"aar"``.
    """
    folded = name.strip().casefold()
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        folded = folded.replace(danish, ascii_)
    return re.sub(r"[\s\-]+", "_", folded)


@dataclass(frozen=True)
class Table:
    """A decoded CSV file: the header, its data rows with their row numbers, the delimiter."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    delimiter: str
    header_row: int = 1
    comments: tuple[tuple[int, str], ...] = ()

    def index(self, *candidates: str) -> int | None:
        """Position of the first column whose folded name is one of ``candidates``."""
        folded = [normalise_header(h) for h in self.header]
        for candidate in candidates:
            if candidate in folded:
                return folded.index(candidate)
        return None


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_table(data: bytes | str, *, comment_prefix: str | None = None) -> Table:
    """Decode and split a CSV file whose delimiter is ``;``, tab or ``,`` (sniffed from the header).

    Lines starting with ``comment_prefix`` before the header are returned as ``comments``.
    Raises :class:`SourceFormatError` when the file cannot be decoded or is empty.
    """
    text = decode_text(data)
    lines = text.splitlines()
    comments: list[tuple[int, str]] = []
    start = 0
    while start < len(lines) and (
        not lines[start].strip()
        or (comment_prefix is not None and lines[start].lstrip().startswith(comment_prefix))
    ):
        if lines[start].strip():
            comments.append((start + 1, lines[start].lstrip()[len(comment_prefix or "") :]))
        start += 1
    if start >= len(lines):
        raise SourceFormatError("Filen er tom: der mangler en overskriftsrække.")
    delimiter = _sniff_delimiter(lines[start])
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter)
    header: tuple[str, ...] = ()
    rows: list[tuple[int, tuple[str, ...]]] = []
    for offset, raw in enumerate(_records(reader)):
        cells = tuple(cell.strip() for cell in raw)
        if offset == 0:
            header = cells
        elif any(cells):
            rows.append((start + offset + 1, cells))
    return Table(header, tuple(rows), delimiter, start + 1, tuple(comments))


def _records(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as exc:
        raise SourceFormatError(f"Filen er ikke gyldig CSV: {exc}.") from exc


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

_PLAIN = re.compile(r"^[+-]?\d+$")
_COMMA_DECIMAL = re.compile(r"^[+-]?([1-9]\d{0,2}(\.\d{3})+|\d+),\d+$")
# A leading 0 is never a thousands group, so 0.125 is always a decimal.
_DOT_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")

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
    """Read a number written the Danish or the plain way.

    Accepted: ``1.234,5``, ``1234,5``, ``1234.5``, ``1234``, ``-12``, ``1 234``,
    ``1.234.567``. A single dot followed by exactly three digits (``1.234``) is ambiguous:
    with ``ambiguous_dot=","`` (a Danish file) it is a thousands separator (1234), with
    ``"."`` a decimal point (1,234), with ``None`` it is rejected. Raises
    :class:`SourceFormatError` with a Danish message for anything else.
    """
    raw = text
    value = text.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if _PLAIN.match(value) or (_DOT_DECIMAL.match(value) and not _DOT_THOUSANDS.match(value)):
        normalised = value
    elif _COMMA_DECIMAL.match(value):
        normalised = value.replace(".", "").replace(",", ".")
    elif _DOT_THOUSANDS.match(value):
        if value.count(".") > 1:  # 1.234.567 can only be thousands
            normalised = value.replace(".", "")
        elif ambiguous_dot is None:
            raise SourceFormatError(
                f"Tallet '{raw}' er tvetydigt: skriv {value.replace('.', '')} eller"
                f" {value.replace('.', ',')}"
            )
        else:
            normalised = value.replace(".", "") if ambiguous_dot == "," else value
    else:
        raise SourceFormatError(f"'{raw}' er ikke et tal")
    try:
        return Decimal(normalised)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above exclude it
        raise SourceFormatError(f"'{raw}' er ikke et tal") from exc


def parse_count(text: str) -> int:
    """A non-negative whole number such as a population count (``12.345`` is 12345)."""
    number = parse_number(text, ambiguous_dot=",")
    if number != number.to_integral_value():
        raise SourceFormatError(f"'{text}' er ikke et helt tal")
    if number < 0:
        raise SourceFormatError(f"'{text}' er negativt")
    return int(number)


def parse_year(text: str) -> int:
    """A calendar year between 1900 and 2100."""
    value = text.strip()
    if not re.fullmatch(r"\d{4}", value) or not 1900 <= int(value) <= 2100:
        raise SourceFormatError(f"'{text}' er ikke et gyldigt årstal")
    return int(value)


def detect_decimal_mark(values: list[str], delimiter: str) -> DecimalMark:
    """Decide how a file writes decimals, to read the ambiguous ``1.234``.

    A comma in any number means Danish (dots are thousands); a dot that cannot be a
    thousands separator (``12.5``, ``0.125``) means a decimal point; otherwise a
    semicolon-separated file is taken as Danish and a comma-separated one as plain.
    """
    stripped = [v.strip() for v in values]
    if any(_COMMA_DECIMAL.match(v) for v in stripped):
        return ","
    if any(_DOT_DECIMAL.match(v) and not _DOT_THOUSANDS.match(v) for v in stripped):
        return "."
    return "," if delimiter in (";", "\t") else "."


# --- areas ----------------------------------------------------------------------------

_AREA_CODE = re.compile(r"^\d{3,4}$")
_CODE_AND_NAME = re.compile(r"^(\d{3,4})\s+\S")


def _fold_name(name: str) -> str:
    return " ".join(name.split()).casefold()


class AreaAliases:
    """Case-insensitive map from area names to Statistics Denmark area codes.

    Built from ``{name: code}``, e.g. ``{"Aarhus": "751", "Århus": "751",
    "Region Midtjylland": "082", "Hele landet": "000"}``. Names that fold to the same
    text but point at different codes are a configuration error (``ValueError``).
    """

    def __init__(self, aliases: Mapping[str, str] | None = None) -> None:
        self._by_name: dict[str, str] = {}
        for name, code in (aliases or {}).items():
            key = _fold_name(name)
            if self._by_name.get(key, code) != code:
                raise ValueError(f"Alias {name!r} points at both {self._by_name[key]} and {code}")
            self._by_name[key] = code

    def resolve(self, value: str) -> str | None:
        """The area code for a name, a code (``"751"``) or code-and-name (``"751 Aarhus"``)."""
        text = value.strip()
        if _AREA_CODE.match(text):
            return text
        code_and_name = _CODE_AND_NAME.match(text)
        if code_and_name:
            return code_and_name.group(1)
        return self._by_name.get(_fold_name(text))

    def codes(self) -> frozenset[str]:
        return frozenset(self._by_name.values())
