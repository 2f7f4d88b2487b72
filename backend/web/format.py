"""Danish presentation of numbers, amounts, percentages and dates (Jinja filters), and the
cell kinds every table distinguishes: a value, zero, no data, not applicable, derived.

``1234.5`` → ``1.234,5``; negative numbers get a real minus sign (−), so that "-" can
never be mistaken for a value; dates are ``31.03.2019``, times in Danish local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")
MINUS = "\u2212"
NO_DATA = "ingen data"
NOT_APPLICABLE = "ikke relevant"

#: The kinds of a table cell, each rendered differently and explained in the legend.
KINDS = ("value", "zero", "missing", "na", "derived", "text")


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: Any, decimals: int = 0) -> str:
    """``1.234,5`` (rounded half up from the unrounded value); None → ``ingen data``."""
    d = _decimal(value)
    if d is None or not d.is_finite():
        return NO_DATA
    quantum = Decimal(1).scaleb(-decimals)
    rounded = d.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{decimals}f}".replace(",", "\x00").replace(".", ",")
    text = text.replace("\x00", ".")
    return (MINUS + text) if rounded < 0 else text


def percent(value: Any, decimals: int = 1) -> str:
    """A value already in percent (7,2 means 7,2 %): ``7,2 %``."""
    d = _decimal(value)
    return NO_DATA if d is None else f"{number(d, decimals)}\u00a0%"


def fraction_percent(value: Any, decimals: int = 1) -> str:
    """A fraction shown in percent: 0.072 → ``7,2 %``."""
    d = _decimal(value)
    return NO_DATA if d is None else percent(d * 100, decimals)


def kroner(value: Any, decimals: int = 0) -> str:
    d = _decimal(value)
    return NO_DATA if d is None else f"{number(d, decimals)}\u00a0kr."


def danish_date(value: date | datetime | None) -> str:
    """``31.03.2019``; a datetime is shown on its Danish calendar day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return value.strftime("%d.%m.%Y")


def danish_datetime(value: datetime | None) -> str:
    """``31.03.2019 kl. 14.05`` in Danish local time."""
    if value is None:
        return ""
    local = _local(value)
    return f"{local.strftime('%d.%m.%Y')} kl. {local.strftime('%H.%M')}"


def _local(value: datetime) -> datetime:
    if value.tzinfo is None:  # stored as UTC without zone
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and kind (see KINDS); ``numeric`` right-aligns it."""

    text: str
    kind: str = "value"
    numeric: bool = True
    note: str | None = None


def cell(
    value: Any,
    *,
    fmt: str = "number",
    decimals: int = 0,
    applicable: bool = True,
    derived: bool = False,
    note: str | None = None,
) -> Cell:
    """A numeric cell: None → "ingen data", not applicable → "ikke relevant", an exact
    zero → kind ``zero``, a derived (computed, not reported) value → kind ``derived``."""
    if not applicable:
        return Cell(NOT_APPLICABLE, "na", note=note)
    d = _decimal(value)
    if d is None:
        return Cell(NO_DATA, "missing", note=note)
    formatter = {"number": number, "percent": percent, "kr": kroner}[fmt]
    text = formatter(d, decimals)
    if d == 0:
        return Cell(text, "zero", note=note)
    return Cell(text, "derived" if derived else "value", note=note)


def text_cell(value: Any) -> Cell:
    return Cell("" if value is None else str(value), "text", numeric=False)


#: The methods of a model run as a director reads them.
METHOD_NAMES = {
    "log": "log-lineær regression (forholdsvise forskelle)",
    "ols": "lineær regression (OLS)",
    "ridge": "ridge-regression (lineær, dæmpede koefficienter)",
}


def method_name(code: str) -> str:
    return METHOD_NAMES.get(code, code)


def as_typed(value: Any) -> str:
    """A stored value as its reporter typed it, in Danish: ``1.850,5`` (the decimals it
    has), ``ja``/``nej``, ``31.03.2019``; an empty cell as an empty text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime | date):
        return danish_date(value)
    if isinstance(value, Decimal | int | float):
        d = _decimal(value)
        if d is None or not d.is_finite():
            return str(value)
        exponent = d.normalize().as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return number(d, decimals)
    return str(value)


def register(app: Flask) -> None:
    app.add_template_filter(as_typed, "som_indtastet")
    app.add_template_filter(number, "tal")
    app.add_template_filter(percent, "procent")
    app.add_template_filter(fraction_percent, "andel")
    app.add_template_filter(kroner, "kr")
    app.add_template_filter(danish_date, "dato")
    app.add_template_filter(danish_datetime, "tidspunkt")
    app.add_template_filter(method_name, "metode")
    app.add_template_test(lambda v: isinstance(v, Cell), "cell")
    app.add_template_global(cell, "cell")
    app.add_template_global(text_cell, "text_cell")
