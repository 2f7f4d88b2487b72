"""Offer registry: create, read, list and update offers of the organisations in scope."""

from __future__ import annotations

import functools
import operator
import uuid
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backend.db.base import utcnow
from backend.db.tenancy import PREBUILT
from backend.errors import Conflict, Invalid, NotFound, PreconditionFailed
from backend.offers.models import Offer, OfferYear
from backend.offers.states import SECURE_ONLY_TYPES
from backend.organisations import service as organisations
from backend.organisations.models import Organisation

_DESCRIPTIVE = (
    "navn",
    "tilbudsportalen_id",
    "maalgruppe",
    "tilbudstype",
    "sel_paragraf",
    "gyldig_fra",
    "gyldig_til",
    "note",
)


def _check_catalogue(
    session: Session, rammeaftale_id: int, maalgruppe: str, tilbudstype: str
) -> None:
    mg = organisations.maalgruppe(session, rammeaftale_id, maalgruppe)
    if mg is None:
        raise Invalid(
            "Ukendt målgruppe.",
            errors=[
                {
                    "field": "maalgruppe",
                    "location": "json",
                    "message": f"Målgruppen '{maalgruppe}' findes ikke i rammeaftalens katalog.",
                }
            ],
        )
    if tilbudstype not in mg.tilbudstype_koder:
        allowed = ", ".join(mg.tilbudstype_koder)
        why = (
            " (åben/sikret gælder kun sikrede institutioner)"
            if tilbudstype in SECURE_ONLY_TYPES
            else ""
        )
        raise Invalid(
            "Ugyldig tilbudstype for målgruppen.",
            errors=[
                {
                    "field": "tilbudstype",
                    "location": "json",
                    "message": f"Tilbudstypen '{tilbudstype}' kan ikke bruges for målgruppen{why}; brug {allowed}.",
                }
            ],
        )


def _set_years(offer: Offer, years: list[dict[str, Any]]) -> None:
    seen: set[int] = set()
    by_year = {y.aar: y for y in offer.years}
    for item in years:
        if item["aar"] in seen:
            raise Invalid(
                "Året er angivet to gange.",
                errors=[
                    {
                        "field": "historik",
                        "location": "json",
                        "message": f"Året {item['aar']} er angivet to gange.",
                    }
                ],
            )
        seen.add(item["aar"])
        row = by_year.get(item["aar"])
        if row is None:
            offer.years.append(
                OfferYear(
                    org_id=offer.org_id,
                    aar=item["aar"],
                    normering=item["normering"],
                    omfattet=item["omfattet"],
                )
            )
        else:
            row.normering, row.omfattet = item["normering"], item["omfattet"]


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise PreconditionFailed(
            "Tilbuddet er ændret samtidig af en anden. Hent det igen."
        ) from exc
    except IntegrityError as exc:
        raise Conflict(
            "Der findes allerede et tilbud med samme navn, målgruppe og tilbudstype.",
            code="tilbud_findes",
        ) from exc


def create_offer(
    session: Session, *, org_id: int, rammeaftale_id: int, values: dict[str, Any]
) -> Offer:
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
    session: Session,
    offer: Offer,
    *,
    rammeaftale_id: int,
    expected_version: int,
    values: dict[str, Any],
) -> Offer:
    """Apply a partial update if the client saw the current version (optimistic locking)."""
    if offer.version != expected_version:
        raise PreconditionFailed("Tilbuddet er ændret siden du hentede det. Hent det igen.")
    merged = {k: values.get(k, getattr(offer, k)) for k in ("maalgruppe", "tilbudstype")}
    _check_catalogue(session, rammeaftale_id, merged["maalgruppe"], merged["tilbudstype"])
    fra, til = (
        values.get("gyldig_fra", offer.gyldig_fra),
        values.get("gyldig_til", offer.gyldig_til),
    )
    if fra and til and til < fra:
        raise Invalid(
            "Gyldig til ligger før gyldig fra.",
            errors=[
                {
                    "field": "gyldig_til",
                    "location": "json",
                    "message": "Gyldig til ligger før gyldig fra.",
                }
            ],
        )
    for key in _DESCRIPTIVE:
        if key in values:
            setattr(offer, key, values[key])
    if "historik" in values:
        _set_years(offer, values["historik"])
        offer.updated_at = utcnow()  # a year change is a change of the offer (new ETag)
    _flush(session)
    session.refresh(offer)
    return offer


_ITEM_KEYS = (
    "id",
    "navn",
    "tilbudsportalen_id",
    "maalgruppe",
    "tilbudstype",
    "sel_paragraf",
    "gyldig_fra",
    "gyldig_til",
    "note",
    "version",
    "created_at",
    "updated_at",
    "organisation",
)
_NORMERING_QUANTUM = Decimal(1).scaleb(
    -(cast(sa.Numeric, OfferYear.__table__.c.normering.type).scale or 0)
)
_by_year = operator.itemgetter("aar")


@functools.cache
def _list_statements(
    aar: bool, maalgruppe: bool, tilbudstype: bool, organisation: bool
) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The list's page statement and its count, built once per combination of filters.

    Every value is a bound parameter: building the statements per request cost more than
    running them (perf/README.md). They are ORM-enabled, so the tenant hooks add the scope
    to every tenant-owned table in them, subqueries included, per execution.

    One row per offer: its total as an index-only count subquery (a window count would
    read every row of the organisation first), and its years folded into one text value
    ``aar:normering:omfattet,…`` by a correlated subquery (string_agg on PostgreSQL,
    group_concat on SQLite), parsed by ``_years``. Joining the years instead doubled the
    rows and columns to send and decode; that was a third of the request (perf/README.md).
    """
    where: list[sa.ColumnElement[bool]] = []
    if aar:
        where.append(
            sa.exists().where(
                OfferYear.org_id == Offer.org_id,
                OfferYear.offer_id == Offer.id,
                OfferYear.aar == sa.bindparam("aar"),
            )
        )
    if maalgruppe:
        where.append(Offer.maalgruppe == sa.bindparam("maalgruppe"))
    if tilbudstype:
        where.append(Offer.tilbudstype == sa.bindparam("tilbudstype"))
    if organisation:
        where.append(
            Offer.org_id.in_(
                sa.select(Organisation.id).where(Organisation.kode == sa.bindparam("organisation"))
            )
        )
    count = sa.select(sa.func.count()).select_from(Offer).where(*where)
    text = sa.String()
    year = (
        sa.cast(OfferYear.aar, text)
        + ":"
        + sa.cast(OfferYear.normering, text)
        + ":"
        + sa.cast(sa.cast(OfferYear.omfattet, sa.Integer()), text)
    )
    years = (
        sa.select(sa.func.aggregate_strings(year, ","))
        .where(OfferYear.org_id == Offer.org_id, OfferYear.offer_id == Offer.id)
        .scalar_subquery()
    )
    page = (
        sa.select(
            *(getattr(Offer, k) for k in _ITEM_KEYS[:-1]),
            Organisation.kode.label("organisation"),
            years.label("years"),
            count.scalar_subquery().label("total"),
        )
        .join(Organisation, Organisation.id == Offer.org_id)
        .where(*where)
        .order_by(Offer.org_id, Offer.navn, Offer.id)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
    )
    return page.execution_options(**{PREBUILT: True}), count.execution_options(**{PREBUILT: True})


def _years(folded: str | None) -> list[dict[str, Any]]:
    """``aar:normering:omfattet,…`` (any order) as the item schema's ``historik``."""
    if not folded:
        return []
    history = []
    for part in folded.split(","):
        aar, normering, omfattet = part.split(":")
        history.append(
            {
                "aar": int(aar),
                "normering": Decimal(normering).quantize(_NORMERING_QUANTUM),
                "omfattet": omfattet == "1",
            }
        )
    if len(history) > 1:
        history.sort(key=_by_year)
    return history


def list_offers(
    session: Session,
    *,
    aar: int | None = None,
    maalgruppe: str | None = None,
    tilbudstype: str | None = None,
    organisation: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """A page of offers in scope with their years (the shape of ``OfferPageSchema``).

    The list is the hottest read: one round trip (the page with its total and each offer's
    years), no ORM objects and no marshmallow pass (perf/README.md). Values stay Python
    objects (UUID, date, Decimal) for the JSON encoder; a test holds every item equal to
    the item route's body.
    """
    page_stmt, count_stmt = _list_statements(
        aar is not None, bool(maalgruppe), bool(tilbudstype), bool(organisation)
    )
    params = {
        "aar": aar,
        "maalgruppe": maalgruppe,
        "tilbudstype": tilbudstype,
        "organisation": organisation,
        "limit": limit,
        "offset": offset,
    }
    # On the connection: the tenant criteria are added there too (backend.db.tenancy), and
    # the rows skip the ORM's per-row handling.
    connection = session.connection()
    rows = connection.execute(page_stmt, params).all()
    n = len(_ITEM_KEYS)
    items = []
    for row in rows:
        item = dict(zip(_ITEM_KEYS, row[:n], strict=False))
        item["historik"] = _years(row[n])
        items.append(item)
    # past the last page no row carries the total
    total = rows[0][n + 1] if rows else connection.execute(count_stmt, params).scalar_one()
    return {"total": total, "limit": limit, "offset": offset, "items": items}
