"""Load the demo: users for each role and the offer registry from the 2017 ledelsesinformation.

The offers are one per driftsherre × målgruppe × dag/døgn with the published place counts
of 2016 and 2017 (table E, ``tenants/reference/ledelsesinformation_2017/tabel5_*.csv``).
They are aggregates, not real single offers, and their note says so.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.auth import service as auth
from backend.auth.models import User
from backend.config import data_path
from backend.db.tenancy import acting_as
from backend.offers.models import Offer, OfferYear
from backend.offers.states import SECURE_ONLY_TYPES, Tilbudstype
from backend.organisations import service as organisations
from backend.policy import Role

REFERENCE = data_path("tenants", "reference", "ledelsesinformation_2017")
DEMO_NOTE = "Demo: samlede pladser pr. driftsherre fra Ledelsesinformation 2017, tabel E (ikke et enkelt tilbud)."


@dataclass(frozen=True)
class DemoUser:
    email: str
    navn: str
    role: str
    org_kode: str
    password: str


DEMO_USERS = (
    DemoUser(
        "sekretariat@rammetal.demo",
        "Sekretariatet (demo)",
        Role.SECRETARIAT,
        "sekretariat-midt",
        "demo-sekretariat",
    ),
    DemoUser(
        "dassos@rammetal.demo", "DASSOS-medlem, Viborg (demo)", Role.VIEWER, "791", "demo-dassos"
    ),
    DemoUser(
        "herning@rammetal.demo", "Økonomi, Herning (demo)", Role.REPORTER, "657", "demo-herning"
    ),
    DemoUser("aarhus@rammetal.demo", "Økonomi, Aarhus (demo)", Role.REPORTER, "751", "demo-aarhus"),
    DemoUser(
        "region@rammetal.demo",
        "Økonomi, Region Midtjylland (demo)",
        Role.REPORTER,
        "1082",
        "demo-region",
    ),
    DemoUser(
        "admin@rammetal.demo",
        "Platformsadministrator (demo)",
        Role.ADMIN,
        "sekretariat-midt",
        "demo-admin",
    ),
)


@dataclass(frozen=True)
class PlaceRow:
    driftsherre: str
    maalgruppe: str
    tilbudstype: str
    places: dict[int, Decimal]


SECURE = "sikrede_institutioner"
SECURE_NOTE = (
    "Demo: døgnpladserne er fordelt på åben/sikret med den andel, der gengiver "
    "tabel D's trykte belægning (afledt, ikke indberettet)."
)


def secure_aaben_shares(directory: Path = REFERENCE) -> dict[int, Decimal]:
    """Year → share of a secure institution's døgn places that are åben, derived from
    table D so that Åbne, Sikrede and Samlede all reproduce (table E has only døgn)."""
    from backend.demo.occupancy import secure_aaben_share

    with (directory / "tabel4_belaegning.csv").open(encoding="utf-8") as fh:
        rows = {r["split"]: r for r in csv.DictReader(fh) if r["maalgruppe"].startswith("Sikrede")}
    return {
        y: secure_aaben_share(
            *(Decimal(rows[s][f"belaegning_pct_{y}"]) for s in ("Samlede", "Åbne", "Sikrede"))
        )
        for y in (2016, 2017)
    }


def _split_secure(row: PlaceRow, shares: dict[int, Decimal]) -> list[PlaceRow]:
    cent = Decimal("0.01")
    aaben = {y: (n * shares[y]).quantize(cent) for y, n in row.places.items()}
    return [
        PlaceRow(row.driftsherre, row.maalgruppe, Tilbudstype.AABEN, aaben),
        PlaceRow(
            row.driftsherre,
            row.maalgruppe,
            Tilbudstype.SIKRET,
            {y: n - aaben[y] for y, n in row.places.items()},
        ),
    ]


def read_place_rows(directory: Path = REFERENCE) -> list[PlaceRow]:
    """Parse the tabel5 files (one per målgruppe; the total file is derived, skipped).
    Secure institutions' døgn places are split into åben and sikret (see SECURE_NOTE)."""
    shares = secure_aaben_shares(directory)
    rows: list[PlaceRow] = []
    for path in sorted(directory.glob("tabel5_pladser_*.csv")):
        maalgruppe = path.stem.removeprefix("tabel5_pladser_")
        if maalgruppe == "total":
            continue
        with path.open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                if rec["driftsherre"] == "Hovedtotal":
                    continue
                for typ, label in (("dag", "dag"), ("doegn", "doegn")):
                    places = {y: Decimal(rec[f"{label}_{y}"]) for y in (2016, 2017)}
                    if not any(places.values()):
                        continue
                    row = PlaceRow(rec["driftsherre"], maalgruppe, typ, places)
                    rows += (
                        _split_secure(row, shares)
                        if (maalgruppe, typ) == (SECURE, "doegn")
                        else [row]
                    )
    return rows


def load_users(session: Session) -> list[DemoUser]:
    created = []
    for demo in DEMO_USERS:
        if session.scalar(sa.select(User).where(User.email == demo.email)) is not None:
            continue
        org = organisations.get_by_code(session, demo.org_kode)
        if org is None:
            raise LookupError(
                f"organisation {demo.org_kode} missing: run 'rammetal tenants sync' first"
            )
        auth.create_user(
            session,
            email=demo.email,
            navn=demo.navn,
            role=demo.role,
            organisation=org,
            password=demo.password,
        )
        created.append(demo)
    return created


def load_offers(session: Session, rows: list[PlaceRow] | None = None) -> int:
    """Create the demo offers that do not exist yet; returns how many were created."""
    created = 0
    catalogue = {}
    for row in rows if rows is not None else read_place_rows():
        org = organisations.find_by_code_or_alias(session, row.driftsherre)
        if org is None:
            raise LookupError(f"unknown driftsherre {row.driftsherre!r}")
        if row.maalgruppe not in catalogue:
            catalogue[row.maalgruppe] = organisations.maalgruppe(
                session, org.rammeaftale_id, row.maalgruppe
            )
        mg = catalogue[row.maalgruppe]
        if mg is None:
            raise LookupError(
                f"unknown målgruppe {row.maalgruppe!r}: run 'rammetal tenants sync' first"
            )
        navn = f"{org.navn}: {mg.navn}, {Tilbudstype(row.tilbudstype).label}"
        with acting_as(session, org.id):
            exists = session.scalar(
                sa.select(Offer.id).where(
                    Offer.navn == navn,
                    Offer.maalgruppe == row.maalgruppe,
                    Offer.tilbudstype == row.tilbudstype,
                )
            )
            if exists is not None:
                continue
            note = DEMO_NOTE + (" " + SECURE_NOTE if row.tilbudstype in SECURE_ONLY_TYPES else "")
            offer = Offer(
                org_id=org.id,
                navn=navn,
                maalgruppe=row.maalgruppe,
                tilbudstype=row.tilbudstype,
                note=note,
            )
            offer.years = [
                OfferYear(org_id=org.id, aar=y, normering=n, omfattet=True)
                for y, n in sorted(row.places.items())
            ]
            session.add(offer)
            session.flush()
            created += 1
    return created


@dataclass(frozen=True)
class ReferenceFile:
    path: Path
    fmt: str
    kilde: str
    year: int | None = None


REFERENCE_FILES = (
    ReferenceFile(
        data_path("tenants", "reference", "population", "folk1a_total_1jan_2016_2018.csv"),
        "totaler",
        "Danmarks Statistik, FOLK1A, 1. januar 2016-2018 (alle aldre)",
    ),
    ReferenceFile(
        data_path(
            "tenants",
            "reference",
            "structural",
            "folk1a_total_1jan_2007_2016_all_municipalities.csv",
        ),
        "totaler",
        "Danmarks Statistik, FOLK1A, 1. januar 2007-2016, alle 98 kommuner",
    ),
    ReferenceFile(
        data_path("tenants", "reference", "structural", "alder_2021_midtjylland.csv"),
        "aldersgrupper",
        "Statistikbanken, udtræk benævnt 2021 (aldersgrupper; kun som aldersstruktur)",
        2021,
    ),
)


def load_reference(session: Session) -> int:
    """Load the population files the repository ships (skipped when already loaded);
    returns how many were loaded. The secretariat is the importing organisation."""
    from backend.reference import service as reference_service
    from backend.reference.models import ReferenceImport

    secretariat = organisations.get_by_code(session, "sekretariat-midt")
    if secretariat is None:
        raise LookupError(
            "organisation sekretariat-midt missing: run 'rammetal tenants sync' first"
        )
    loaded = 0
    for ref in REFERENCE_FILES:
        data = ref.path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if session.scalar(
            sa.select(ReferenceImport.id).where(ReferenceImport.file_sha256 == digest)
        ):
            continue
        reference_service.import_population(
            session,
            data=data,
            fmt=ref.fmt,
            year=ref.year,
            kilde=ref.kilde,
            actor_org_id=secretariat.id,
            file_name=ref.path.name,
        )
        loaded += 1
    return loaded
