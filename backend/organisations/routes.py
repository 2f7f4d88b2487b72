"""Catalogue routes: organisations and målgrupper of the caller's rammeaftale."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.http import principal, require, session
from backend.organisations import service
from backend.organisations.schemas import MaalgruppeSchema, OrganisationSchema

blp = Blueprint(
    "organisations", __name__, url_prefix="", description="Organisationer og målgrupper"
)


@blp.route("/organisations")
class Organisations(MethodView):
    @require()
    @blp.response(200, OrganisationSchema(many=True))
    def get(self):
        """The organisations of the caller's rammeaftale (public catalogue data)."""
        return service.list_organisations(session(), principal().rammeaftale_id)


@blp.route("/maalgrupper")
class Maalgrupper(MethodView):
    @require()
    @blp.response(200, MaalgruppeSchema(many=True))
    def get(self):
        """The målgruppe catalogue of the caller's rammeaftale."""
        return service.list_maalgrupper(session(), principal().rammeaftale_id)
