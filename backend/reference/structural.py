"""The structural indicators per area × year that peer groups and model runs use: the
secretariat's uploaded indicators and those derived from the population in the database,
and the agreement's municipalities they are read for.

Only the agreement's municipalities enter: the Region's per-inhabitant figures have the
whole region as denominator and are not comparable with a municipality's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.organisations.models import Organisation
from backend.reference import service as reference
from benchmark.structural import (
    AGE_BANDS,
    TOTAL_BAND,
    derive_structural_indicators,
    indicator_catalogue,
)

DERIVED_SOURCE = (
    "Danmarks Statistik, FOLK1A (befolkning 1. januar), afledt af befolkningstallene i Rammetal"
)

Key = tuple[str, int]  # (area code, year)


@dataclass(frozen=True)
class Municipality:
    kode: str
    navn: str
    area: str


@dataclass(frozen=True)
class IndicatorInfo:
    kode: str
    navn: str
    definition: str
    enhed: str
    kilde: str
    type: str  # "uploadet" or "afledt"


@dataclass(frozen=True)
class IndicatorTable:
    """Indicator values per (area, year) and the definition of every indicator."""

    values: dict[str, dict[Key, float]]
    definitions: dict[str, IndicatorInfo]

    def complete_years(self, indicator: str, areas: Sequence[str]) -> list[int]:
        """Years in which ``indicator`` has a value for every one of ``areas``."""
        found = self.values.get(indicator, {})
        years = {y for _a, y in found}
        return sorted(y for y in years if all((a, y) in found for a in areas))


def municipalities(session: Session, rammeaftale_id: int) -> list[Municipality]:
    rows = session.execute(
        sa.select(Organisation.kode, Organisation.navn, Organisation.dst_omraade)
        .where(
            Organisation.rammeaftale_id == rammeaftale_id,
            Organisation.type == "kommune",
            Organisation.dst_omraade.is_not(None),
        )
        .order_by(Organisation.kode)
    )
    return [Municipality(kode, navn, area) for kode, navn, area in rows if area is not None]


def _uploaded(session: Session, areas: set[str], years: Sequence[int] | None) -> IndicatorTable:
    definitions = {
        d.kode: IndicatorInfo(d.kode, d.navn, d.definition, d.enhed, d.kilde, "uploadet")
        for d in reference.indicator_definitions(session)
    }
    values: dict[str, dict[Key, float]] = {}
    for v in reference.current_indicators(session, years=years):
        if v.omraade_kode in areas and v.vaerdi is not None:
            values.setdefault(v.indikator, {})[(v.omraade_kode, v.aar)] = float(v.vaerdi)
    for kode in values:
        definitions.setdefault(kode, IndicatorInfo(kode, kode, "", "", "", "uploadet"))
    return IndicatorTable(values, definitions)


def _derived(session: Session, areas: set[str], years: Sequence[int] | None) -> IndicatorTable:
    wanted = None if years is None else sorted({y for year in years for y in (year, year - 1)})
    bands = {*AGE_BANDS, TOTAL_BAND}
    records = [
        {"area_code": p.omraade_kode, "year": p.aar, "age_band": p.aldersgruppe, "count": p.antal}
        for p in reference.current_population(session, years=wanted, areas=sorted(areas))
        if p.aldersgruppe in bands
    ]
    values: dict[str, dict[Key, float]] = {}
    if records:
        try:
            derived = derive_structural_indicators(records, source=DERIVED_SOURCE)
        except ValueError as exc:  # e.g. a total that disagrees with its age bands
            raise Invalid(
                f"Befolkningstallene kan ikke bruges til indikatorer: {exc}",
                code="befolkning_inkonsistent",
            ) from exc
        for v in derived:
            if years is None or v.year in years:
                values.setdefault(v.indicator_id, {})[(v.area_code, v.year)] = v.value
    definitions = {
        i.id: IndicatorInfo(i.id, i.name_da, i.definition, i.unit, i.source, "afledt")
        for i in indicator_catalogue(DERIVED_SOURCE).values()
    }
    return IndicatorTable(values, definitions)


def indicator_table(
    session: Session, areas: Sequence[str], years: Sequence[int] | None = None
) -> IndicatorTable:
    """Uploaded and derived indicators of ``areas`` (for ``years``; None: all years).
    An uploaded indicator with the id of a derived one takes precedence for its values."""
    uploaded = _uploaded(session, set(areas), years)
    derived = _derived(session, set(areas), years)
    values = {**derived.values, **uploaded.values}
    definitions = {**derived.definitions, **uploaded.definitions}
    return IndicatorTable(values, definitions)
