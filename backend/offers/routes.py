"""``/offers``: the offer registry. Reporters and org admins create, read and update their
own organisation's offers; the secretariat reads all of its rammeaftale; viewers none."""

from __future__ import annotations

import uuid

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.errors import PreconditionRequired
from backend.http import principal, require, session
from backend.http.problems import abort
from backend.offers import service
from backend.offers.schemas import (
    OfferCreateSchema,
    OfferPageSchema,
    OfferQuerySchema,
    OfferSchema,
    OfferUpdateSchema,
)
from backend.policy import Permission

blp = Blueprint("offers", __name__, url_prefix="/offers", description="Tilbudsregister (tilbud)")

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": "The offer's ETag from GET (optimistic locking)",
}


def _etag(offer) -> dict[str, str]:
    return {"ETag": f'"{offer.version}"'}


def _expected_version() -> int:
    raw = request.headers.get("If-Match")
    if not raw:
        raise PreconditionRequired("Send If-Match med tilbuddets ETag for at ændre det.")
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        abort(412, "foraeldet_version", "If-Match passer ikke til tilbuddets ETag.")
        raise  # unreachable: abort raises


@blp.route("")
class Offers(MethodView):
    @require(Permission.READ_TENANT_DATA)
    @blp.arguments(OfferQuerySchema(), location="query")
    @blp.response(200, OfferPageSchema)
    def get(self, query):
        """List offers in scope, filtered by year, målgruppe, tilbudstype or organisation."""
        page = service.list_offers(session(), **query)
        # Already JSON-ready (the service's read model); skip a second marshmallow pass.
        return current_app.json.response(page)

    @require(Permission.REPORT)
    @blp.arguments(OfferCreateSchema)
    @blp.response(201, OfferSchema)
    @blp.alt_response(409, description="Et tilbud med samme navn, målgruppe og tilbudstype findes")
    def post(self, data):
        """Register an offer of the caller's organisation."""
        p = principal()
        offer = service.create_offer(
            session(), org_id=p.org_id, rammeaftale_id=p.rammeaftale_id, values=data
        )
        return offer, 201, {**_etag(offer), "Location": f"{request.base_url}/{offer.id}"}


@blp.route("/<uuid:offer_id>")
class OfferById(MethodView):
    @require(Permission.READ_TENANT_DATA)
    @blp.response(200, OfferSchema)
    @blp.alt_response(404, description="Tilbuddet findes ikke")
    def get(self, offer_id: uuid.UUID):
        """One offer with its history of normering and coverage by year; ETag for updates."""
        offer = service.get_offer(session(), offer_id)
        return offer, 200, _etag(offer)

    @require(Permission.REPORT)
    @blp.arguments(OfferUpdateSchema)
    @blp.response(200, OfferSchema)
    @blp.doc(parameters=[IF_MATCH])
    @blp.alt_response(404, description="Tilbuddet findes ikke")
    @blp.alt_response(412, description="If-Match passer ikke: tilbuddet er ændret")
    @blp.alt_response(428, description="If-Match mangler")
    def patch(self, data, offer_id: uuid.UUID):
        """Correct an offer or add a year's normering; needs If-Match. Audited with before/after."""
        p = principal()
        offer = service.get_offer(session(), offer_id)
        offer = service.update_offer(
            session(),
            offer,
            rammeaftale_id=p.rammeaftale_id,
            expected_version=_expected_version(),
            values=data,
        )
        return offer, 200, _etag(offer)
