"""Demo submissions from the published 2017 ledelsesinformation, through the real intake.

* Annual accounts 2016 and 2017 per driftsherre (one total line each) from tables A–C:
  amounts converted from 1.000 kr.; 2016 is stated in 2017 prices in the source, and the
  lines say so (prisår 2017); belægning is reconstructed so that every printed price
  reproduces (``backend.demo.accounts``).
* Quarterly occupancy 2016 and 2017, *derived* from table D's percentages over the demo
  offers' normering (``backend.demo.occupancy``), marked as derived on the submission.

Every file is generated as CSV, uploaded, submitted and approved with the same services
the API uses, so the demo exercises the intake end to end.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.config import data_path
from backend.db.tenancy import acting_as, scoped, secretariat_scope
from backend.demo.accounts import reconstruct_belaegning
from backend.demo.occupancy import derive_quarterly_occupancy
from backend.offers.models import Offer, OfferYear
from backend.organisations import service as organisations
from backend.organisations.models import Organisation
from backend.periods import service as periods
from backend.periods.models import ReportingPeriod
from backend.submissions import service as submissions
from backend.submissions import workflow
from backend.submissions.models import Submission
from benchmark.records import OfferPlaces

REFERENCE = data_path("tenants", "reference", "ledelsesinformation_2017")
YEARS = (2016, 2017)
PRICE_YEAR = 2017
ACCOUNTS_NOTE = (
    "Demo: Ledelsesinformation 2017, tabel A-C (1.000 kr. omregnet til kr.; 2016 i 2017-priser)"
)
OCCUPANCY_NOTE = "Afledt (demo): tabel D's belægningsprocenter over demo-tilbuddenes normering"
SPLITS = {"Samlede": "samlede", "Døgn": "doegn", "Dag": "dag", "Åbne": "aaben", "Sikrede": "sikret"}
MAX_BYTES = 20 * 1024 * 1024


def _read(name: str) -> list[dict[str, str]]:
    """A reference table without its printed total row."""
    with (REFERENCE / name).open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if row.get("driftsherre") != "Hovedtotal"]


def published_occupancy(maalgruppe_codes: dict[str, str]) -> dict[tuple[str, str, int], Decimal]:
    """Table D as (målgruppe code, split, year) → belægningsprocent."""
    out = {}
    for row in _read("tabel4_belaegning.csv"):
        code = maalgruppe_codes[row["maalgruppe"]]
        for year in YEARS:
            out[(code, SPLITS[row["split"]], year)] = Decimal(row[f"belaegning_pct_{year}"])
    return out


def _da(value: Decimal) -> str:
    return format(value, "f").replace(".", ",")


def _account_rows() -> dict[str, dict[int, dict[str, Decimal]]]:
    """Driftsherre name → year → regnskab, belaegning, over_underskud, tillaeg (kr.)."""
    out: dict[str, dict[int, dict[str, Decimal]]] = defaultdict(dict)
    b = {r["driftsherre"]: r for r in _read("tabel2_over_underskud.csv")}
    c = {r["driftsherre"]: r for r in _read("tabel3_tillaegsydelser.csv")}
    for row in _read("tabel1_takstudvikling.csv"):
        name = row["driftsherre"]
        for year, suffix in ((2016, "2016_tkr_2017priser"), (2017, "2017_tkr")):
            regnskab = Decimal(row[f"regnskab_{suffix}"]) * 1000
            price = row[f"gennemsnitspris_pr_plads_{year}_kr"]
            belaegning = reconstruct_belaegning(
                regnskab, Decimal(price) if price else None, Decimal(row[f"belaegning_{year}"])
            )
            key = "v2016_tkr_2017priser" if year == 2016 else "v2017_tkr"
            out[name][year] = {
                "regnskab": regnskab,
                "belaegning": belaegning.quantize(Decimal("0.000001")),
                "over_underskud": Decimal(b[name][key]) * 1000,
                "tillaeg": Decimal(c[name][key]) * 1000,
            }
    return out


def _period(
    session: Session,
    ramme_id: int,
    secretariat_id: int,
    stream: str,
    year: int,
    quarter: int | None,
) -> ReportingPeriod:
    stored = quarter or 0
    found = session.scalar(
        sa.select(ReportingPeriod).where(
            ReportingPeriod.rammeaftale_id == ramme_id,
            ReportingPeriod.stream == stream,
            ReportingPeriod.aar == year,
            ReportingPeriod.kvartal == stored,
        )
    )
    if found is not None:
        return found
    deadline = (
        date(year + 1, 4, 30)
        if quarter is None
        else date(year + (quarter == 4), (quarter * 3) % 12 + 1, 28)
    )
    return periods.create_period(
        session,
        rammeaftale_id=ramme_id,
        actor_org_id=secretariat_id,
        stream=stream,
        aar=year,
        kvartal=quarter,
        frist=deadline,
    )


def _approved_upload(
    session: Session,
    org: Organisation,
    period: ReportingPeriod,
    stream: str,
    lines: list[str],
    note: str,
) -> bool:
    """Upload, submit and approve one CSV unless the organisation already has this period."""
    with acting_as(session, org.id):
        if session.scalar(
            sa.select(Submission.id)
            .where(Submission.period_id == period.id, Submission.stream == stream)
            .limit(1)
        ):
            return False
        data = ("\n".join(lines) + "\n").encode("utf-8")
        submission = submissions.upload(
            session,
            org=org,
            period=period,
            stream=stream,
            filename=f"demo_{stream}_{org.kode}_{period.aar}.csv",
            data=data,
            user_id=None,
            max_bytes=MAX_BYTES,
            note=note,
        )
        workflow.submit(session, submission, period=period)
        workflow.approve(session, submission, period=period, actor=None, kommentar="Demodata")
        session.flush()
    return True


def _org(session: Session, name: str) -> Organisation:
    """An organisation of the demo data by code or name; the tenants must be synced first."""
    org = organisations.find_by_code_or_alias(session, name)
    if org is None:
        raise LookupError(
            f"organisation {name!r} is not in the tenants (run 'rammetal tenants sync')"
        )
    return org


def load_accounts(session: Session) -> int:
    secretariat = _org(session, "sekretariat-midt")
    created = 0
    for name, years in sorted(_account_rows().items()):
        org = _org(session, name)
        for year, v in sorted(years.items()):
            period = _period(session, org.rammeaftale_id, secretariat.id, "regnskab", year, None)
            line = ";".join(
                [
                    "",
                    _da(v["regnskab"]),
                    _da(v["belaegning"]),
                    _da(v["over_underskud"]),
                    _da(v["tillaeg"]),
                    str(PRICE_YEAR),
                ]
            )
            header = "tilbud_id;regnskab;belaegning;over_underskud;tillaeg;prisaar"
            created += _approved_upload(
                session, org, period, "regnskab", [header, line], ACCOUNTS_NOTE
            )
    return created


def load_occupancy(session: Session) -> int:
    secretariat = _org(session, "sekretariat-midt")
    ramme_id = secretariat.rammeaftale_id
    codes = {mg.navn: mg.kode for mg in organisations.list_maalgrupper(session, ramme_id)}
    all_orgs = session.scalars(
        sa.select(Organisation.id).where(Organisation.rammeaftale_id == ramme_id)
    ).all()
    with scoped(session, secretariat_scope(secretariat.id, all_orgs)):
        rows = session.execute(
            sa.select(
                Organisation.kode,
                Offer.id,
                Offer.maalgruppe,
                Offer.tilbudstype,
                OfferYear.aar,
                OfferYear.normering,
            )
            .join(
                OfferYear, sa.and_(OfferYear.org_id == Offer.org_id, OfferYear.offer_id == Offer.id)
            )
            .join(Organisation, Organisation.id == Offer.org_id)
            .where(OfferYear.aar.in_(YEARS))
        ).all()
    places = [
        OfferPlaces(
            driftsherre=kode,
            maalgruppe=mg,
            tilbudstype=typ,
            year=aar,
            normering=n,
            offer_ref=str(oid),
        )
        for kode, oid, mg, typ, aar, n in rows
    ]
    derived = derive_quarterly_occupancy(places, published_occupancy(codes))
    by_file: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for line in derived.lines:
        by_file[(line.driftsherre, line.year, line.quarter)].append(
            f"{line.offer_ref};{line.quarter};{_da(line.normering)};{_da(line.forbrug_dage.quantize(Decimal('0.0001')))}"
        )
    created = 0
    for (kode, year, quarter), lines in sorted(by_file.items()):
        org = _org(session, kode)
        period = _period(session, ramme_id, secretariat.id, "belaegning", year, quarter)
        created += _approved_upload(
            session,
            org,
            period,
            "belaegning",
            ["tilbud_id;kvartal;normering;forbrug", *lines],
            OCCUPANCY_NOTE,
        )
    return created
