"""What the comparison pages show, built from the *published* nøgletal.

Everything here reads through the services: the published snapshots of the
ledelsesinformation (``backend.reports.service``: their nøgletal document, with values per
organisation, the peer groups and the averages with their rule) and the organisation
catalogue. Nothing is computed from submissions; a draft is never read.

``comparison`` turns one nøgletal × målgruppe of a snapshot's document into the ranked
bars, the averages (peer group and region unweighted, the whole agreement weighted, each
with its n), the sentence saying where the own organisation stands, and the table.
Rendered comparisons are cached per app, keyed by the snapshot (id, version, inputs hash)
and the parameters: a new publication is a new snapshot, so it never meets a stale entry.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from backend.organisations import service as organisations
from backend.reports import noegletal as doc_model
from backend.reports import service as reports
from backend.web import charts, format
from backend.web.sammenligning import tables as t
from benchmark.noegletal import REGISTRY
from benchmark.presentation import decimals_for

CAVEAT = (
    "En placering er ikke en bedømmelse. At en kommune ligger højt eller lavt siger ikke i "
    "sig selv noget om, hvorvidt det er godt eller skidt: forskelle kan skyldes "
    "befolkningens sammensætning, hvilke tilbud kommunen driver selv, serviceniveau og "
    "registreringspraksis."
)
DEFAULT_NOEGLETAL = "pladser_pr_10000"
SCOPE_NAMES = {
    "peer-gruppe": "Peer-gruppen",
    "region": "Regionens kommuner",
    "hele aftalen": "Hele aftalen",
}
# "13 af 19 kommuner har <phrase> end Herning"
MORE = {
    "pladser_pr_10000": "flere pladser pr. 10.000 indbyggere",
    "regnskab_pr_indbygger": "et højere regnskab pr. indbygger",
    "gennemsnitspris_pr_plads": "en højere gennemsnitspris pr. plads",
    "takstudvikling_regnskab": "en højere takstudvikling på regnskab",
    "takstudvikling_budget": "en højere takstudvikling på budget",
    "belaegningsprocent": "en højere belægningsprocent",
    "over_underskud_pct_af_regnskab": "et højere over-/underskud i procent af regnskab",
    "tillaeg_pct_af_regnskab": "en højere andel tillægsydelser",
    "forbrug_pr_10000": "et højere forbrug pr. 10.000 indbyggere",
}


def decimals_of(unit: str) -> int:
    """The decimals of a unit, as the engine presents it (``benchmark.presentation``)."""
    return decimals_for(unit)


def shown(entry: doc_model.Figure) -> str:
    """A document figure (``value`` unrounded, ``unit``) as the pages print it."""
    return format.number(entry.value, decimals_of(entry.unit or ""))


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# ----------------------------------------------------------------------------- loading
@dataclass(frozen=True)
class Published:
    """The latest published snapshot of a year (its identity, not its contents)."""

    year: int
    id: int
    version: int
    inputs_sha256: str
    published_at: Any

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.year, self.id, self.version, self.inputs_sha256, str(self.published_at))


def published_years(session: Session, rammeaftale_id: int) -> dict[int, Published]:
    """Every year with a published ledelsesinformation, newest first, with its latest version."""
    return {
        year: Published(year, id_, version, sha, at)
        for year, id_, version, sha, at in reports.latest_published(session, rammeaftale_id)
    }


def document(
    session: Session,
    rammeaftale_id: int,
    published: Published,
    municipalities: frozenset[str] | None = None,
) -> doc_model.NoegletalDocument:
    """The nøgletal document of a published snapshot, typed (``municipalities`` for an
    older document, see :func:`backend.reports.noegletal.read`)."""
    snap = reports.snapshot(session, rammeaftale_id, published.year, published.version)
    return doc_model.read(snap.noegletal, municipalities)


@dataclass(frozen=True)
class Catalogue:
    """Names and kinds of the agreement's organisations, and the målgruppe names."""

    names: Mapping[str, str]
    municipalities: frozenset[str]
    regions: frozenset[str]
    maalgrupper: Mapping[str, str]


def catalogue(session: Session, rammeaftale_id: int) -> Catalogue:
    orgs = organisations.list_organisations(session, rammeaftale_id)
    return Catalogue(
        names={o.kode: o.navn for o in orgs},
        municipalities=frozenset(o.kode for o in orgs if o.type == "kommune"),
        regions=frozenset(o.kode for o in orgs if o.type == "region"),
        maalgrupper={
            m.kode: m.navn for m in organisations.list_maalgrupper(session, rammeaftale_id)
        },
    )


T = TypeVar("T")


class RenderCache:
    """A small LRU of rendered page parts (thread-safe; one per app)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        value = build()
        with self._lock:
            self.misses += 1
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


# ------------------------------------------------------------------------- comparison
@dataclass(frozen=True)
class Average:
    scope: str
    name: str
    rule: str
    n: int
    members: tuple[str, ...]
    value: Decimal | None
    text: str

    @property
    def label(self) -> str:
        return f"{self.name}: {self.rule}, n = {self.n}"


@dataclass(frozen=True)
class Comparison:
    year: int
    noegletal: str
    navn: str
    maalgruppe: str | None
    maalgruppe_navn: str
    unit: str
    price_year: int | None
    own: str | None
    own_name: str | None
    sentence: str
    caption: str
    averages: tuple[Average, ...]
    peer_names: tuple[str, ...]
    table: t.Table
    svg: str


def options(doc: doc_model.NoegletalDocument) -> dict[str, list[str | None]]:
    """Nøgletal id -> the målgrupper (None: all) it is published for, in document order."""
    out: dict[str, list[str | None]] = {}
    for item in doc.noegletal:
        out.setdefault(item.id, []).append(item.maalgruppe)
    return out


def find(
    doc: doc_model.NoegletalDocument, noegletal: str, maalgruppe: str | None
) -> doc_model.Item | None:
    return doc.find(noegletal, maalgruppe)


def averages(item: doc_model.Item, own: str | None) -> tuple[Average, ...]:
    """The own organisation's peer group (when it has one), the region's municipalities and
    the whole agreement, each with its rule and the number of members with a value."""
    out = []
    own_entry = item.value_of(own) if own else None
    peer = own_entry.peer_gennemsnit if own_entry else None
    if peer:
        out.append(
            Average(
                "peer-gruppe",
                SCOPE_NAMES["peer-gruppe"],
                peer.regel,
                peer.n,
                peer.medlemmer,
                peer.decimal,
                shown(peer),
            )
        )
    for avg in item.gennemsnit:
        out.append(
            Average(
                avg.omfang,
                SCOPE_NAMES.get(avg.omfang, avg.omfang.capitalize()),
                avg.regel,
                avg.n,
                avg.medlemmer,
                avg.decimal,
                shown(avg),
            )
        )
    return tuple(out)


def ranked(item: doc_model.Item) -> list[doc_model.Value]:
    """Organisations highest first, those without data last (then by name)."""
    return sorted(
        item.vaerdier,
        key=lambda v: (v.value is None, -(v.decimal or 0), v.navn),
    )


def placements(item: doc_model.Item, municipalities: Collection[str]) -> dict[str, int]:
    """Each municipality's place among the municipalities with a value (1 = highest; ties
    share the place)."""
    vals = [
        (v.organisation, v.decimal)
        for v in item.vaerdier
        if v.organisation in municipalities and v.decimal is not None
    ]
    return {org: 1 + sum(1 for _o, other in vals if other > value) for org, value in vals}


def sentence(
    item: doc_model.Item, own: str | None, municipalities: Collection[str], noegletal: str
) -> str:
    """Where the own organisation stands among the municipalities (Kolada's sentence)."""
    values = {v.organisation: v for v in item.vaerdier}
    towns = [v for k, v in values.items() if k in municipalities]
    with_value = [v for v in towns if v.has_value]
    lacking = len(towns) - len(with_value)
    tail = (
        f" {lacking} {'kommune' if lacking == 1 else 'kommuner'} har ingen data." if lacking else ""
    )
    if own is None or own not in values:
        if not with_value:
            return "Ingen kommuner har data for dette nøgletal."
        top = max(with_value, key=lambda v: v.decimal or 0)
        low = min(with_value, key=lambda v: v.decimal or 0)
        return (
            f"Højest blandt {len(with_value)} kommuner er {top.navn} ({shown(top)}), "
            f"lavest er {low.navn} ({shown(low)}).{tail}"
        )
    me = values[own]
    mine = me.decimal
    if mine is None:
        return f"{me.navn} har ingen data for dette nøgletal.{tail}"
    others = [v.decimal for v in with_value if v.organisation != own and v.decimal is not None]
    higher = sum(1 for o in others if o > mine)
    same = sum(1 for o in others if o == mine)
    # Out of the municipalities with a value (the own one included when it is one).
    total = len(with_value)
    phrase = MORE.get(noegletal, "en højere værdi")
    out = (
        f"{higher} af {total} {'kommune' if total == 1 else 'kommuner'} har {phrase} end {me.navn}"
    )
    if same:
        out += f"; {same} har samme værdi"
    return out + f".{tail}"


def comparison(
    doc: doc_model.NoegletalDocument,
    *,
    noegletal: str,
    maalgruppe: str | None,
    own: str | None,
    cat: Catalogue,
) -> Comparison:
    item = find(doc, noegletal, maalgruppe)
    if item is None:
        raise KeyError((noegletal, maalgruppe))
    definition = REGISTRY.get(noegletal)
    entries = ranked(item)
    unit = next((v.unit for v in entries if v.unit), definition.unit if definition else "")
    price_year = next((v.price_year for v in entries if v.price_year), None)
    decimals = decimals_of(unit)
    own_entry = next((v for v in entries if v.organisation == own), None)
    own = own_entry.organisation if own_entry else None
    avgs = averages(item, own)
    places = placements(item, cat.municipalities)
    mg_name = cat.maalgrupper.get(maalgruppe, maalgruppe) if maalgruppe else "Alle målgrupper"
    navn = item.navn
    says = sentence(item, own, cat.municipalities, noegletal)
    peer = next((a for a in avgs if a.scope == "peer-gruppe"), None)
    peer_names = tuple(cat.names.get(m, m) for m in peer.members) if peer else ()

    bars = [
        charts.Bar(
            v.navn,
            None if v.value is None else float(v.value),
            v.organisation == own,
            shown(v),
        )
        for v in entries
    ]
    rules = [
        charts.Rule(a.scope, a.label, float(a.value), a.text) for a in avgs if a.value is not None
    ]
    title = f"{navn}, {mg_name.lower() if maalgruppe is None else mg_name}, {doc.aar}"
    spec = charts.ranking_spec(
        bars,
        rules,
        title=title,
        unit=unit,
        description=f"Søjlediagram: {navn} ({unit}) for {len(bars)} organisationer, "
        f"højeste først. {says}",
    )
    price = f", {price_year}-priser" if price_year else ""
    headers = (
        "Organisation",
        f"Værdi ({unit}{price})",
        "Placering blandt kommunerne (1 = højeste)",
        "Peer-gruppens gennemsnit (uvægtet)",
    )
    rows = []
    for v in entries:
        org = v.organisation
        peer_avg = v.peer_gennemsnit
        if org in places:
            place = t.integer(places[org])
        elif org in cat.municipalities:
            place = t.Cell(t.NO_DATA_TEXT, t.NO_DATA)
        else:
            place = t.not_applicable()
        rows.append(
            t.Row(
                (
                    t.text(v.navn + (" (egen)" if org == own else "")),
                    t.number(v.value, decimals),
                    place,
                    t.number(peer_avg.value, decimals, derived=True)
                    if peer_avg
                    else t.not_applicable(),
                ),
                own=org == own,
            )
        )
    for a in avgs:
        rows.append(
            t.Row(
                (
                    t.text(a.label),
                    t.number(a.value, decimals, derived=True),
                    t.not_applicable(),
                    t.not_applicable(),
                ),
                derived=True,
            )
        )
    table = t.Table(
        key="sammenligning",
        caption=f"{title}: værdier pr. organisation og gennemsnit",
        headers=headers,
        rows=tuple(rows),
        notes=doc.noter,
        row_header=0,
        numeric=(False, True, True, True),
    )
    caption = (
        f"{navn} ({unit}) for {mg_name.lower() if maalgruppe is None else mg_name} i {doc.aar}, "
        f"højeste først. {says}"
    )
    return Comparison(
        year=doc.aar,
        noegletal=noegletal,
        navn=navn,
        maalgruppe=maalgruppe,
        maalgruppe_navn=mg_name,
        unit=unit,
        price_year=price_year,
        own=own,
        own_name=own_entry.navn if own_entry else None,
        sentence=says,
        caption=caption,
        averages=avgs,
        peer_names=peer_names,
        table=table,
        svg=charts.render_svg(spec),
    )


SOURCES = {
    "regnskab_kr": "driftsherrernes regnskab",
    "over_underskud_kr": "driftsherrernes regnskab",
    "tillaeg_kr": "driftsherrernes regnskab",
    "belaegning_aarspladser": "driftsherrernes regnskab (belægning)",
    "forbrug_dage": "den kvartalsvise belægningsopgørelse",
    "normering_dage": "den kvartalsvise belægningsopgørelse",
    "aarspladser": "den kvartalsvise belægningsopgørelse (køberkommune)",
    "normering": "tilbudsregistret (Bilag 1)",
    "takst_x_normering": "takstindberetningen og tilbudsregistret",
    "befolkning": "Danmarks Statistik, FOLK1A (befolkning 1. januar)",
}


def definitions() -> list[dict[str, Any]]:
    """The nøgletal definitions as the API serves them (/api/v1/noegletal/definitioner),
    with the price year and the source of each component."""
    out = []
    for n in REGISTRY.values():
        sources = list(dict.fromkeys(SOURCES.get(c, c) for c in n.components))
        out.append(
            {
                "id": n.id,
                "navn": n.navn,
                "formel": n.formel,
                "taeller": n.taeller,
                "naevner": n.naevner,
                "unit": n.unit,
                "retning": str(n.retning),
                "aldersgruppe": n.aldersgruppe,
                "gennemsnit": n.gennemsnit,
                "prisaar": "årets priser (prisåret står ved tallet); tidligere år omregnet med "
                "PL-indekset"
                if n.money or any(c.endswith("_forrige") for c in n.components)
                else "ikke relevant (ikke et beløb)",
                "kilde": "Rammetal: " + ", ".join(sources),
            }
        )
    return out
