"""Shared helpers of the udgiftsbehov tests: the demo run, extra uploaded indicators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from backend.db.session import Database
from backend.organisations import service as organisations
from backend.organisations.models import Organisation
from backend.reference import service as reference

URL = "/api/v1/udgiftsbehov"
DEMO_RUN: dict[str, Any] = {
    "noegletal": "pladser_pr_10000",
    "maalgruppe": None,
    "aar": [2017],
    "indikatorer": ["log_folketal", "befolkningsvaekst"],
    "metode": "ols",
}
EXTRA = ("socioindeks", "andel_enlige", "afstand_km")
# A run whose model does explain part of the differences (leave-one-out R² > 0 on the demo
# data, after upload_extra_indicators): the one that may be published.
EXPLAINING_RUN: dict[str, Any] = {
    "noegletal": "regnskab_pr_indbygger",
    "maalgruppe": None,
    "aar": [2017],
    "indikatorer": ["socioindeks"],
    "metode": "ols",
}


def upload_extra_indicators(database: Database, year: int = 2017) -> list[str]:
    """Upload three made-up indicators for every municipality of Midtjylland for ``year``
    (as the secretariat, through the reference service); their ids."""
    with database.unit_of_work() as session:
        secretariat = organisations.get_by_code(session, "sekretariat-midt")
        codes = session.scalars(
            sa.select(Organisation.dst_omraade)
            .where(
                Organisation.rammeaftale_id == secretariat.rammeaftale_id,
                Organisation.type == "kommune",
            )
            .order_by(Organisation.kode)
        ).all()
        header = ["# indikator;navn;definition;enhed;kilde"]
        header += [f"# {name};{name};testindikator;indeks;Test" for name in EXTRA]
        lines = [*header, "kommunekode;aar;" + ";".join(EXTRA)]
        for i, code in enumerate(codes):
            lines.append(
                f"{code};{year};{(i * 7) % 11 + 0.5};{(i * 3) % 5 + 1};{(i * 13) % 17 + 2}"
            )
        reference.import_indicators(
            session,
            data="\n".join(lines).encode(),
            definitions=None,
            kilde="Test",
            actor_org_id=secretariat.id,
            file_name="test.csv",
        )
    return list(EXTRA)


def upload_pl_index(database: Database) -> None:
    """The test PL index 2015-2018 (tests/data/reference/pl_indeks.csv), as the secretariat."""
    data = (
        Path(__file__).resolve().parents[2] / "data" / "reference" / "pl_indeks.csv"
    ).read_bytes()
    with database.unit_of_work() as session:
        secretariat = organisations.get_by_code(session, "sekretariat-midt")
        reference.import_pl_index(session, data=data, kilde="Test", actor_org_id=secretariat.id)
