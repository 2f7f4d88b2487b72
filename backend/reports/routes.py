"""``/reports/ledelsesinformation/{year}`` and ``/noegletal``.

The secretariat sees the live draft (kladde) computed from the approved data and
publishes it; reporters and viewers only ever see published snapshots."""

from __future__ import annotations

from flask import Response, current_app, json
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.http import principal, require, session
from backend.policy import Permission
from backend.reports import schemas, service
from backend.reports.states import Publication
from benchmark.noegletal import REGISTRY

blp = Blueprint("reports", __name__, url_prefix="", description="Ledelsesinformation og nøgletal")


def _wants_draft(args: dict) -> bool:
    """The query asks for the draft (the default for a reader who may read drafts)."""
    wanted = args.get("status", Publication.KLADDE) == Publication.KLADDE
    return wanted and not args.get("version")


def _file(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        mimetype=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _json(document: dict) -> Response:
    return current_app.response_class(json.dumps(document), mimetype="application/json")


@blp.route("/reports/ledelsesinformation/<int:year>")
class Ledelsesinformation(MethodView):
    @require(Permission.READ_PUBLISHED)
    @blp.arguments(schemas.ReportQuery, location="query")
    @blp.response(200, description="Tables A–E as JSON, XLSX (one sheet per table) or CSV")
    @blp.alt_response(404, description="Ikke offentliggjort (or no approved data)")
    def get(self, args, year: int):
        """The ledelsesinformation for a year (against the year before)."""
        fmt = args["format"]
        found = service.edition_for(
            session(),
            principal(),
            year,
            version=args.get("version"),
            want_draft=_wants_draft(args),
        )
        if fmt == "json":
            return _json(found.json())
        return _file(found.content(fmt), service.EDITION_FORMATS[fmt], found.file_name(fmt))


@blp.route("/reports/ledelsesinformation/<int:year>/publish")
class Publish(MethodView):
    @require(Permission.PUBLISH_EDITION)
    @blp.response(201, schemas.SnapshotSchema)
    @blp.alt_response(
        409,
        description="Unchanged since the latest published version (uaendret_udgave), or "
        "published by someone else at the same time (samtidig_offentliggoerelse)",
    )
    @blp.alt_response(422, description="The PL index for the year's prices is missing")
    def post(self, year: int):
        """Publish the current draft as an immutable snapshot (the next version). An edition
        whose approved data and PL index are those of the latest version is refused (409)."""
        p = principal()
        return service.publish(
            session(),
            rammeaftale_id=p.rammeaftale_id,
            year=year,
            user_id=p.user_id,
            actor_org_id=p.org_id,
        ), 201


@blp.route("/reports/ledelsesinformation/<int:year>/snapshots")
class Snapshots(MethodView):
    @require(Permission.READ_PUBLISHED)
    @blp.response(200, schemas.SnapshotSchema(many=True))
    def get(self, year: int):
        """Every published version of a year, each with its date; none is ever changed."""
        return service.snapshots(session(), principal().rammeaftale_id, year)


@blp.route("/noegletal")
class Noegletal(MethodView):
    @require(Permission.READ_PUBLISHED)
    @blp.arguments(schemas.NoegletalQuery, location="query")
    @blp.response(
        200,
        description="Values per organisation with their denominator, and averages with their rule",
    )
    def get(self, args):
        """Population-adjusted nøgletal for a year, filtered by nøgletal and målgruppe."""
        document = service.noegletal_for(
            session(), principal(), args["aar"], want_draft=_wants_draft(args)
        )
        return _json(
            service.filter_noegletal(
                document, noegletal=args.get("noegletal"), maalgruppe=args.get("maalgruppe")
            )
        )


@blp.route("/noegletal/definitioner")
class NoegletalDefinitions(MethodView):
    @require(Permission.READ_CATALOGUE)
    @blp.response(200, schemas.NoegletalDefinitionSchema(many=True))
    def get(self):
        """The registry: formula, numerator, denominator, unit, age band, averaging rule,
        scale (strictly positive, signed, rate that may be 0) and side (operator or buyer)."""
        return [
            dict(
                n.__dict__,
                retning=str(n.retning),
                skala=str(n.skala),
                side=str(n.side),
                side_tekst=n.side_tekst,
            )
            for n in REGISTRY.values()
        ]
