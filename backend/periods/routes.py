"""``/periods``: reporting periods of the caller's rammeaftale. Every role reads them; only
the secretariat creates them, moves deadlines, closes and reopens them."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.errors import PreconditionRequired
from backend.http import principal, require, session
from backend.http.problems import abort
from backend.periods import service
from backend.periods.schemas import (
    PeriodCreateSchema,
    PeriodQuerySchema,
    PeriodSchema,
    PeriodUpdateSchema,
)
from backend.policy import Permission

blp = Blueprint("periods", __name__, url_prefix="/periods", description="Indberetningsperioder")

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": "The period's ETag from GET (optimistic locking)",
}


def _etag(period) -> dict[str, str]:
    return {"ETag": f'"{period.version}"'}


def _expected_version() -> int:
    raw = request.headers.get("If-Match")
    if not raw:
        raise PreconditionRequired("Send If-Match med periodens ETag for at ændre den.")
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        abort(412, "foraeldet_version", "If-Match passer ikke til periodens ETag.")
        raise  # unreachable: abort raises


@blp.route("")
class Periods(MethodView):
    @require()
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, PeriodSchema(many=True))
    def get(self, query):
        """The periods of the caller's rammeaftale, filtered by year, stream or status."""
        return service.list_periods(session(), rammeaftale_id=principal().rammeaftale_id, **query)

    @require(Permission.OPEN_PERIODS)
    @blp.arguments(PeriodCreateSchema)
    @blp.response(201, PeriodSchema)
    @blp.alt_response(409, description="Perioden findes allerede")
    def post(self, data):
        """Open a period: belaegning per quarter, the other streams per year. Audited."""
        p = principal()
        period = service.create_period(
            session(), rammeaftale_id=p.rammeaftale_id, actor_org_id=p.org_id, **data
        )
        return period, 201, {**_etag(period), "Location": f"{request.base_url}/{period.id}"}


@blp.route("/<int:period_id>")
class PeriodById(MethodView):
    @require()
    @blp.response(200, PeriodSchema)
    @blp.alt_response(404, description="Perioden findes ikke")
    def get(self, period_id: int):
        """One period of the caller's rammeaftale; ETag for updates."""
        period = service.get_period(
            session(), rammeaftale_id=principal().rammeaftale_id, period_id=period_id
        )
        return period, 200, _etag(period)

    @require(Permission.OPEN_PERIODS)
    @blp.arguments(PeriodUpdateSchema)
    @blp.response(200, PeriodSchema)
    @blp.doc(parameters=[IF_MATCH])
    @blp.alt_response(404, description="Perioden findes ikke")
    @blp.alt_response(412, description="If-Match passer ikke: perioden er ændret")
    @blp.alt_response(428, description="If-Match mangler")
    def patch(self, data, period_id: int):
        """Move the deadline, close (status lukket) or reopen (aaben); needs If-Match. Audited."""
        p = principal()
        period = service.get_period(session(), rammeaftale_id=p.rammeaftale_id, period_id=period_id)
        period = service.update_period(
            session(), period, actor_org_id=p.org_id, expected_version=_expected_version(), **data
        )
        return period, 200, _etag(period)
