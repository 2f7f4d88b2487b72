"""Bounded input types shared by every schema and route: what the API accepts is what the
database and Python can hold, so an out-of-range value is a 404 or 422, never a 500.

No Flask here (schemas import this module); the path converter is in backend.http.converters.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from marshmallow import fields

#: A signed 64-bit integer: what SQLite and PostgreSQL's BIGINT hold.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: A signed 32-bit integer: what PostgreSQL's ``integer`` holds, the type of every id,
#: year, quarter and version column. Every id and year a request names is bounded by it
#: (API fields, ``<int:…>`` path converters and the pages' :func:`parse_int`).
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,20}")
#: What a page accepts as a whole number: ASCII digits only (``str.isdigit`` also takes
#: "²" and "①", which ``int`` refuses).
_PAGE_INTEGER = re.compile(r"[+-]?[0-9]{1,20}", re.ASCII)


def parse_int(
    text: str | None, *, minimum: int = INT32_MIN, maximum: int = INT32_MAX
) -> int | None:
    """A page's integer parameter (``aar``, ``version``, an id): the number, or None when
    ``text`` is not ASCII digits or lies outside ``minimum``…``maximum`` (32 bits)."""
    if text is None:
        return None
    text = text.strip()
    if not _PAGE_INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


class Integer(fields.Integer):
    """An integer of at most 32 bits (``big=True``: 64 bits), strictly: a JSON number with
    a fraction (2017.9), a boolean or a float is refused, not truncated; query-string text
    of digits is read. 32 bits is what PostgreSQL's ``integer`` columns hold."""

    def __init__(self, *args: Any, big: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bounds = (INT64_MIN, INT64_MAX) if big else (INT32_MIN, INT32_MAX)

    default_error_messages = {
        "invalid": "Ikke et gyldigt heltal.",
        "too_large": "Tallet er uden for det tilladte område.",
    }

    def _validated(self, value: Any) -> int:
        if isinstance(value, str):
            text = value.strip()
            if not _INTEGER_TEXT.fullmatch(text):
                raise self.make_error("invalid", input=value)
            value = int(text)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid", input=value)
        low, high = self.bounds
        if not low <= value <= high:
            raise self.make_error("too_large", input=value)
        return value


#: Longest stored file name (the narrowest column, submissions.file_name, holds 255).
MAX_FILE_NAME = 255
_PATH_SEPARATORS = re.compile(r"[/\\]")


def safe_file_name(name: str | None, *, max_length: int = MAX_FILE_NAME) -> str | None:
    """The base name of an uploaded file as it may be stored and served back.

    No directories (``../../etc/passwd`` is ``passwd``), no control, format (bidi) or
    surrogate characters, NFC, at most ``max_length`` characters with the extension
    kept; None when nothing is left."""
    if not name:
        return None
    base = _PATH_SEPARATORS.split(unicodedata.normalize("NFC", name))[-1]
    base = "".join(
        ch
        for ch in base
        if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
        and ch not in "\ufffe\uffff"
    )
    base = " ".join(base.split()).strip(" .")
    if not base:
        return None
    if len(base) > max_length:
        stem, dot, ext = base.rpartition(".")
        if dot and 0 < len(ext) <= 10 and stem:
            base = stem[: max_length - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            base = base[:max_length]
    return base


#: Invisible characters trimmed like spaces around a text (zero-width space, joiners,
#: word joiner, BOM, soft hyphen, Mongolian vowel separator).
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_EDGES = re.compile(rf"^[\s{INVISIBLE}]+|[\s{INVISIBLE}]+$")
#: Characters no text may hold: C0 controls except tab, LF and CR; the non-characters.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Lone surrogates (a browser never sends them; PostgreSQL cannot store them).
SURROGATES = re.compile("[\ud800-\udfff]")
CONTROL_MESSAGE = "Teksten indeholder et ugyldigt tegn (kontroltegn)."
#: The longest comment the secretariat may write on a decision (API and page).
MAX_COMMENT = 4000
#: The longest e-mail address (RFC 5321; the users.email column).
MAX_EMAIL = 254
#: The longest password a login accepts (argon2 hashes any length; this bounds the work).
MAX_PASSWORD = 1000


def text_problem(text: str, *, max_length: int) -> str | None:
    """Why a text from a form cannot be stored (in Danish), or None if it can: control
    characters, NUL, non-characters and lone surrogates, or more than ``max_length``
    characters. The pages' forms ask this, the API's guard and fields check the same."""
    if FORBIDDEN_CHARACTERS.search(text) or SURROGATES.search(text):
        return CONTROL_MESSAGE
    if len(text) > max_length:
        return f"Teksten må højst være {max_length:,} tegn.".replace(",", ".")
    return None


class Text(fields.String):
    """A text trimmed of surrounding spaces and invisible characters; a text of only
    those is refused (or None, if ``allow_none``); control characters are refused."""

    default_error_messages = {
        "blank": "Feltet må ikke være tomt.",
        "control": "Teksten indeholder et ugyldigt tegn (kontroltegn).",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if FORBIDDEN_CHARACTERS.search(text):
            raise self.make_error("control")
        text = _EDGES.sub("", text)
        if not text:
            if self.allow_none:
                return None
            raise self.make_error("blank")
        return text

    def _validate(self, value: Any) -> None:
        if value is not None:  # a blank optional text is None: nothing to validate
            super()._validate(value)
