"""Text helpers shared by readers, validation and templates."""

from __future__ import annotations

import re
from typing import Any

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
    openpyxl, prefer `set_text_cell` in templates, which stores the text as a string cell.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
