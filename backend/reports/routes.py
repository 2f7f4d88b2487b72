"""``/reports/ledelsesinformation/{year}`` and ``/noegletal``.

The secretariat sees the live draft (kladde) computed from the approved data and
publishes it; reporters and viewers only ever see published snapshots."""

from __future__ import annotations

from flask import Response, current_app, json
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.http import principal, require, session
from backend.reports import schemas, service
from backend.reports.states import Publication
from backend.reports.writers import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    ledelsesinformation_csv,
    ledelsesinformation_json,
    ledelsesinformation_xlsx,
    suggested_filename,
)
from benchmark.noegletal import REGISTRY

blp = Blueprint("reports", __name__, url_prefix="", description="Ledelsesinformation og nøgletal")

ALL = ("reporter", "org_admin", "secretariat", "viewer", "admin")
READERS = ("reporter", "org_admin", "secretariat", "viewer")


def _wants_draft(args: dict) -> bool:
    return (
        principal().role == "secretariat"
        and args.get("status", Publication.KLADDE) == Publication.KLADDE
        and not args.get("version")
    )


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
    @require(*READERS)
    @blp.arguments(schemas.ReportQuery, location="query")
    @blp.response(200, description="Tables A–E as JSON, XLSX (one sheet per table) or CSV")
    @blp.alt_response(404, description="Ikke offentliggjort (or no approved data)")
    def get(self, args, year: int):
        """The ledelsesinformation for a year (against the year before)."""
        p, fmt = principal(), args["format"]
        if _wants_draft(args):
            report, _inputs = service.draft(session(), p.rammeaftale_id, year)
            if fmt == "xlsx":
                return _file(
                    ledelsesinformation_xlsx(report),
                    XLSX_MEDIA_TYPE,
                    suggested_filename(report, "xlsx"),
                )
            if fmt == "csv":
                return _file(
                    ledelsesinformation_csv(report),
                    CSV_MEDIA_TYPE,
                    suggested_filename(report, "csv"),
                )
            return _json(ledelsesinformation_json(report))
        snap = service.snapshot(session(), p.rammeaftale_id, year, args.get("version"))
        name = f"ledelsesinformation_{year}_v{snap.version}"
        if fmt == "xlsx":
            return _file(snap.xlsx, XLSX_MEDIA_TYPE, f"{name}.xlsx")
        if fmt == "csv":
            return _file(snap.csv, CSV_MEDIA_TYPE, f"{name}.csv")
        return _json(
            {
                **snap.document,
                "version": snap.version,
                "offentliggjort": snap.published_at.isoformat(),
            }
        )


@blp.route("/reports/ledelsesinformation/<int:year>/publish")
class Publish(MethodView):
    @require("secretariat")
    @blp.response(201, schemas.SnapshotSchema)
    def post(self, year: int):
        """Publish the current draft as an immutable snapshot (the next version)."""
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
    @require(*READERS)
    @blp.response(200, schemas.SnapshotSchema(many=True))
    def get(self, year: int):
        """Every published version of a year, each with its date; none is ever changed."""
        return service.snapshots(session(), principal().rammeaftale_id, year)


@blp.route("/noegletal")
class Noegletal(MethodView):
    @require(*READERS)
    @blp.arguments(schemas.NoegletalQuery, location="query")
    @blp.response(
        200,
        description="Values per organisation with their denominator, and averages with their rule",
    )
    def get(self, args):
        """Population-adjusted nøgletal for a year, filtered by nøgletal and målgruppe."""
        p = principal()
        if _wants_draft(args):
            inputs = service.draft_inputs(session(), p.rammeaftale_id, args["aar"])
            document = service.key_figures_document(session(), inputs, p.rammeaftale_id)
        else:
            document = service.snapshot(session(), p.rammeaftale_id, args["aar"]).noegletal
        return _json(
            service.filter_noegletal(
                document, noegletal=args.get("noegletal"), maalgruppe=args.get("maalgruppe")
            )
        )


@blp.route("/noegletal/definitioner")
class NoegletalDefinitions(MethodView):
    @require(*ALL)
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
