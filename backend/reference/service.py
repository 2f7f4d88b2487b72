"""Import and read reference data: population, PL index, structural indicators.

Imports are all-or-nothing: a file with one bad row is refused with every error (row,
column, Danish message) and nothing is stored. Each import keeps its original file; the
current value of a key is the one from the latest import that holds it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.context import current_principal
from backend.errors import Invalid
from backend.organisations.models import Organisation, OrganisationAlias
from backend.policy import Permission, require_permission
from backend.reference import sources
from backend.reference.models import (
    IndicatorDefinition,
    IndicatorValue,
    PlIndexValue,
    PopulationCount,
    ReferenceImport,
)

POPULATION_FORMATS = ("folk1a", "totaler", "aldersgrupper")
STATBANK_SOURCE = "Danmarks Statistik, Statistikbanken FOLK1A (api.statbank.dk)"


def area_aliases(session: Session) -> dict[str, str]:
    """Names and aliases of every organisation → its Statistics Denmark area code."""
    aliases = dict(sources.DST_COUNTRY_AND_REGIONS)
    rows = session.execute(
        sa.select(OrganisationAlias.alias, Organisation.navn, Organisation.dst_omraade)
        .join(Organisation, Organisation.id == OrganisationAlias.organisation_id)
        .where(Organisation.dst_omraade.is_not(None))
    )
    for alias, navn, code in rows:
        if code:
            aliases[alias] = code
            aliases[navn] = code
    return aliases


def _refuse(errors: Sequence[sources.SourceError], what: str) -> Invalid:
    return Invalid(
        f"Filen med {what} indeholder fejl og er ikke indlæst. Se listen over fejl.",
        code="ugyldig_fil",
        errors=[{"row": e.row, "column": e.column, "message": e.message} for e in errors],
    )


#: The transaction-local PostgreSQL setting the reference tables' write policy reads
#: (migration 0007): reference data is platform-wide, written by the platform admin or the
#: operator (CLI, demo) only.
WRITER_SETTING = "app.reference_writer"


def _begin_reference_write(session: Session) -> None:
    """Refuse a reference write by anyone but the platform admin (or the operator: no
    principal), and open the database's write policy for this transaction."""
    require_permission(
        current_principal(), Permission.WRITE_REFERENCE, code="kun_platformsadministrator"
    )
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT set_config(:name, 'on', true)"), {"name": WRITER_SETTING})


def _new_import(
    session: Session,
    *,
    kind: str,
    kilde: str,
    data: bytes,
    file_name: str | None,
    rows: int,
    user_id: int | None,
) -> ReferenceImport:
    _begin_reference_write(session)
    imp = ReferenceImport(
        kind=kind,
        kilde=kilde,
        file_name=file_name,
        content=data,
        rows=rows,
        file_sha256=hashlib.sha256(data).hexdigest(),
        imported_by=user_id,
    )
    session.add(imp)
    session.flush()
    return imp


def _record(
    session: Session, actor_org_id: int, imp: ReferenceImport, extra: dict[str, Any]
) -> None:
    """An import is recorded in the importing organisation (the secretariat's)."""
    audit.record(
        session,
        org_id=actor_org_id,
        action="import",
        entity="reference_import",
        entity_id=str(imp.id),
        after={
            "kind": imp.kind,
            "kilde": imp.kilde,
            "file_sha256": imp.file_sha256,
            "rows": imp.rows,
            **extra,
        },
    )


def import_population(
    session: Session,
    *,
    data: bytes,
    fmt: str,
    kilde: str,
    actor_org_id: int,
    user_id: int | None = None,
    file_name: str | None = None,
    year: int | None = None,
) -> ReferenceImport:
    """Load population figures: a FOLK1A extract (``OMRÅDE;ALDER;TID;INDHOLD``, single ages
    summed into 0-17, 18-64, 65+ and total), a totals file, or an age-band file whose
    ``year`` must be given (it does not state one)."""
    aliases = area_aliases(session)
    if fmt == "folk1a":
        result = sources.parse_folk1a(data, aliases)
    elif fmt == "totaler":
        result = sources.parse_population_totals(data, aliases=aliases)
    elif fmt == "aldersgrupper":
        if year is None:
            raise Invalid(
                "Angiv året for filen med aldersgrupper.",
                errors=[{"field": "aar", "location": "query", "message": "Året skal angives."}],
            )
        result = sources.parse_age_band_file(data, year=year, aliases=aliases)
    else:
        raise Invalid(f"Ukendt format '{fmt}'; brug {', '.join(POPULATION_FORMATS)}.")
    if result.errors:
        raise _refuse(result.errors, "befolkningstal")
    return store_population(
        session,
        records=result.records,
        data=data,
        kilde=kilde,
        actor_org_id=actor_org_id,
        user_id=user_id,
        file_name=file_name,
    )


def store_population(
    session: Session,
    *,
    records: Iterable[sources.PopulationRecord],
    data: bytes,
    kilde: str,
    actor_org_id: int,
    user_id: int | None,
    file_name: str | None,
) -> ReferenceImport:
    records = list(records)
    imp = _new_import(
        session,
        kind="befolkning",
        kilde=kilde,
        data=data,
        file_name=file_name,
        rows=len(records),
        user_id=user_id,
    )
    session.execute(
        sa.insert(PopulationCount),
        [
            {
                "import_id": imp.id,
                "omraade_kode": r.area_code,
                "aar": r.year,
                "kvartal": r.quarter,
                "aldersgruppe": r.age_band,
                "antal": r.count,
            }
            for r in records
        ],
    )
    years = sorted({r.year for r in records})
    _record(session, actor_org_id, imp, {"aar": years})
    return imp


def fetch_population(
    session: Session,
    *,
    areas: Sequence[str],
    years: Sequence[int],
    actor_org_id: int,
    user_id: int | None = None,
    transport: Callable[..., bytes] | None = None,
) -> ReferenceImport:
    """Fetch FOLK1A by area, age and 1 January of each year from the Statistikbank API.
    Raises :class:`sources.StatbankUnavailableError` when the machine is offline."""
    raw = sources.fetch_folk1a(list(areas), ["*"], [f"{y}K1" for y in years], transport=transport)
    result = sources.parse_folk1a(raw, area_aliases(session))
    if result.errors:
        raise _refuse(result.errors, "befolkningstal fra Statistikbanken")
    return store_population(
        session,
        records=result.records,
        data=raw,
        kilde=STATBANK_SOURCE,
        actor_org_id=actor_org_id,
        user_id=user_id,
        file_name="FOLK1A.csv",
    )


def import_pl_index(
    session: Session,
    *,
    data: bytes,
    kilde: str,
    actor_org_id: int,
    user_id: int | None = None,
    file_name: str | None = None,
) -> ReferenceImport:
    result = sources.parse_pl_index(data)
    if result.errors:
        raise _refuse(result.errors, "PL-indeks")
    imp = _new_import(
        session,
        kind="pl_indeks",
        kilde=kilde,
        data=data,
        file_name=file_name,
        rows=len(result.index),
        user_id=user_id,
    )
    session.execute(
        sa.insert(PlIndexValue),
        [{"import_id": imp.id, "aar": aar, "indeks": v} for aar, v in result.index.items()],
    )
    _record(session, actor_org_id, imp, {})
    return imp


def import_indicators(
    session: Session,
    *,
    data: bytes,
    definitions: bytes | None,
    kilde: str,
    actor_org_id: int,
    user_id: int | None = None,
    file_name: str | None = None,
) -> ReferenceImport:
    result = sources.parse_structural_indicators(data, definitions, aliases=area_aliases(session))
    if result.errors:
        raise _refuse(result.errors, "strukturindikatorer")
    imp = _new_import(
        session,
        kind="indikatorer",
        kilde=kilde,
        data=data,
        file_name=file_name,
        rows=len(result.values),
        user_id=user_id,
    )
    session.execute(
        sa.insert(IndicatorDefinition),
        [
            {
                "import_id": imp.id,
                "kode": d.code,
                "navn": d.name,
                "definition": d.definition,
                "enhed": d.unit,
                "kilde": d.source,
            }
            for d in result.definitions
        ],
    )
    session.execute(
        sa.insert(IndicatorValue),
        [
            {
                "import_id": imp.id,
                "omraade_kode": v.area_code,
                "aar": v.year,
                "indikator": v.indicator,
                "vaerdi": v.value,
            }
            for v in result.values
        ],
    )
    _record(
        session, actor_org_id, imp, {"indikatorer": sorted({d.code for d in result.definitions})}
    )
    return imp


def _latest(model: Any, key: Sequence[Any], where: Sequence[Any]) -> sa.Select[Any]:
    """Rows of ``model`` from the latest import holding each ``key``."""
    ranked = (
        sa.select(
            model,
            sa.func.row_number()
            .over(partition_by=key, order_by=model.import_id.desc())
            .label("rn"),
        )
        .where(*where)
        .subquery()
    )
    alias = sa.orm.aliased(model, ranked)
    return sa.select(alias).where(ranked.c.rn == 1)


def current_population(
    session: Session, *, years: Sequence[int] | None = None, areas: Sequence[str] | None = None
) -> list[PopulationCount]:
    m = PopulationCount
    where = []
    if years:
        where.append(m.aar.in_(years))
    if areas:
        where.append(m.omraade_kode.in_(areas))
    stmt = _latest(m, (m.omraade_kode, m.aar, m.aldersgruppe), where)
    rows = list(session.scalars(stmt))
    return sorted(rows, key=lambda r: (r.aar, r.omraade_kode, r.aldersgruppe))


def current_pl_index(session: Session) -> dict[int, Decimal]:
    m = PlIndexValue
    rows = session.scalars(_latest(m, (m.aar,), ()))
    return {r.aar: r.indeks for r in sorted(rows, key=lambda r: r.aar)}


def current_indicators(
    session: Session, *, years: Sequence[int] | None = None, indicators: Sequence[str] | None = None
) -> list[IndicatorValue]:
    m = IndicatorValue
    where = []
    if years:
        where.append(m.aar.in_(years))
    if indicators:
        where.append(m.indikator.in_(indicators))
    rows = session.scalars(_latest(m, (m.omraade_kode, m.aar, m.indikator), where))
    return sorted(rows, key=lambda r: (r.indikator, r.aar, r.omraade_kode))


def indicator_definitions(session: Session) -> list[IndicatorDefinition]:
    m = IndicatorDefinition
    return sorted(session.scalars(_latest(m, (m.kode,), ())), key=lambda d: d.kode)


def list_imports(session: Session, kind: str | None = None) -> list[ReferenceImport]:
    stmt = sa.select(ReferenceImport).order_by(ReferenceImport.id.desc())
    if kind:
        stmt = stmt.where(ReferenceImport.kind == kind)
    return list(session.scalars(stmt))
