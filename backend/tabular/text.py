"""Text helpers: the folded key headers and names are matched on, and writing user text
into an export so a spreadsheet can never run it as a formula."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

_TRANSLIT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe"})
_NON_WORD = re.compile(r"[^0-9a-z]+")

#: First characters that make a spreadsheet treat a cell as a formula (OWASP CSV
#: injection); tab and carriage return are included because Excel strips them first.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def fold(text: object) -> str:
    """Case-, accent- and punctuation-insensitive key: "Århus Kommune" → "aarhus_kommune".

    Used to match headers, målgruppe names and kommune aliases. æ/ø/å are transliterated
    (ae/oe/aa) so that "Køberkommune" and "koeberkommune" fold to the same key.
    """
    lowered = str(text).strip().lower().translate(_TRANSLIT)
    return _NON_WORD.sub("_", lowered).strip("_")


def neutralise_cell(value: Any) -> Any:
    """Make a value from user data safe to write into a CSV or XLSX export.

    A text starting with ``= + - @`` (or tab / carriage return) would be run as a formula
    when the file is opened in a spreadsheet; it gets a leading apostrophe, which Excel
    shows as text. Numbers, dates and None pass through unchanged. For XLSX written with
    openpyxl, prefer `set_text_cell`, which stores the text as a string cell.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def danish_number_text(value: Decimal | int | float) -> str:
    """A number as Danish CSV text: decimal comma, no thousands separator, no exponent,
    and zero never signed (``Decimal("-0.0")`` → ``"0,0"``)."""
    if isinstance(value, Decimal):
        text = format(abs(value) if value == 0 else value, "f")
    else:
        text = str(value)
    return text.replace(".", ",")


def xlsx_text(value: str) -> str:
    """``value`` without the characters XML 1.0 (and so XLSX) cannot hold: C0 controls
    except tab, LF and CR, and the non-characters U+FFFE/U+FFFF (openpyxl raises
    IllegalCharacterError on them). Lone surrogates become U+FFFD."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value).replace("\ufffe", "").replace("\uffff", "")
    return text.encode("utf-8", "replace").decode("utf-8") if _SURROGATE.search(text) else text


_SURROGATE = re.compile("[\ud800-\udfff]")


def set_text_cell(cell: Cell, value: Any) -> None:
    """Write user data into an XLSX cell so it can never run as a formula.

    Text starting with ``= + - @`` is stored as a plain string cell with Excel's quote
    prefix (shown as text, edited as text) rather than as a formula. Characters an XLSX
    file cannot hold (control characters from an uploaded cell or a stored comment) are
    left out (:func:`xlsx_text`), so the export is always written.
    """
    if isinstance(value, str):
        value = xlsx_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
