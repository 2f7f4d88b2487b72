"""Bounded input types shared by every schema and route: what the API accepts is what the
database and Python can hold, so an out-of-range value is a 404 or 422, never a 500.

No Flask here (schemas import this module); the path converter is in backend.http.converters.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import fields

#: A signed 64-bit integer: what SQLite and PostgreSQL's BIGINT hold.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,20}")


class Integer(fields.Integer):
    """An integer of at most 64 bits, strictly: a JSON number with a fraction (2017.9),
    a boolean or a float is refused, not truncated; query-string text of digits is read."""

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
        if not INT64_MIN <= value <= INT64_MAX:
            raise self.make_error("too_large", input=value)
        return value
