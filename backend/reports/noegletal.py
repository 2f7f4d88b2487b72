"""The nøgletal document as the pages read it: frozen dataclasses, one per part.

The document is written by :func:`backend.reports.service.noegletal_document` (and stored
as JSON in every published snapshot); the API serves it as it is. :func:`read` turns it
into a :class:`NoegletalDocument`, and is the one place that knows how an older stored
document may differ (no ``noter``, no ``peer_grupper``, averages without ``n`` or
``medlemmer``): the pages read attributes, never keys with silent defaults.

A figure's ``value`` is the unrounded value as stored (text for a Decimal, a number or
None); ``tekst`` its Danish presentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Figure:
    """A value with its unit and price year (``value`` unrounded; None: no value)."""

    value: str | float | int | None
    tekst: str | None
    unit: str | None
    price_year: int | None

    @property
    def decimal(self) -> Decimal | None:
        return None if self.value is None else Decimal(str(self.value))

    @property
    def has_value(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class PeerAverage(Figure):
    """The unweighted average of an organisation's peer group."""

    regel: str
    medlemmer: tuple[str, ...]
    n: int
    uden_vaerdi: tuple[str, ...]


@dataclass(frozen=True)
class Value(Figure):
    """One organisation's value of one nøgletal × målgruppe."""

    organisation: str
    navn: str
    ingen_data: str | None
    afledt: bool
    naevner: Any
    peer_gennemsnit: PeerAverage | None


@dataclass(frozen=True)
class LeftOut:
    organisation: str
    grund: str


@dataclass(frozen=True)
class Average(Figure):
    """An average (``omfang`` "region" unweighted, "hele aftalen" weighted) with its rule,
    n and members; ``median`` beside an unweighted mean."""

    omfang: str
    regel: str
    n: int
    medlemmer: tuple[str, ...]
    uden_vaerdi: tuple[str, ...]
    udeladt: tuple[LeftOut, ...]
    median: Figure | None


@dataclass(frozen=True)
class Item:
    """One nøgletal × målgruppe (``maalgruppe`` None: all målgrupper)."""

    id: str
    navn: str
    maalgruppe: str | None
    side: str | None
    side_tekst: str | None
    vaerdier: tuple[Value, ...]
    gennemsnit: tuple[Average, ...]

    def value_of(self, organisation: str | None) -> Value | None:
        return next((v for v in self.vaerdier if v.organisation == organisation), None)


@dataclass(frozen=True)
class PeerGroups:
    indikatorer: tuple[str, ...]
    k: int | None
    grupper: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class NoegletalDocument:
    aar: int
    prisaar: int | None
    noter: tuple[str, ...]
    peer_grupper: PeerGroups
    noegletal: tuple[Item, ...]

    def find(self, noegletal: str, maalgruppe: str | None) -> Item | None:
        return next(
            (
                n
                for n in self.noegletal
                if n.id == noegletal and (n.maalgruppe or None) == maalgruppe
            ),
            None,
        )


def _figure_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "value": raw.get("value"),
        "tekst": raw.get("tekst"),
        "unit": raw.get("unit"),
        "price_year": raw.get("price_year"),
    }


def _count_with_value(members: tuple[str, ...], values: Mapping[str, Mapping[str, Any]]) -> int:
    return sum(1 for m in members if m in values and values[m].get("value") is not None)


def _peer(raw: Mapping[str, Any] | None, values: Mapping[str, Mapping[str, Any]]) -> Any:
    if not raw:
        return None
    members = tuple(raw["medlemmer"])
    return PeerAverage(
        **_figure_fields(raw),
        regel=raw["regel"],
        medlemmer=members,
        n=raw.get("n", _count_with_value(members, values)),
        uden_vaerdi=tuple(raw.get("uden_vaerdi", ())),
    )


def _average(
    raw: Mapping[str, Any],
    values: Mapping[str, Mapping[str, Any]],
    municipalities: frozenset[str] | None,
) -> Average:
    scope = raw["omfang"]
    if "medlemmer" in raw:
        members = tuple(raw["medlemmer"])
    elif scope == "region" and municipalities is not None:
        members = tuple(sorted(m for m in values if m in municipalities))
    else:
        members = tuple(sorted(values))
    if "n" in raw:
        n = raw["n"]
    else:  # an older document: counted over the scope's organisations with a value
        scoped = (
            tuple(sorted(m for m in values if m in municipalities))
            if scope == "region" and municipalities is not None
            else tuple(sorted(values))
        )
        n = _count_with_value(scoped, values)
    median = raw.get("median")
    return Average(
        **_figure_fields(raw),
        omfang=scope,
        regel=raw["regel"],
        n=n,
        medlemmer=members,
        uden_vaerdi=tuple(raw.get("uden_vaerdi", ())),
        udeladt=tuple(
            LeftOut(organisation=u["organisation"], grund=u["grund"])
            for u in raw.get("udeladt", ())
        ),
        median=None if median is None else Figure(**_figure_fields(median)),
    )


def _item(raw: Mapping[str, Any], municipalities: frozenset[str] | None) -> Item:
    by_org = {v["organisation"]: v for v in raw["vaerdier"]}
    return Item(
        id=raw["id"],
        navn=raw["navn"],
        maalgruppe=raw["maalgruppe"] or None,
        side=raw.get("side"),
        side_tekst=raw.get("side_tekst"),
        vaerdier=tuple(
            Value(
                **_figure_fields(v),
                organisation=v["organisation"],
                navn=v["navn"],
                ingen_data=v.get("ingen_data"),
                afledt=bool(v.get("afledt", False)),
                naevner=v.get("naevner"),
                peer_gennemsnit=_peer(v.get("peer_gennemsnit"), by_org),
            )
            for v in raw["vaerdier"]
        ),
        gennemsnit=tuple(_average(a, by_org, municipalities) for a in raw["gennemsnit"]),
    )


def read(
    document: Mapping[str, Any], municipalities: frozenset[str] | None = None
) -> NoegletalDocument:
    """The stored (or freshly computed) nøgletal document as a :class:`NoegletalDocument`.

    ``municipalities`` (the agreement's kommuner) is only needed for an older document
    whose region average names neither its members nor its n."""
    peers = document.get("peer_grupper") or {}
    return NoegletalDocument(
        aar=document["aar"],
        prisaar=document.get("prisaar"),
        noter=tuple(document.get("noter", ())),
        peer_grupper=PeerGroups(
            indikatorer=tuple(peers.get("indikatorer", ())),
            k=peers.get("k"),
            grupper={k: tuple(v) for k, v in peers.get("grupper", {}).items()},
        ),
        noegletal=tuple(_item(n, municipalities) for n in document["noegletal"]),
    )
