"""Offer registry: create, read, list and update offers of the organisations in scope."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backend.db.base import json_value, utcnow
from backend.errors import Conflict, Invalid, NotFound, PreconditionFailed
from backend.offers.models import SECURE_ONLY_TYPES, Offer, OfferYear
from backend.organisations import service as organisations
from backend.organisations.models import Organisation

_DESCRIPTIVE = ("navn", "tilbudsportalen_id", "maalgruppe", "tilbudstype", "sel_paragraf",
                "gyldig_fra", "gyldig_til", "note")


def _check_catalogue(session: Session, rammeaftale_id: int, maalgruppe: str, tilbudstype: str) -> None:
    mg = organisations.maalgruppe(session, rammeaftale_id, maalgruppe)
    if mg is None:
        raise Invalid("Ukendt målgruppe.", errors=[{
            "field": "maalgruppe", "location": "json",
            "message": f"Målgruppen '{maalgruppe}' findes ikke i rammeaftalens katalog.",
        }])
    if tilbudstype not in mg.tilbudstype_koder:
        allowed = ", ".join(mg.tilbudstype_koder)
        why = " (åben/sikret gælder kun sikrede institutioner)" if tilbudstype in SECURE_ONLY_TYPES else ""
        raise Invalid("Ugyldig tilbudstype for målgruppen.", errors=[{
            "field": "tilbudstype", "location": "json",
            "message": f"Tilbudstypen '{tilbudstype}' kan ikke bruges for målgruppen{why}; brug {allowed}.",
        }])


def _set_years(offer: Offer, years: list[dict[str, Any]]) -> None:
    seen: set[int] = set()
    by_year = {y.aar: y for y in offer.years}
    for item in years:
        if item["aar"] in seen:
            raise Invalid("Året er angivet to gange.", errors=[{
                "field": "historik", "location": "json", "message": f"Året {item['aar']} er angivet to gange.",
            }])
        seen.add(item["aar"])
        row = by_year.get(item["aar"])
        if row is None:
            offer.years.append(OfferYear(org_id=offer.org_id, aar=item["aar"],
                                         normering=item["normering"], omfattet=item["omfattet"]))
        else:
            row.normering, row.omfattet = item["normering"], item["omfattet"]


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise PreconditionFailed("Tilbuddet er ændret samtidig af en anden. Hent det igen.") from exc
    except IntegrityError as exc:
        raise Conflict(
            "Der findes allerede et tilbud med samme navn, målgruppe og tilbudstype.",
            code="tilbud_findes",
        ) from exc


def create_offer(session: Session, *, org_id: int, rammeaftale_id: int, values: dict[str, Any]) -> Offer:
    """Create an offer of ``org_id`` with its first year(s) of normering and coverage."""
    _check_catalogue(session, rammeaftale_id, values["maalgruppe"], values["tilbudstype"])
    offer = Offer(org_id=org_id, **{k: values.get(k) for k in _DESCRIPTIVE})
    session.add(offer)
    _set_years(offer, values["historik"])
    _flush(session)
    return offer


def get_offer(session: Session, offer_id: uuid.UUID) -> Offer:
    """An offer in scope; another organisation's offer is indistinguishable from none."""
    offer = session.scalar(sa.select(Offer).where(Offer.id == offer_id))
    if offer is None:
        raise NotFound("Tilbuddet findes ikke.", code="tilbud_findes_ikke")
    return offer


def update_offer(
    session: Session, offer: Offer, *, rammeaftale_id: int, expected_version: int, values: dict[str, Any]
) -> Offer:
    """Apply a partial update if the client saw the current version (optimistic locking)."""
    if offer.version != expected_version:
        raise PreconditionFailed("Tilbuddet er ændret siden du hentede det. Hent det igen.")
    merged = {k: values.get(k, getattr(offer, k)) for k in ("maalgruppe", "tilbudstype")}
    _check_catalogue(session, rammeaftale_id, merged["maalgruppe"], merged["tilbudstype"])
    fra, til = values.get("gyldig_fra", offer.gyldig_fra), values.get("gyldig_til", offer.gyldig_til)
    if fra and til and til < fra:
        raise Invalid("Gyldig til ligger før gyldig fra.", errors=[{
            "field": "gyldig_til", "location": "json", "message": "Gyldig til ligger før gyldig fra.",
        }])
    for key in _DESCRIPTIVE:
        if key in values:
            setattr(offer, key, values[key])
    if "historik" in values:
        _set_years(offer, values["historik"])
        offer.updated_at = utcnow()  # a year change is a change of the offer (new ETag)
    _flush(session)
    session.refresh(offer)
    return offer


_LIST_COLUMNS = (
    Offer.id, Offer.navn, Offer.tilbudsportalen_id, Offer.maalgruppe, Offer.tilbudstype,
    Offer.sel_paragraf, Offer.gyldig_fra, Offer.gyldig_til, Offer.note, Offer.version,
    Offer.created_at, Offer.updated_at,
)


def list_offers(
    session: Session, *, aar: int | None = None, maalgruppe: str | None = None,
    tilbudstype: str | None = None, organisation: str | None = None, limit: int = 100, offset: int = 0,
) -> dict[str, Any]:
    """A page of offers in scope as JSON-ready values (the shape of ``OfferPageSchema``).

    The list is the hottest read, so it selects columns rather than building ORM objects
    and marshmallow dumps (perf/README.md); a test holds it equal to the item schema.
    Two round trips: the page with its total (a window count), then the page's years.
    """
    query = (
        sa.select(*_LIST_COLUMNS, Organisation.kode.label("organisation"),
                  sa.func.count().over().label("total"))
        .join(Organisation, Organisation.id == Offer.org_id)
    )
    if aar is not None:
        query = query.where(sa.exists().where(OfferYear.org_id == Offer.org_id,
                                              OfferYear.offer_id == Offer.id, OfferYear.aar == aar))
    if maalgruppe:
        query = query.where(Offer.maalgruppe == maalgruppe)
    if tilbudstype:
        query = query.where(Offer.tilbudstype == tilbudstype)
    if organisation:
        query = query.where(Organisation.kode == organisation)
    rows = session.execute(query.order_by(Offer.org_id, Offer.navn, Offer.id).limit(limit).offset(offset)).all()
    if rows:
        total = rows[0].total
    else:  # past the last page the window count has no row to ride on
        total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = [{k: json_value(v) for k, v in row._mapping.items() if k != "total"} for row in rows]
    years = _years_of(session, [row.id for row in rows])
    for item, row in zip(items, rows, strict=True):
        item["historik"] = years.get(row.id, [])
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def _years_of(session: Session, offer_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The years of a page of offers, matched by ``offer_id = ANY(...)``.

    A composite-key relationship load would match on ``(org_id, offer_id) IN (...)``,
    which PostgreSQL cannot use as an index condition under RLS (a row comparison is not
    leakproof), so it would read every year row of the organisation (perf/README.md).
    """
    out: dict[uuid.UUID, list[dict[str, Any]]] = {}
    if not offer_ids:
        return out
    rows = session.execute(
        sa.select(OfferYear.offer_id, OfferYear.aar, OfferYear.normering, OfferYear.omfattet)
        .where(OfferYear.offer_id.in_(offer_ids)).order_by(OfferYear.aar)
    )
    for offer_id, aar, normering, omfattet in rows:
        out.setdefault(offer_id, []).append({"aar": aar, "normering": str(normering), "omfattet": omfattet})
    return out
