"""Read the approved data of a rammeaftale for a year into the benchmark's input records.

"The" data of an organisation × period × stream is its latest approved submission
version; drafts, submitted and rejected versions never enter a report. Places come from
the offer registry's yearly values of covered offers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.offers.models import Offer, OfferYear
from backend.organisations.models import Maalgruppe, Organisation
from backend.periods.models import ReportingPeriod
from backend.reference import service as reference
from backend.reference.models import ReferenceImport
from backend.submissions.models import BelaegningLine, RegnskabLine, Submission, TakstLine
from backend.submissions.states import SubmissionStatus
from benchmark.records import (
    AccountLine,
    OccupancyLine,
    OfferPlaces,
    PopulationCount,
    PriceIndex,
    TariffLine,
)


@dataclass(frozen=True)
class ReportInputs:
    year: int
    accounts: tuple[AccountLine, ...]
    occupancy: tuple[OccupancyLine, ...]
    places: tuple[OfferPlaces, ...]
    tariffs: tuple[TariffLine, ...]
    population: tuple[PopulationCount, ...]
    price_index: PriceIndex
    organisations: dict[str, str]  # code → name, operators and buyers of the agreement
    area_of: dict[str, str]  # organisation code → Statistics Denmark area code
    age_bands: dict[str, str]  # målgruppe → age band
    maalgrupper: dict[str, str]  # målgruppe code → name
    municipalities: tuple[str, ...] = ()  # codes of the kommuner (not the Region)

    @property
    def labels(self) -> dict[str, str]:
        """Printed names of organisation and målgruppe codes."""
        return {**self.organisations, **self.maalgrupper}

    def sha256(self) -> str:
        """A stable hash of everything the report is computed from."""
        payload = json.dumps(
            [
                self.year,
                self.accounts,
                self.occupancy,
                self.places,
                self.tariffs,
                self.population,
                sorted(self.price_index.values.items()),
            ],
            default=lambda o: o.__dict__ if hasattr(o, "__dict__") else str(o),
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def _approved(
    session: Session, rammeaftale_id: int, stream: str, years: Sequence[int]
) -> sa.Subquery:
    ranked = (
        sa.select(
            Submission.org_id,
            Submission.id.label("submission_id"),
            ReportingPeriod.aar,
            sa.func.row_number()
            .over(
                partition_by=(Submission.org_id, Submission.period_id),
                order_by=Submission.version.desc(),
            )
            .label("rn"),
        )
        .join(ReportingPeriod, ReportingPeriod.id == Submission.period_id)
        .where(
            Submission.status == SubmissionStatus.GODKENDT,
            Submission.stream == stream,
            ReportingPeriod.rammeaftale_id == rammeaftale_id,
            ReportingPeriod.aar.in_(years),
        )
        .subquery()
    )
    return sa.select(ranked).where(ranked.c.rn == 1).subquery()


def _accounts(session: Session, rammeaftale_id: int, years: Sequence[int]) -> list[AccountLine]:
    chosen = _approved(session, rammeaftale_id, "regnskab", years)
    rows = session.execute(
        sa.select(RegnskabLine, Organisation.kode, chosen.c.aar, Offer.maalgruppe)
        .join(
            chosen,
            sa.and_(
                chosen.c.org_id == RegnskabLine.org_id,
                chosen.c.submission_id == RegnskabLine.submission_id,
            ),
        )
        .join(Organisation, Organisation.id == RegnskabLine.org_id)
        .outerjoin(
            Offer, sa.and_(Offer.org_id == RegnskabLine.org_id, Offer.id == RegnskabLine.offer_id)
        )
    )
    return [
        AccountLine(
            driftsherre=kode,
            year=aar,
            regnskab_kr=line.regnskab,
            belaegning_aarspladser=line.belaegning,
            price_year=line.prisaar,
            over_underskud_kr=line.over_underskud or Decimal(0),
            tillaeg_kr=line.tillaeg or Decimal(0),
            offer_ref=str(line.offer_id) if line.offer_id else None,
            maalgruppe=mg,
            takst_kr=line.takst,
        )
        for line, kode, aar, mg in rows
    ]


def _occupancy(session: Session, rammeaftale_id: int, years: Sequence[int]) -> list[OccupancyLine]:
    chosen = _approved(session, rammeaftale_id, "belaegning", years)
    rows = session.execute(
        sa.select(
            BelaegningLine,
            Organisation.kode,
            chosen.c.aar,
            Offer.maalgruppe,
            Offer.tilbudstype,
            Submission.note,
        )
        .join(
            chosen,
            sa.and_(
                chosen.c.org_id == BelaegningLine.org_id,
                chosen.c.submission_id == BelaegningLine.submission_id,
            ),
        )
        .join(
            Submission,
            sa.and_(
                Submission.org_id == BelaegningLine.org_id,
                Submission.id == BelaegningLine.submission_id,
            ),
        )
        .join(Organisation, Organisation.id == BelaegningLine.org_id)
        .join(
            Offer,
            sa.and_(Offer.org_id == BelaegningLine.org_id, Offer.id == BelaegningLine.offer_id),
        )
    )
    return [
        OccupancyLine(
            driftsherre=kode,
            maalgruppe=mg,
            tilbudstype=typ,
            year=aar,
            quarter=line.kvartal,
            normering=line.normering or Decimal(0),
            forbrug_dage=line.forbrug,
            offer_ref=str(line.offer_id),
            koeberkommune=line.koeberkommune,
            derived=bool(note),
            derivation_note=note,
        )
        for line, kode, aar, mg, typ, note in rows
    ]


def _tariffs(session: Session, rammeaftale_id: int, years: Sequence[int]) -> list[TariffLine]:
    chosen = _approved(session, rammeaftale_id, "takster", years)
    rows = session.execute(
        sa.select(TakstLine, Organisation.kode, chosen.c.aar, Offer.maalgruppe, Offer.tilbudstype)
        .join(
            chosen,
            sa.and_(
                chosen.c.org_id == TakstLine.org_id,
                chosen.c.submission_id == TakstLine.submission_id,
            ),
        )
        .join(Organisation, Organisation.id == TakstLine.org_id)
        .join(Offer, sa.and_(Offer.org_id == TakstLine.org_id, Offer.id == TakstLine.offer_id))
    )
    return [
        TariffLine(
            driftsherre=kode,
            year=aar,
            basistakst_kr=line.basistakst,
            price_year=aar,
            offer_ref=str(line.offer_id),
            maalgruppe=mg,
            takstgruppe=line.takstgruppe,
            belaegningsprocent=line.belaegningsprocent,
            takst_pr="aar" if typ == "dag" else "dag",
        )
        for line, kode, aar, mg, typ in rows
    ]


def _places(session: Session, years: Sequence[int]) -> list[OfferPlaces]:
    rows = session.execute(
        sa.select(
            OfferYear.aar,
            OfferYear.normering,
            Offer.id,
            Offer.maalgruppe,
            Offer.tilbudstype,
            Organisation.kode,
        )
        .join(Offer, sa.and_(Offer.org_id == OfferYear.org_id, Offer.id == OfferYear.offer_id))
        .join(Organisation, Organisation.id == OfferYear.org_id)
        .where(OfferYear.aar.in_(years), OfferYear.omfattet.is_(True))
    )
    return [
        OfferPlaces(
            driftsherre=kode,
            maalgruppe=mg,
            tilbudstype=typ,
            year=aar,
            normering=n,
            offer_ref=str(oid),
        )
        for aar, n, oid, mg, typ, kode in rows
    ]


def load_inputs(session: Session, rammeaftale_id: int, year: int) -> ReportInputs:
    """Everything the ledelsesinformation and nøgletal of ``year`` (against ``year - 1``)
    are computed from, for the organisations in the session's tenant scope."""
    years = (year - 1, year)
    orgs = session.execute(
        sa.select(
            Organisation.kode, Organisation.navn, Organisation.dst_omraade, Organisation.type
        ).where(Organisation.rammeaftale_id == rammeaftale_id, Organisation.type != "sekretariat")
    ).all()
    catalogue = session.execute(
        sa.select(Maalgruppe.kode, Maalgruppe.aldersgruppe, Maalgruppe.navn).where(
            Maalgruppe.rammeaftale_id == rammeaftale_id
        )
    ).all()
    areas = {kode: area for kode, _navn, area, _type in orgs if area}
    population = tuple(
        PopulationCount(area=p.omraade_kode, year=p.aar, age_band=p.aldersgruppe, count=p.antal)
        for p in reference.current_population(
            session, years=list(years), areas=sorted(set(areas.values()))
        )
    )
    return ReportInputs(
        year=year,
        accounts=tuple(_accounts(session, rammeaftale_id, years)),
        occupancy=tuple(_occupancy(session, rammeaftale_id, years)),
        places=tuple(_places(session, years)),
        tariffs=tuple(_tariffs(session, rammeaftale_id, years)),
        population=population,
        price_index=PriceIndex(reference.current_pl_index(session), _pl_source(session)),
        organisations={kode: navn for kode, navn, _area, _type in orgs},
        municipalities=tuple(sorted(kode for kode, _navn, _area, typ in orgs if typ == "kommune")),
        area_of=areas,
        age_bands={kode: band for kode, band, _navn in catalogue},
        maalgrupper={kode: navn for kode, _band, navn in catalogue},
    )


def _pl_source(session: Session) -> str | None:
    """Source of the latest PL index import, e.g. "KL, PL-skøn juni 2017 (import 3)"."""
    latest = session.scalars(
        sa.select(ReferenceImport)
        .where(ReferenceImport.kind == "pl_indeks")
        .order_by(ReferenceImport.id.desc())
        .limit(1)
    ).first()
    return None if latest is None else f"{latest.kilde} (import {latest.id})"
