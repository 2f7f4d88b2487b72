"""The ledelsesinformation and nøgletal: computed live for the secretariat (kladde),
published as immutable snapshots that every principal of the agreement may read."""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.context import Principal
from backend.db.base import utcnow
from backend.errors import Conflict, Invalid, NotFound
from backend.policy import Permission, can
from backend.reference import structural
from backend.reports.document import LedelsesinformationReport
from backend.reports.inputs import ReportInputs, load_inputs
from backend.reports.models import ReportSnapshot
from backend.reports.states import Publication
from backend.reports.writers import (
    ledelsesinformation_csv,
    ledelsesinformation_json,
    ledelsesinformation_xlsx,
    suggested_filename,
)
from backend.tabular.media import MEDIA_TYPES
from benchmark.accounts import over_underskud_table, takstudvikling_table, tillaeg_table
from benchmark.averages import unweighted_average, weighted_average
from benchmark.noegletal import REGISTRY
from benchmark.noegletal_compute import NoegletalResult, compute_noegletal
from benchmark.occupancy import belaegning_table
from benchmark.peers import nearest_peers
from benchmark.places import pladsoversigt
from benchmark.presentation import format_da
from benchmark.prices import MissingPriceIndex

KIND = "ledelsesinformation"


def _price_index(inputs: ReportInputs) -> Any:
    return inputs.price_index if inputs.price_index.values else None


@contextmanager
def _pl_index_needed(year: int) -> Iterator[None]:
    """A missing PL index is the user's to fix: 422 "PL-indeks for 2016 mangler"."""
    try:
        yield
    except MissingPriceIndex as exc:
        raise Invalid(
            f"{exc}. Tabellerne og nøgletallene for {year} kan ikke beregnes i faste priser, "
            "før PL-indekset er indlæst (af platformsadministratoren).",
            code="pl_indeks_mangler",
            errors=[{"field": "aar", "location": "query", "message": str(exc), "aar": exc.years}],
        ) from exc


def build_report(
    inputs: ReportInputs,
    *,
    status: str = Publication.KLADDE,
    published_at: datetime | None = None,
    labels: dict[str, str] | None = None,
) -> LedelsesinformationReport:
    """Tables A–E of ``inputs.year`` against the year before, money in ``year`` prices."""
    year, index = inputs.year, _price_index(inputs)
    operators = sorted({a.driftsherre for a in inputs.accounts})
    with _pl_index_needed(year):
        return _report(inputs, year, index, operators, status, published_at, labels)


def _report(
    inputs: ReportInputs,
    year: int,
    index: Any,
    operators: list[str],
    status: str,
    published_at: datetime | None,
    labels: dict[str, str] | None,
) -> LedelsesinformationReport:
    return LedelsesinformationReport(
        year=year,
        price_year=year,
        a=takstudvikling_table(
            inputs.accounts, year, price_index=index, price_year=year, driftsherrer=operators
        ),
        b=over_underskud_table(
            inputs.accounts, year, price_index=index, price_year=year, driftsherrer=operators
        ),
        c=tillaeg_table(
            inputs.accounts, year, price_index=index, price_year=year, driftsherrer=operators
        ),
        d=belaegning_table(inputs.occupancy, year),
        e=pladsoversigt(inputs.places, year),
        status=status,
        published_at=published_at,
        labels=labels or inputs.labels,
    )


DERIVED_OCCUPANCY = (
    "afledt: belægningen er ikke indberettet, men udledt af tabel D (belægning pr. "
    "målgruppe) og tabel E (pladser pr. driftsherre)"
)


def compute_key_figures(inputs: ReportInputs, price_year: int | None = None) -> NoegletalResult:
    """Every nøgletal of ``inputs.year``, money in ``price_year`` prices (default the year);
    a belægningsprocent resting on derived (not reported) occupancy lines is marked as
    derived on the value."""
    with _pl_index_needed(inputs.year):
        result = _key_figures(inputs, inputs.year if price_year is None else price_year)
    derived = {o.driftsherre for o in inputs.occupancy if o.derived and o.year == inputs.year}
    if not derived:
        return result
    values = tuple(
        dataclasses.replace(v, derived=DERIVED_OCCUPANCY)
        if v.noegletal == "belaegningsprocent" and v.organisation in derived
        else v
        for v in result.values
    )
    return dataclasses.replace(result, values=values, _index={})


def _key_figures(inputs: ReportInputs, price_year: int) -> NoegletalResult:
    return compute_noegletal(
        inputs.year,
        accounts=inputs.accounts,
        occupancy=inputs.occupancy,
        places=inputs.places,
        tariffs=inputs.tariffs,
        population=inputs.population,
        price_index=_price_index(inputs),
        price_year=price_year,
        organisations=sorted(inputs.organisations),
        age_band_by_maalgruppe=inputs.age_bands,
        area_of_organisation=inputs.area_of,
        buyers=inputs.municipalities or None,
    )


def _figure(value: Any) -> dict[str, Any]:
    """Raw (unrounded) value as text, the Danish presentation, unit and price year."""
    raw = value.value
    decimals = 0 if value.unit in ("kr.", "kr. pr. indbygger") else 1
    return {
        "value": str(raw) if isinstance(raw, Decimal) else raw,
        "tekst": format_da(raw, decimals),
        "unit": value.unit,
        "price_year": value.price_year,
    }


PEER_K = 5


def peer_groups(
    session: Session, rammeaftale_id: int, year: int, k: int = PEER_K
) -> dict[str, Any]:
    """The k nearest municipalities of each municipality on the structural indicators that
    exist for every municipality in ``year`` (standardised; ``benchmark.peers``)."""
    towns = structural.municipalities(session, rammeaftale_id)
    areas = [m.area for m in towns]
    table = structural.indicator_table(session, areas, [year])
    indicators = sorted(i for i in table.values if year in table.complete_years(i, areas))
    if len(towns) <= k or not indicators:
        return {"indikatorer": [], "k": k, "grupper": {}}
    rows = [
        {"area_code": a, "year": year, **{i: table.values[i][(a, year)] for i in indicators}}
        for a in areas
    ]
    groups = nearest_peers(rows, indicators, k=k, year=year)
    code_of = {m.area: m.kode for m in towns}
    return {
        "indikatorer": indicators,
        "k": k,
        "grupper": {code_of[a]: [code_of[p.area_code] for p in groups.of(a)] for a in areas},
    }


def noegletal_document(
    result: NoegletalResult,
    organisations: dict[str, str],
    peers: dict[str, Any] | None = None,
    municipalities: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Every nøgletal per organisation with its denominator, and the averages with their
    rule (as ECO Nøgletal and Kolada): each municipality's peer group and the region
    unweighted, the whole agreement weighted (Σ/Σ)."""
    peers = peers or {"indikatorer": [], "k": PEER_K, "grupper": {}}
    out: dict[str, Any] = {
        "aar": result.year,
        "prisaar": result.price_year,
        "noter": list(result.notes),
        "peer_grupper": peers,
        "noegletal": [],
    }
    keys = sorted({(v.noegletal, v.maalgruppe or "") for v in result.values})
    for noegletal_id, mg in keys:
        values = result.of(noegletal_id, mg or None)
        definition = REGISTRY.get(noegletal_id)
        # Region average: the municipalities' values, not the Region's own (an operator
        # whose per-inhabitant figure has the whole region as denominator).
        left_out = _openings_and_closures(noegletal_id, values)
        kept = [v for v in values if v.organisation not in left_out]
        region = unweighted_average(kept or values, municipalities, scope="region")
        agreement = weighted_average(kept or values, scope="hele aftalen")
        out["noegletal"].append(
            {
                "id": noegletal_id,
                "navn": definition.navn if definition else noegletal_id,
                "maalgruppe": mg or None,
                "side": str(definition.side) if definition else None,
                "side_tekst": definition.side_tekst if definition else None,
                "vaerdier": [
                    {
                        "organisation": v.organisation,
                        "navn": organisations.get(v.organisation, v.organisation),
                        **_figure(v.value),
                        "ingen_data": v.reason,
                        "afledt": v.derived,
                        "naevner": v.naevner,
                        "peer_gennemsnit": _peer_average(
                            values, peers["grupper"].get(v.organisation)
                        ),
                    }
                    for v in values
                ],
                "gennemsnit": [
                    _average(avg, kept or values, left_out, with_median=avg is region)
                    for avg in (region, agreement)
                ],
            }
        )
    return out


DEVELOPMENTS = ("takstudvikling_regnskab", "takstudvikling_budget")


def _openings_and_closures(noegletal_id: str, values: Sequence[Any]) -> dict[str, str]:
    """Operators left out of a takstudvikling average, with the reason: a closure (no
    belægning this year after a price last year: −100 %) or an opening (no price last
    year). A closure's −100 % is no price development and would drag an unweighted mean."""
    if noegletal_id not in DEVELOPMENTS:
        return {}
    out = {}
    for v in values:
        c = dict(v.components)
        now = c.get("belaegning_aarspladser", c.get("normering"))
        before = c.get("belaegning_aarspladser_forrige", c.get("normering_forrige"))
        if v.value.value is not None and v.value.value == Decimal(-100) and not now:
            out[v.organisation] = "lukket (ingen belægning i år)"
        elif not before and now:
            out[v.organisation] = "åbnet (ingen pris sidste år)"
    return out


def _average(
    avg: Any, values: Sequence[Any], left_out: dict[str, str], *, with_median: bool
) -> dict[str, Any]:
    """An average with its rule, n, the members with a value, those without one, the
    openings/closures left out and (unweighted averages) the median beside the mean."""
    present = [v for v in values if v.organisation in avg.members and v.value.value is not None]
    out = {
        "omfang": avg.scope,
        "regel": avg.rule,
        **_figure(avg.value),
        "n": avg.n,
        "medlemmer": sorted(v.organisation for v in present),
        "uden_vaerdi": list(avg.missing),
        "udeladt": [{"organisation": k, "grund": g} for k, g in sorted(left_out.items())],
    }
    if with_median:
        numbers = sorted(v.value.value for v in present)
        median = None
        if numbers:
            mid = len(numbers) // 2
            median = numbers[mid] if len(numbers) % 2 else (numbers[mid - 1] + numbers[mid]) / 2
        out["median"] = _figure(dataclasses.replace(avg.value, value=median))
    return out


def _peer_average(values: Any, members: list[str] | None) -> dict[str, Any] | None:
    if not members:
        return None
    avg = unweighted_average(values, members, scope="peer-gruppe")
    return {
        "regel": avg.rule,
        "medlemmer": members,
        "n": avg.n,
        "uden_vaerdi": list(avg.missing),
        **_figure(avg.value),
    }


def key_figures_document(
    session: Session, inputs: ReportInputs, rammeaftale_id: int
) -> dict[str, Any]:
    """The nøgletal of ``inputs`` with peer-group, region and agreement averages."""
    return noegletal_document(
        compute_key_figures(inputs),
        inputs.organisations,
        peer_groups(session, rammeaftale_id, inputs.year),
        inputs.municipalities or None,
    )


def draft_inputs(session: Session, rammeaftale_id: int, year: int) -> ReportInputs:
    """The approved data of ``year``; 404 when there is none."""
    inputs = load_inputs(session, rammeaftale_id, year)
    if not inputs.accounts and not inputs.places:
        raise NotFound(f"Der er ingen godkendte data for {year}.", code="ingen_data")
    return inputs


def draft(
    session: Session, rammeaftale_id: int, year: int
) -> tuple[LedelsesinformationReport, ReportInputs]:
    inputs = draft_inputs(session, rammeaftale_id, year)
    return build_report(inputs), inputs


#: The message of a publish that lost the race to a simultaneous one.
CONCURRENT_PUBLISH = (
    "Ledelsesinformationen for {year} blev offentliggjort af en anden samtidig (version "
    "{version}). Se den offentliggjorte udgave, og offentliggør igen, hvis der er ændringer."
)


#: The message of a publish of an edition whose data has not changed since the latest one.
UNCHANGED_EDITION = (
    "Ledelsesinformationen for {year} er uændret siden version {version}: de godkendte data "
    "og PL-indekset er de samme, så en ny version ville være en kopi. Godkend de rettede "
    "indberetninger (sekretariatet, på /sekretariat), før du offentliggør igen."
)


def _latest_inputs(session: Session, rammeaftale_id: int, year: int) -> str | None:
    """The inputs hash of the latest published version of ``year`` (None: none published)."""
    return session.scalars(
        sa.select(ReportSnapshot.inputs_sha256)
        .where(
            ReportSnapshot.rammeaftale_id == rammeaftale_id,
            ReportSnapshot.kind == KIND,
            ReportSnapshot.aar == year,
        )
        .order_by(ReportSnapshot.version.desc())
        .limit(1)
    ).first()


def _latest_version(session: Session, rammeaftale_id: int, year: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.max(ReportSnapshot.version)).where(
                ReportSnapshot.rammeaftale_id == rammeaftale_id,
                ReportSnapshot.kind == KIND,
                ReportSnapshot.aar == year,
            )
        )
        or 0
    )


def _lock_year(session: Session, rammeaftale_id: int, year: int) -> None:
    """Serialise the publishes of one year (PostgreSQL: a transaction-scoped advisory lock,
    held until commit or rollback; SQLite: the request already holds the write lock)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = zlib.crc32(f"rammetal:{KIND}:{rammeaftale_id}:{year}".encode())
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def publish(
    session: Session, *, rammeaftale_id: int, year: int, user_id: int | None, actor_org_id: int
) -> ReportSnapshot:
    """Freeze the current draft as the next published version (immutable).

    Of two simultaneous publishes of a year one wins; the other is refused with 409
    ``samtidig_offentliggoerelse`` (it saw no new version when it began, and finds one
    once it holds the year's lock), and writes nothing. An edition computed from the same
    inputs as the latest published version (``inputs_sha256``) is refused with 409
    ``uaendret_udgave`` rather than published as a duplicate."""
    seen = _latest_version(session, rammeaftale_id, year)
    report, inputs = draft(session, rammeaftale_id, year)
    _lock_year(session, rammeaftale_id, year)
    latest = _latest_version(session, rammeaftale_id, year)
    if latest != seen:
        raise Conflict(
            CONCURRENT_PUBLISH.format(year=year, version=latest),
            code="samtidig_offentliggoerelse",
        )
    sha = inputs.sha256()
    if latest and _latest_inputs(session, rammeaftale_id, year) == sha:
        raise Conflict(UNCHANGED_EDITION.format(year=year, version=latest), code="uaendret_udgave")
    published = dataclasses.replace(
        report, status=Publication.OFFENTLIGGJORT, published_at=utcnow()
    )
    snapshot = ReportSnapshot(
        rammeaftale_id=rammeaftale_id,
        kind=KIND,
        aar=year,
        version=latest + 1,
        inputs_sha256=sha,
        document=ledelsesinformation_json(published),
        noegletal=key_figures_document(session, inputs, rammeaftale_id),
        xlsx=ledelsesinformation_xlsx(published),
        csv=ledelsesinformation_csv(published),
        published_by=user_id,
        published_at=published.published_at,
    )
    try:
        with session.begin_nested():  # the unique version: a backstop for any other writer
            session.add(snapshot)
    except IntegrityError as exc:
        raise Conflict(
            CONCURRENT_PUBLISH.format(year=year, version=latest + 1),
            code="samtidig_offentliggoerelse",
        ) from exc
    audit.record(
        session,
        org_id=actor_org_id,
        action="publish",
        entity="report_snapshot",
        entity_id=str(snapshot.id),
        after={"aar": year, "version": snapshot.version, "inputs_sha256": snapshot.inputs_sha256},
    )
    return snapshot


def snapshots(session: Session, rammeaftale_id: int, year: int) -> list[ReportSnapshot]:
    return list(
        session.scalars(
            sa.select(ReportSnapshot)
            .where(
                ReportSnapshot.rammeaftale_id == rammeaftale_id,
                ReportSnapshot.kind == KIND,
                ReportSnapshot.aar == year,
            )
            .order_by(ReportSnapshot.version)
        )
    )


def snapshot(
    session: Session, rammeaftale_id: int, year: int, version: int | None = None
) -> ReportSnapshot:
    """The given published version, or the latest one."""
    stmt = sa.select(ReportSnapshot).where(
        ReportSnapshot.rammeaftale_id == rammeaftale_id,
        ReportSnapshot.kind == KIND,
        ReportSnapshot.aar == year,
    )
    stmt = (
        stmt.where(ReportSnapshot.version == version)
        if version
        else stmt.order_by(ReportSnapshot.version.desc())
    )
    found = session.scalars(stmt.limit(1)).first()
    if found is None:
        raise NotFound(
            f"Ledelsesinformationen for {year} er ikke offentliggjort.", code="ikke_offentliggjort"
        )
    return found


def filter_noegletal(
    document: dict[str, Any], *, noegletal: str | None, maalgruppe: str | None
) -> dict[str, Any]:
    items = [
        n
        for n in document["noegletal"]
        if (noegletal is None or n["id"] == noegletal)
        and (maalgruppe is None or n["maalgruppe"] == maalgruppe)
    ]
    return {**document, "noegletal": items}


def latest_published(
    session: Session, rammeaftale_id: int
) -> list[tuple[int, int, int, str, datetime]]:
    """(year, id, version, inputs_sha256, published_at) of the latest published version of
    every year, newest year first; reads no document (the pages use it as a cache key)."""
    rows = session.execute(
        sa.select(
            ReportSnapshot.aar,
            ReportSnapshot.id,
            ReportSnapshot.version,
            ReportSnapshot.inputs_sha256,
            ReportSnapshot.published_at,
        )
        .where(ReportSnapshot.rammeaftale_id == rammeaftale_id, ReportSnapshot.kind == KIND)
        .order_by(ReportSnapshot.aar.desc(), ReportSnapshot.version.desc())
    ).all()
    latest: dict[int, tuple[int, int, int, str, datetime]] = {}
    for aar, id_, version, sha, at in rows:
        latest.setdefault(aar, (aar, id_, version, sha, at))
    return list(latest.values())


#: The formats an edition is offered in, with their media types.
EDITION_FORMATS = MEDIA_TYPES


@dataclasses.dataclass(frozen=True)
class Edition:
    """One edition of a year's ledelsesinformation as its reader may see it: the live draft
    (kladde, :attr:`report` set) or a published version (:attr:`snapshot` set). The API,
    the pages and the CLI all read an edition through :func:`edition` and name and serve its
    files through :meth:`content` and :meth:`file_name`."""

    year: int
    report: LedelsesinformationReport | None = None
    snapshot: ReportSnapshot | None = None

    @property
    def draft(self) -> bool:
        return self.snapshot is None

    @property
    def version(self) -> int | None:
        return self.snapshot.version if self.snapshot is not None else None

    @property
    def document(self) -> dict[str, Any]:
        """Tables A–E as the JSON document (a published version: as frozen)."""
        if self.snapshot is not None:
            return self.snapshot.document
        assert self.report is not None
        return ledelsesinformation_json(self.report)

    def json(self) -> dict[str, Any]:
        """What ``format=json`` returns: the document, with a published version's number and
        date."""
        if self.snapshot is None:
            return self.document
        return {
            **self.snapshot.document,
            "version": self.snapshot.version,
            "offentliggjort": self.snapshot.published_at.isoformat(),
        }

    def file_name(self, fmt: str) -> str:
        """``ledelsesinformation_2017_kladde.xlsx`` or ``ledelsesinformation_2017_v2.csv``."""
        if self.snapshot is None:
            assert self.report is not None
            return suggested_filename(self.report, fmt)
        return f"ledelsesinformation_{self.year}_v{self.snapshot.version}.{fmt}"

    def content(self, fmt: str) -> bytes:
        """The edition as ``fmt`` (json, xlsx or csv): a published version's stored files."""
        if fmt not in EDITION_FORMATS:
            raise NotFound("Ledelsesinformationen findes kun som JSON, XLSX og CSV.")
        if fmt == "json":
            return json.dumps(self.json(), ensure_ascii=False, indent=2).encode()
        if self.snapshot is not None:
            return self.snapshot.xlsx if fmt == "xlsx" else self.snapshot.csv
        assert self.report is not None
        writer = ledelsesinformation_xlsx if fmt == "xlsx" else ledelsesinformation_csv
        return writer(self.report)


def edition(
    session: Session,
    rammeaftale_id: int,
    year: int,
    *,
    draft: bool,
    version: int | None = None,
) -> Edition:
    """The live draft of ``year`` when ``draft`` (and no ``version`` is asked for), else the
    published ``version`` (default: the latest); 404 when there is none."""
    if draft and version is None:
        return Edition(year, report=build_report(draft_inputs(session, rammeaftale_id, year)))
    return Edition(year, snapshot=snapshot(session, rammeaftale_id, year, version))


def edition_for(
    session: Session,
    principal: Principal,
    year: int,
    *,
    version: int | None = None,
    want_draft: bool = True,
) -> Edition:
    """The edition ``principal`` reads: the draft for one who may read drafts (unless a
    published version is asked for), else the published edition."""
    may = can(principal, Permission.READ_DRAFTS) and want_draft
    return edition(session, principal.rammeaftale_id, year, draft=may, version=version)


def noegletal_for(
    session: Session, principal: Principal, year: int, *, want_draft: bool = True
) -> dict[str, Any]:
    """The nøgletal document ``principal`` reads: computed from the approved data for one
    who may read drafts, else the latest published edition's."""
    if can(principal, Permission.READ_DRAFTS) and want_draft:
        inputs = draft_inputs(session, principal.rammeaftale_id, year)
        return key_figures_document(session, inputs, principal.rammeaftale_id)
    return snapshot(session, principal.rammeaftale_id, year).noegletal
