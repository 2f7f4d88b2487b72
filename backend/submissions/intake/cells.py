"""Cell converters: one raw cell value → a typed value, or a `CellProblem`.

`converter_for(column, context)` returns a plain function per column, built once per
upload, so the row loop does a single call per cell. Empty cells become None; whether
None is allowed is decided by validation (``required``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from backend.offers.states import Tilbudstype
from backend.organisations.aliases import fold_municipality_name
from backend.tabular import (
    FORMULA_TRIGGERS,
    CellProblem,
    excel_error,
    fold,
    to_bool,
    to_date,
    to_decimal,
    to_integer,
)

from .codes import Code
from .context import IntakeContext
from .streams import Column, Kind

Converter = Callable[[Any], Any]
#: First characters `backend.tabular.neutralise_cell` puts a quote before (tab and carriage
#: return are stripped from a cell anyway).
NEUTRALISED = frozenset(c for c in FORMULA_TRIGGERS if c.strip())
MAX_TEXT = 200

#: How a cell may spell a tilbudstype (folded) → the stored code.
_TILBUDSTYPER: dict[str, str] = {
    "dag": Tilbudstype.DAG,
    "dagtilbud": Tilbudstype.DAG,
    "doegn": Tilbudstype.DOEGN,
    "dogn": Tilbudstype.DOEGN,
    "doegntilbud": Tilbudstype.DOEGN,
    "dogntilbud": Tilbudstype.DOEGN,
    "aaben": Tilbudstype.AABEN,
    "aben": Tilbudstype.AABEN,
    "aaben_doegn": Tilbudstype.AABEN,
    "sikret": Tilbudstype.SIKRET,
    "sikret_doegn": Tilbudstype.SIKRET,
}
#: The Danish word of each tilbudstype, as the template writes it.
TILBUDSTYPE_NAVNE = {t.value: t.label for t in Tilbudstype}
_PARAGRAF = re.compile(
    r"^(?:sel\s*)?§*\s*(\d{1,3})\s*([a-z]?)\s*(?:,?\s*stk\.?\s*(\d{1,2}))?\.?$", re.IGNORECASE
)
_KVARTAL = re.compile(r"^(?:[qk]\s*)?(\d)(?:\s*\.?\s*(?:kvartal|kvt\.?))?$", re.IGNORECASE)


def id_text(value: Any) -> str | None:
    """An identifier cell as text: ``101``, ``101.0`` and ``"101 "`` all give ``"101"``."""
    if type(value) is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellProblem(Code.WRONG_TYPE, f"Værdien '{value}' er ikke et ID.")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        if value == int(value):
            return str(int(value))
        return str(value)
    text = str(value).strip()
    return text or None


#: Characters no text cell may hold: C0 controls other than tab, line feed and carriage
#: return, and the non-characters U+FFFE/U+FFFF. They make an XLSX that Excel must repair
#: (every template of the organisation would carry them) and NUL breaks PostgreSQL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Zero-width characters: a name of only these is empty.
_ZERO_WIDTH = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff"))


def _check_control(text: str) -> str:
    found = _CONTROL.search(text)
    if found is not None:
        raise CellProblem(
            Code.CONTROL_CHARACTER,
            f"Teksten indeholder et usynligt styretegn (U+{ord(found[0]):04X}) ved tegn "
            f"{found.start() + 1}; slet det og skriv teksten igen.",
        )
    return text


def _texter(column: Column) -> Converter:
    limit = column.max_length or MAX_TEXT
    label = column.label

    def convert(value: Any) -> str | None:
        text = id_text(value)
        if text is None:
            return None
        if text[:1] == "'" and text[1:2] in NEUTRALISED:
            text = text[1:]  # the quote our own CSV export put before = + - @
        if text.startswith("#"):
            problem = excel_error(text)
            if problem is not None:
                raise problem
        if not text.translate(_ZERO_WIDTH).strip():
            return None
        if len(text) > limit:
            raise CellProblem(
                Code.TEXT_TOO_LONG,
                f"{label} er {len(text)} tegn lang; højst {limit} tegn er tilladt.",
            )
        return _check_control(text)

    return convert


_text = _texter(Column("tekst", "Teksten", Kind.TEXT))


def _info(value: Any) -> str | None:
    """An information-only cell (tilbudsnavn): never stored, so never refused."""
    text = id_text(value)
    if text is not None and text[:1] == "'" and text[1:2] in NEUTRALISED:
        text = text[1:]
    return None if text is None else _CONTROL.sub("", text)


def _shown(value: Any) -> str:
    text = str(value).strip()
    return text if len(text) <= 30 else text[:29] + "…"


def _danish(number: Decimal) -> str:
    text = f"{number:,f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def _percent_text(value: Any, percent: bool) -> Any:
    """``95 %`` in a percent column is 95; elsewhere the % is refused with a hint."""
    if type(value) is not str or not value.rstrip().endswith("%"):
        return value
    text = value.rstrip()[:-1].rstrip()
    if percent:
        return text
    raise CellProblem(
        Code.NOT_A_NUMBER, f"Værdien '{value}' er ikke et tal; skriv tallet uden %-tegn."
    )


def _decimal(column: Column) -> Converter:
    low, high, percent = column.minimum, column.maximum, column.percent

    def convert(value: Any) -> Decimal | None:
        number = to_decimal(_percent_text(value, percent))
        if number is None:
            return None
        if low is not None and number < low:
            if low == 0:
                raise CellProblem(
                    Code.NEGATIVE_VALUE, f"Værdien {_shown(value)} må ikke være negativ."
                )
            raise CellProblem(
                Code.OUT_OF_RANGE,
                f"Værdien {_shown(value)} er mindre end det mindst tilladte ({_danish(low)}).",
            )
        if high is not None and number > high:
            raise CellProblem(
                Code.OUT_OF_RANGE,
                f"Værdien {_shown(value)} er større end det højst tilladte ({_danish(high)}).",
            )
        return number

    return convert


def _integer(column: Column) -> Converter:
    bounded = _decimal(column)

    def convert(value: Any) -> int | None:
        number = to_integer(value)
        return None if number is None else int(bounded(number))

    return convert


def _kvartal(context: IntakeContext) -> Converter:
    def convert(value: Any) -> int | None:
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return context.quarter
            match = _KVARTAL.match(text)
            quarter = int(match[1]) if match else None
        else:
            try:
                quarter = to_integer(value)
            except CellProblem:
                quarter = -1
            if quarter is None:
                return context.quarter
        if quarter not in (1, 2, 3, 4):
            raise CellProblem(
                Code.INVALID_QUARTER, f"Kvartalet '{value}' skal være 1, 2, 3 eller 4."
            )
        if context.quarter is not None and quarter != context.quarter:
            raise CellProblem(
                Code.WRONG_QUARTER,
                f"Kvartal {quarter} hører ikke til perioden ({context.quarter}. kvartal "
                f"{context.year}).",
            )
        return quarter

    return convert


def _offer(context: IntakeContext) -> Converter:
    offers, foreign = context.offers, context.foreign_offer_ids

    def convert(value: Any) -> str | None:
        tilbud_id = id_text(value)
        if tilbud_id is None or tilbud_id in offers:
            return tilbud_id
        lowered = tilbud_id.lower().strip("{}")  # Excel's UPPER() and GUID braces
        if lowered in offers:
            return lowered
        if lowered in foreign:
            tilbud_id = lowered
        if tilbud_id in foreign:
            raise CellProblem(
                Code.FOREIGN_OFFER, f"Tilbuddet {tilbud_id} tilhører en anden organisation."
            )
        raise CellProblem(Code.UNKNOWN_OFFER, f"Tilbuddet {tilbud_id} findes ikke i registret.")

    return convert


def _kommune(context: IntakeContext) -> Converter:
    aliases = context.kommune_aliases
    by_number = {int(code): code for code in set(aliases.values()) if code.isdigit()}
    seen: dict[str, str] = {}  # the same few names repeat on every row

    def convert(value: Any) -> str | None:
        text = id_text(value)
        if text is None:
            return None
        code = seen.get(text)
        if code is None:
            code = aliases.get(fold_municipality_name(text))
            if code is None and text.isdigit() and len(text) <= 5:
                code = by_number.get(int(text))  # 0751 is 751
            if code is None:
                raise CellProblem(
                    Code.UNKNOWN_KOMMUNE,
                    f"Køberkommunen '{_shown(text)}' kendes ikke. Skriv kommunekoden (fx 751) "
                    "eller navnet (fx Aarhus) på en af landets 98 kommuner eller 5 regioner.",
                )
            seen[text] = code
        return code

    return convert


def _maalgruppe(context: IntakeContext) -> Converter:
    lookup = context.maalgruppe_lookup()

    def convert(value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        gruppe = lookup.get(fold(text))
        if gruppe is None:
            close = difflib.get_close_matches(fold(text), list(lookup), n=1, cutoff=0.6)
            hint = f" Mente du '{lookup[close[0]].navn}'?" if close else ""
            raise CellProblem(
                Code.UNKNOWN_MAALGRUPPE, f"Målgruppen '{text}' findes ikke i kataloget.{hint}"
            )
        return gruppe.kode

    return convert


def _tilbudstype(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    kind = _TILBUDSTYPER.get(fold(text))
    if kind is None:
        close = difflib.get_close_matches(fold(text), list(_TILBUDSTYPER), n=1, cutoff=0.6)
        hint = f" Mente du '{TILBUDSTYPE_NAVNE[_TILBUDSTYPER[close[0]]]}'?" if close else ""
        raise CellProblem(
            Code.INVALID_TILBUDSTYPE,
            f"Tilbudstypen '{text}' skal være dag, døgn, åben eller sikret.{hint}",
        )
    return kind


def _paragraf(value: Any) -> str | None:
    text = id_text(value)
    if text is None:
        return None
    match = _PARAGRAF.match(text)
    if match is None:
        raise CellProblem(
            Code.INVALID_PARAGRAF, f"'{text}' er ikke en paragraf i serviceloven (fx § 107)."
        )
    number, letter, stk = match.groups()
    normalised = f"§ {int(number)}{letter.lower()}"
    return f"{normalised}, stk. {int(stk)}" if stk else normalised


def converter_for(column: Column, context: IntakeContext) -> Converter:
    """The converter function for one column of a stream."""
    kind = column.kind
    if kind is Kind.DECIMAL:
        return _decimal(column)
    if kind is Kind.INTEGER:
        return _integer(column)
    if kind is Kind.KVARTAL:
        return _kvartal(context)
    if kind is Kind.OFFER:
        return _offer(context)
    if kind is Kind.KOMMUNE:
        return _kommune(context)
    if kind is Kind.MAALGRUPPE:
        return _maalgruppe(context)
    if kind is Kind.TEXT:
        return _texter(column)
    simple: dict[Kind, Converter] = {
        Kind.INFO: _info,
        Kind.TILBUDSTYPE: _tilbudstype,
        Kind.PARAGRAF: _paragraf,
        Kind.BOOLEAN: to_bool,
        Kind.DATE: to_date,
    }
    return simple[kind]
