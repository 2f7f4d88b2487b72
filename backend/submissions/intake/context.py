"""The plain-value context an upload is validated against.

The service layer builds an `IntakeContext` from the database (organisation, period,
offers, catalogues); tests build it from factories or from the tenant TOML with
`reference_from_tenant`. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from backend.offers.states import TILBUDSTYPER, Tilbudstype
from backend.organisations.aliases import AreaAliases
from backend.tabular import fold

#: The tilbudstyper in the order the templates and messages list them.
TILBUDSTYPE_ORDER = TILBUDSTYPER
#: A målgruppe's tilbudstyper unless the tenant configuration names others.
DEFAULT_TILBUDSTYPER = (Tilbudstype.DAG.value, Tilbudstype.DOEGN.value)


@dataclass(frozen=True, slots=True)
class Maalgruppe:
    """One entry of the målgruppe catalogue; ``tilbudstyper`` in ASCII (dag, doegn, …)."""

    kode: str
    navn: str
    tilbudstyper: frozenset[str] = frozenset(DEFAULT_TILBUDSTYPER)

    def ordered_tilbudstyper(self) -> tuple[str, ...]:
        """The allowed tilbudstyper in `TILBUDSTYPE_ORDER` (the template's drop-down for this
        målgruppe and the upload's refusal list the same types in the same order)."""
        known = tuple(t for t in TILBUDSTYPE_ORDER if t in self.tilbudstyper)
        return known + tuple(sorted(self.tilbudstyper - set(TILBUDSTYPE_ORDER)))


@dataclass(frozen=True, slots=True)
class OfferInfo:
    """What intake needs to know about one of the organisation's offers.

    ``akut`` marks acute / short-stay offers, for which a lower assumed
    belægningsprocent is normal (warning only below 90 %).
    """

    tilbud_id: str
    navn: str
    maalgruppe: str
    tilbudstype: str
    normering: Decimal | None = None
    akut: bool = False
    tilbudsportalen_id: str | None = None
    sel_paragraf: str | None = None
    omfattet: bool = True
    gyldig_fra: date | None = None
    gyldig_til: date | None = None


def _freeze(mapping: Mapping[Any, Any] | None) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class IntakeContext:
    """Everything validation compares an upload with.

    - ``organisation``: code of the uploading organisation (e.g. "751").
    - ``year`` / ``quarter``: the period; ``quarter`` None for a yearly period.
    - ``offers``: the organisation's offers by tilbud_id.
    - ``foreign_offer_ids``: ids of other organisations' offers (to tell
      ``foreign_offer`` from ``unknown_offer``).
    - ``maalgrupper``: the catalogue, in presentation order.
    - ``kommune_aliases``: folded name/alias/code → kommunekode (see
      `backend.organisations.aliases.fold_municipality_name`); build it with
      `kommune_alias_map`.
    - ``previous_takster``: basistakst of the previous budget year by tilbud_id.
    - ``previous_normering``: the normering approved for ``year`` - 1 by tilbud_id (see
      `backend.submissions.history.previous_normering`).
    - ``open``: whether the period accepts uploads; the service layer rejects a closed
      period with ``periode_lukket`` before parsing.
    """

    organisation: str
    year: int
    quarter: int | None = None
    offers: Mapping[str, OfferInfo] = field(default_factory=dict)
    foreign_offer_ids: frozenset[str] = frozenset()
    maalgrupper: tuple[Maalgruppe, ...] = ()
    kommune_aliases: Mapping[str, str] = field(default_factory=dict)
    previous_takster: Mapping[str, Decimal] = field(default_factory=dict)
    previous_normering: Mapping[str, Decimal] = field(default_factory=dict)
    open: bool = True

    def __post_init__(self) -> None:
        if self.quarter is not None and self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1-4 or None, not {self.quarter!r}")
        object.__setattr__(self, "offers", _freeze(self.offers))
        object.__setattr__(self, "kommune_aliases", _freeze(self.kommune_aliases))
        object.__setattr__(self, "previous_takster", _freeze(self.previous_takster))
        object.__setattr__(self, "previous_normering", _freeze(self.previous_normering))
        object.__setattr__(self, "foreign_offer_ids", frozenset(self.foreign_offer_ids))
        object.__setattr__(self, "maalgrupper", tuple(self.maalgrupper))

    def maalgruppe_lookup(self) -> dict[str, Maalgruppe]:
        """Folded code and folded Danish name → catalogue entry."""
        lookup: dict[str, Maalgruppe] = {}
        for gruppe in self.maalgrupper:
            lookup[fold(gruppe.kode)] = gruppe
            lookup[fold(gruppe.navn)] = gruppe
        return lookup


def kommune_alias_map(entries: Iterable[tuple[str, str, Iterable[str]]]) -> dict[str, str]:
    """Alias map from (kommunekode, navn, aliases) triples; the code maps to itself.

    Keys are folded with `fold_municipality_name`; a name that folds like another
    kommune's is a configuration error (``ValueError``).
    """
    return AreaAliases(
        (name, kode) for kode, navn, aliases in entries for name in (kode, navn, *aliases)
    ).by_key()


def reference_from_tenant(
    config: Mapping[str, Any],
) -> tuple[tuple[Maalgruppe, ...], dict[str, str]]:
    """Målgruppe catalogue and kommune alias map from a parsed tenant TOML file.

    Only organisations of type ``kommune`` are buyers (køberkommuner).
    """
    maalgrupper = tuple(
        Maalgruppe(
            kode=entry["kode"],
            navn=entry["navn"],
            tilbudstyper=frozenset(entry.get("tilbudstyper", DEFAULT_TILBUDSTYPER)),
        )
        for entry in sorted(config.get("maalgruppe", []), key=lambda e: e.get("sortering", 0))
    )
    aliases = kommune_alias_map(
        (org["kode"], org["navn"], org.get("aliases", ()))
        for org in config.get("organisation", [])
        if org.get("type") == "kommune"
    )
    return maalgrupper, aliases
