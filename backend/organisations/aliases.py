"""One way to compare names of municipalities, regions and the country.

Source documents, uploads and Statistics Denmark spell the same area in many ways:
"Århus Kommune", "Aarhus", "AARHUS", "Ringkøbing-Skjern kommune", "Ringkøbing Skjern",
"Region Sjælland", "region sjaelland". `fold_municipality_name` maps them all to one key,
and every look-up of an area by name (the tenant registry's aliases, an upload's
køberkommune, a reference file's area column) goes through it:

- case and accents do not matter, and æ/ø/å equal ae/oe/aa (``Køge`` = ``Koege``,
  ``Åbenrå`` = ``Aabenraa``);
- spaces, hyphens and other punctuation are one separator (``Ikast-Brande`` =
  ``Ikast Brande`` = ``ikast_brande``);
- a trailing "Kommune" is dropped (``Aarhus Kommune`` = ``Aarhus``); "Region" is kept, so
  ``Region Nordjylland`` and ``Nordjylland`` stay different names.

No database; `AreaAliases` is the look-up built from (name, code) pairs, and
`buyer_areas` the national list of køberkommuner (98 municipalities and 5 regions) shipped
as package data (``tenants/reference/koeberkommuner.csv``, source in SOURCE.md there).
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Mapping

from backend.config import data_path
from backend.tabular import fold

_KOMMUNE_SUFFIX = "_kommune"
_AREA_CODE = re.compile(r"^\d{3,4}$")
_CODE_AND_NAME = re.compile(r"^(\d{3,4})\s+\S")


def fold_municipality_name(text: object) -> str:
    """The key an area name is matched on: "Århus Kommune" → "aarhus"."""
    return fold(text).removesuffix(_KOMMUNE_SUFFIX)


class AreaAliases:
    """Map from area names (any spelling, see `fold_municipality_name`) to area codes.

    Built from ``{name: code}`` or (name, code) pairs, e.g. ``{"Aarhus": "751", "Århus":
    "751", "Region Midtjylland": "082", "Hele landet": "000"}``. Names that fold to the
    same key but point at different codes are a configuration error (``ValueError``).
    """

    def __init__(self, aliases: Mapping[str, str] | Iterable[tuple[str, str]] | None = None):
        pairs = aliases.items() if isinstance(aliases, Mapping) else (aliases or ())
        self._by_name: dict[str, str] = {}
        for name, code in pairs:
            key = fold_municipality_name(name)
            if self._by_name.get(key, code) != code:
                raise ValueError(f"Alias {name!r} points at both {self._by_name[key]} and {code}")
            self._by_name[key] = code

    def code_for(self, name: str) -> str | None:
        """The code of a name (or of a code listed as a name), in any spelling."""
        return self._by_name.get(fold_municipality_name(name))

    def resolve(self, value: str) -> str | None:
        """The area code for a name, a code (``"751"``) or code-and-name (``"751 Aarhus"``).

        Any code is accepted as it is; use `code_for` when only listed areas may match.
        """
        text = value.strip()
        if _AREA_CODE.match(text):
            return text
        code_and_name = _CODE_AND_NAME.match(text)
        if code_and_name:
            return code_and_name.group(1)
        return self.code_for(text)

    def codes(self) -> frozenset[str]:
        return frozenset(self._by_name.values())

    def by_key(self) -> dict[str, str]:
        """Folded name → code, for contexts that hold the look-up as a plain mapping."""
        return dict(self._by_name)


#: One buyer: (code, name, other spellings).
BuyerArea = tuple[str, str, tuple[str, ...]]


@functools.cache
def buyer_areas() -> tuple[BuyerArea, ...]:
    """Every municipality (98, by kommunekode) and region (5, by regionskode 1081-1085) that
    can buy a place, with the spellings municipal documents use (read once, then cached)."""
    path = data_path("tenants", "reference", "koeberkommuner.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            (row["kode"], row["navn"], tuple(a for a in row["aliases"].split("|") if a))
            for row in csv.DictReader(handle)
        )


def buyer_aliases(registry: Iterable[BuyerArea] = ()) -> dict[str, str]:
    """Folded name, alias or code → code for every buyer: the national list, with the
    tenant registry's own organisations and aliases (``registry``) on top."""
    national = AreaAliases(
        (name, code) for code, navn, aliases in buyer_areas() for name in (code, navn, *aliases)
    ).by_key()
    national.update(
        AreaAliases(
            (name, code) for code, navn, aliases in registry for name in (code, navn, *aliases)
        ).by_key()
    )
    return national
