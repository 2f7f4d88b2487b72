"""The ``<int:…>`` path converter of every route: at most 32 bits (what PostgreSQL's
``integer`` id and year columns hold), else no match (404)."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

from backend.fields import INT32_MAX


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in a route: an unsigned integer of at most 32 bits (else no match: 404)."""

    def __init__(
        self,
        map: Map,  # noqa: A002 - Werkzeug's parameter name
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = None,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, INT32_MAX if max is None else max, signed)
