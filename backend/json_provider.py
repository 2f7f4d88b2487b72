"""The app's JSON encoder: orjson, which encodes datetimes, dates and UUIDs in C.

Same output as ``json.dumps(..., ensure_ascii=False)`` with Flask's types (numpy scalars
and enums included), except that dates are ISO 8601 (as every schema in the API already
writes them) and NaN is null.
Decimals are written as strings (exact), as Flask does. Parsing request bodies stays
with the standard library's decoder.
"""

from __future__ import annotations

import decimal
from typing import Any, cast

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _dumps(value: Any) -> bytes:
    """``value`` as UTF-8 JSON bytes."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


class OrjsonProvider(DefaultJSONProvider):
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs:  # indent, sort_keys, …: the standard library honours them
            return super().dumps(obj, **kwargs)
        return _dumps(obj).decode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        response_class = cast("type[Response]", self._app.response_class)
        return response_class(_dumps(obj) + b"\n", mimetype=self.mimetype)
