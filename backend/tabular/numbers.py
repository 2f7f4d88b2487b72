"""Danish number, date and yes/no parsing of cells.

Number rules (text cells; numeric XLSX/JSON cells are used as they are):

- the comma is always the decimal separator: ``1234,5`` and ``1,234`` (= 1,234);
- thousands may be grouped by ``.`` or by a (non-breaking / narrow) space:
  ``1.234,5``, ``1 234,5``; every group after the first must have exactly 3 digits;
- **the ambiguous ``1.234``**: without a comma, dots that each separate groups of exactly
  three digits, and a first group that does not start with 0, are Danish thousands
  separators: ``1.234`` → 1234, ``1.234.567`` → 1234567. Any other single dot is a
  decimal point: ``1234.5``, ``1.5``, ``0.125``, ``12.3456``. A caller that knows the
  file writes decimal points (see `detect_decimal_mark`) passes ``ambiguous_dot="."`` to
  read a single ``1.234`` as 1,234, or None to refuse it (``ambiguous_number``);
- a leading ``-`` (or the Unicode minus) makes a number negative; parentheses
  ``(1.234)`` are rejected with a clear message (accounting style is too easy to miss);
- ``1,234.5`` (English grouping) and scientific notation are rejected.

Floats from XLSX are converted via ``repr`` so ``0.1`` becomes ``Decimal("0.1")`` rather
than its binary expansion.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .problems import CellProblem, TableCode

DecimalMark = str  # "," or "."

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2212": "-"})
_DANISH_NUMBER = re.compile(
    r"""^(?P<sign>[-+]?)\s*(?:
        (?P<dotted>[1-9]\d{0,2}(?:\.\d{3})+)(?:,(?P<dotted_frac>\d+))?    # 1.234(,5)
      | (?P<spaced>\d{1,3}(?:\ \d{3})+)(?:,(?P<spaced_frac>\d+))?        # 1 234(,5)
      | (?P<plain>\d+)(?:(?P<plain_mark>[,.])(?P<plain_frac>\d+))?        # 1234(,5|.5)
      | (?P<bare_mark>[,.])(?P<bare_frac>\d+)                            # ,5
    )$""",
    re.VERBOSE,
)
_SIMPLE = re.compile(r"-?\d+(?:,\d+)?\Z")
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)
_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (1, 2, 3)),  # 2017-01-31
    (re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$"), (3, 2, 1)),  # 31-01-2017
)
_TRUE = frozenset({"ja", "j", "true", "sand", "1", "x", "yes"})
_FALSE = frozenset({"nej", "n", "false", "falsk", "0", "no"})


def excel_error(value: str) -> CellProblem | None:
    """A `CellProblem` when the text is an Excel error value such as ``#DIV/0!``."""
    if value.strip().upper() in _EXCEL_ERRORS:
        return CellProblem(TableCode.EXCEL_ERROR, f"Cellen indeholder Excel-fejlen '{value}'.")
    return None


def _not_a_number(value: object, hint: str = "") -> CellProblem:
    return CellProblem(TableCode.NOT_A_NUMBER, f"Værdien '{value}' er ikke et tal.{hint}")


def _match(text: str) -> re.Match[str] | None:
    return _DANISH_NUMBER.match(text.translate(_SPACES).strip())


def parse_danish_number(text: str, *, ambiguous_dot: DecimalMark | None = ",") -> Decimal:
    """Parse a number written as text by a Danish user (see module docstring).

    ``ambiguous_dot`` decides a single dot before exactly three digits (``1.234``): ``","``
    (the file writes decimal commas) reads it as thousands, ``"."`` as a decimal point,
    None refuses it with ``ambiguous_number``.
    """
    if _SIMPLE.match(text):  # fast path: 1234 / -1234,5 (most cells of a CSV)
        return Decimal(text.replace(",", "."))
    cleaned = text.translate(_SPACES).strip()
    if cleaned.startswith("(") and cleaned.endswith(")"):
        raise _not_a_number(text, " Skriv negative tal med minus foran, ikke i parentes.")
    match = _DANISH_NUMBER.match(cleaned)
    if match is None:
        problem = excel_error(cleaned)
        if problem is not None:
            raise problem
        hint = ""
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+\.\d+", cleaned):
            hint = (
                " Brug dansk talformat: punktum som tusindtalsseparator og komma som decimaltegn."
            )
        raise _not_a_number(text, hint)
    groups = match.groupdict()
    if groups["dotted"] is not None:
        whole, frac = groups["dotted"].replace(".", ""), groups["dotted_frac"]
        if frac is None and groups["dotted"].count(".") == 1 and ambiguous_dot != ",":
            if ambiguous_dot is None:
                plain = groups["dotted"]
                raise CellProblem(
                    TableCode.AMBIGUOUS_NUMBER,
                    f"Tallet '{text}' er tvetydigt: skriv {plain.replace('.', '')} eller"
                    f" {plain.replace('.', ',')}.",
                )
            whole, frac = groups["dotted"].split(".")
    elif groups["spaced"] is not None:
        whole, frac = groups["spaced"].replace(" ", ""), groups["spaced_frac"]
    elif groups["plain"] is not None:
        whole, frac = groups["plain"], groups["plain_frac"]
    else:
        whole, frac = "0", groups["bare_frac"]
    sign = groups["sign"] or ""
    return Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")


def decimal_mark(text: str) -> DecimalMark | None:
    """How a number text shows its decimals: ``","`` (``98,1``, ``1.234,5``), ``"."`` for
    a dot that cannot be a thousands separator (``12.5``, ``0.125``), else None
    (``1234``, ``1.234``, or not a number)."""
    match = _match(text)
    if match is None:
        return None
    if match["dotted_frac"] is not None or match["spaced_frac"] is not None:
        return ","
    return match["plain_mark"] or match["bare_mark"]


def detect_decimal_mark(values: Iterable[str], delimiter: str) -> DecimalMark:
    """Decide how a file writes decimals, to read the ambiguous ``1.234``.

    A comma in any number means Danish (dots are thousands); a dot that cannot be a
    thousands separator means a decimal point; otherwise a semicolon- or tab-separated
    file is taken as Danish and a comma-separated one as plain.
    """
    marks = {decimal_mark(value) for value in values}
    if "," in marks:
        return ","
    if "." in marks:
        return "."
    return "," if delimiter in (";", "\t") else "."


def to_decimal(value: object) -> Decimal | None:
    """Cell value → Decimal; None for an empty cell. Raises `CellProblem`."""
    kind = type(value)
    if kind is int:
        return Decimal(value)  # type: ignore[arg-type]
    if kind is float:
        if not math.isfinite(value):  # type: ignore[arg-type]
            raise _not_a_number(value)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_a_number(value)
        return value
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        return parse_danish_number(value)
    if isinstance(value, bool):
        raise CellProblem(
            TableCode.WRONG_TYPE, f"Værdien '{value}' er en sandhedsværdi, ikke et tal."
        )
    if isinstance(value, date | datetime):
        raise CellProblem(TableCode.NOT_A_NUMBER, f"Værdien '{value}' er en dato, ikke et tal.")
    raise CellProblem(
        TableCode.WRONG_TYPE, f"Værdien '{value}' har en forkert type; forventede et tal."
    )


def to_integer(value: object) -> int | None:
    """Cell value → int (``2017``, ``"2017"``, ``2017.0``); rejects fractions."""
    number = to_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellProblem(TableCode.NOT_AN_INTEGER, f"Værdien '{value}' skal være et helt tal.")
    try:
        return int(number)
    except (InvalidOperation, OverflowError) as exc:  # pragma: no cover - defensive
        raise _not_a_number(value) from exc


def to_date(value: object) -> date | None:
    """Cell value → date: Excel date cells, ``2017-01-31``, ``31-01-2017``, ``31.01.2017``.

    A number is not taken as an Excel serial date: in a date column it is almost always a
    typing mistake, and Excel itself stores typed dates as date cells.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise CellProblem(
                TableCode.INVALID_DATE, f"Værdien '{value}' indeholder et klokkeslæt."
            )
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise CellProblem(TableCode.INVALID_DATE, f"Værdien '{value}' er ikke en dato.")
    text = value.strip()
    if not text:
        return None
    if text.endswith(" 00:00:00"):  # ISO datetime as written by some exports
        text = text[: -len(" 00:00:00")]
    for pattern, (yi, mi, di) in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match[yi]), int(match[mi]), int(match[di]))
            except ValueError:
                break
    raise CellProblem(
        TableCode.INVALID_DATE,
        f"Værdien '{value}' er ikke en gyldig dato; skriv fx 2017-01-01 eller 01-01-2017.",
    )


def to_bool(value: object) -> bool | None:
    """ja/nej, true/false, 1/0, x (and Excel TRUE/FALSE cells) → bool."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal) or type(value) is float:
        if value in (0, 1):
            return bool(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise CellProblem(TableCode.INVALID_BOOLEAN, f"Værdien '{value}' skal være ja eller nej.")
