"""Tenant registry: load rammeaftaler from ``tenants/rammeaftaler/*.toml``; look-ups."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.config import data_path
from backend.organisations.aliases import fold_municipality_name
from backend.organisations.models import Maalgruppe, Organisation, OrganisationAlias, Rammeaftale

TENANTS_DIR = data_path("tenants", "rammeaftaler")


@dataclass(frozen=True)
class SyncReport:
    rammeaftaler: int
    created: int
    updated: int
    unchanged: int


def sync_tenants(session: Session, directory: Path = TENANTS_DIR) -> SyncReport:
    """Create or update every rammeaftale, organisation, alias and målgruppe from the
    TOML files. Idempotent: a second run changes nothing. Organisations are matched on
    their code, so renaming one in the file renames it here."""
    changes: list[tuple[Organisation, dict | None, dict]] = []
    unchanged = 0
    files = sorted(directory.glob("*.toml"))
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        ramme = _upsert_rammeaftale(session, data["rammeaftale"])
        for org_data in data.get("organisation", []):
            change = _upsert_organisation(session, ramme, org_data)
            if change is None:
                unchanged += 1
            else:
                changes.append(change)
        for mg in data.get("maalgruppe", []):
            _upsert_maalgruppe(session, ramme, mg)
    session.flush()
    # Audit rows belong to the organisation they describe: write them in its scope.
    for org, before, after in changes:
        audit.record(
            session,
            org_id=org.id,
            action="sync",
            entity="organisation",
            entity_id=org.kode,
            before=before,
            after=after,
        )
    created = sum(1 for _, before, _ in changes if before is None)
    return SyncReport(len(files), created, len(changes) - created, unchanged)


def _upsert_rammeaftale(session: Session, data: dict) -> Rammeaftale:
    ramme = session.scalar(sa.select(Rammeaftale).where(Rammeaftale.kode == data["kode"]))
    if ramme is None:
        ramme = Rammeaftale(kode=data["kode"])
        session.add(ramme)
    ramme.navn = data["navn"]
    ramme.region_kode = data["region_kode"]
    ramme.dst_omraade = data.get("dst_omraade")
    session.flush()
    return ramme


def _upsert_organisation(
    session: Session, ramme: Rammeaftale, data: dict
) -> tuple[Organisation, dict | None, dict] | None:
    """Create or update one organisation; returns (org, before, after) when it changed."""
    org = session.scalar(sa.select(Organisation).where(Organisation.kode == data["kode"]))
    fields = {
        "navn": data["navn"],
        "type": data["type"],
        "dst_omraade": data.get("dst_omraade"),
        "rammeaftale_id": ramme.id,
    }
    outcome = "unchanged"
    if org is None:
        org = Organisation(kode=data["kode"], **fields)
        session.add(org)
        outcome = "created"
        before = None
    else:
        before = {k: getattr(org, k) for k in fields}
        if before != fields:
            for k, v in fields.items():
                setattr(org, k, v)
            outcome = "updated"
    wanted = {fold_municipality_name(a): a for a in [data["navn"], *data.get("aliases", [])]}
    have = {a.alias_key: a for a in org.aliases}
    for key, alias in wanted.items():
        if key not in have:
            org.aliases.append(OrganisationAlias(alias=alias, alias_key=key))
            outcome = "updated" if outcome == "unchanged" else outcome
    for key, alias_row in have.items():
        if key not in wanted:
            org.aliases.remove(alias_row)
            outcome = "updated" if outcome == "unchanged" else outcome
    session.flush()
    if outcome == "unchanged":
        return None
    return org, before, {**fields, "aliases": sorted(wanted.values())}


def _upsert_maalgruppe(session: Session, ramme: Rammeaftale, data: dict) -> None:
    mg = session.scalar(
        sa.select(Maalgruppe).where(
            Maalgruppe.rammeaftale_id == ramme.id, Maalgruppe.kode == data["kode"]
        )
    )
    if mg is None:
        mg = Maalgruppe(rammeaftale_id=ramme.id, kode=data["kode"])
        session.add(mg)
    mg.navn = data["navn"]
    mg.aldersgruppe = data["aldersgruppe"]
    mg.tilbudstyper = ",".join(data["tilbudstyper"])
    mg.sortering = data["sortering"]


def find_by_code_or_alias(session: Session, text: str) -> Organisation | None:
    """Match an organisation on its code or any alias (Århus/Aarhus, Region Midt, …)."""
    text = text.strip()
    org = session.scalar(sa.select(Organisation).where(Organisation.kode == text))
    if org is not None:
        return org
    return session.scalar(
        sa.select(Organisation)
        .join(OrganisationAlias)
        .where(OrganisationAlias.alias_key == fold_municipality_name(text))
    )


def get_by_code(session: Session, kode: str) -> Organisation | None:
    return session.scalar(sa.select(Organisation).where(Organisation.kode == kode))


def list_organisations(session: Session, rammeaftale_id: int) -> list[Organisation]:
    return list(
        session.scalars(
            sa.select(Organisation)
            .where(Organisation.rammeaftale_id == rammeaftale_id)
            .order_by(Organisation.navn)
        )
    )


def list_maalgrupper(session: Session, rammeaftale_id: int) -> list[Maalgruppe]:
    return list(
        session.scalars(
            sa.select(Maalgruppe)
            .where(Maalgruppe.rammeaftale_id == rammeaftale_id)
            .order_by(Maalgruppe.sortering)
        )
    )


def maalgruppe(session: Session, rammeaftale_id: int, kode: str) -> Maalgruppe | None:
    return session.scalar(
        sa.select(Maalgruppe).where(
            Maalgruppe.rammeaftale_id == rammeaftale_id, Maalgruppe.kode == kode
        )
    )
