"""``/reference``: population, PL index and structural indicators. Everyone reads; the
platform admin imports (CSV as Statistics Denmark delivers it, or fetched from its API)."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.http import principal, require, session, uploaded_file
from backend.http.problems import abort
from backend.policy import Permission
from backend.reference import schemas, service, sources

blp = Blueprint(
    "reference",
    __name__,
    url_prefix="/reference",
    description="Referencedata: befolkning, PL-indeks, strukturindikatorer",
)

#: Reference data is platform-wide (every rammeaftale reads the same population, PL index
#: and indicators), so only the platform admin writes it (Permission.WRITE_REFERENCE, issue
#: 13, item 19); the operator's CLI (``rammetal load-…``) is the other way in.
FILE_BODY = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"fil": {"type": "string", "format": "binary"}},
            }
        },
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
    }
}


@blp.route("/population")
class Population(MethodView):
    @require(Permission.READ_CATALOGUE)
    @blp.arguments(schemas.PopulationQuery, location="query")
    @blp.response(200, schemas.PopulationSchema(many=True))
    def get(self, query):
        """Current population per area × year × age band (latest import of each)."""
        return service.current_population(
            session(), years=query.get("aar"), areas=query.get("omraade")
        )

    @require(Permission.WRITE_REFERENCE)
    @blp.arguments(schemas.PopulationImportArgs, location="query")
    @blp.doc(requestBody=FILE_BODY)
    @blp.response(201, schemas.ImportSchema)
    @blp.alt_response(422, description="Filen har fejl; intet er indlæst")
    def post(self, args):
        """Import population: FOLK1A CSV as delivered (single ages summed into bands)."""
        data, name = uploaded_file()
        p = principal()
        return service.import_population(
            session(),
            data=data,
            fmt=args["format"],
            year=args.get("aar"),
            kilde=args["kilde"],
            actor_org_id=p.org_id,
            user_id=p.user_id,
            file_name=name,
        ), 201


@blp.route("/population/statbank")
class PopulationFromStatbank(MethodView):
    @require(Permission.WRITE_REFERENCE)
    @blp.arguments(schemas.StatbankArgs)
    @blp.response(201, schemas.ImportSchema)
    @blp.alt_response(503, description="Statistikbanken kan ikke nås")
    def post(self, args):
        """Fetch FOLK1A (1 January, all ages) for areas and years from the Statistikbank API."""
        p = principal()
        try:
            return service.fetch_population(
                session(),
                areas=args["omraader"],
                years=args["aar"],
                actor_org_id=p.org_id,
                user_id=p.user_id,
            ), 201
        except sources.StatbankError as exc:
            abort(503, "statistikbanken_utilgaengelig", str(exc))


@blp.route("/pl-index")
class PlIndex(MethodView):
    @require(Permission.READ_CATALOGUE)
    @blp.response(200, schemas.PlIndexSchema(many=True))
    def get(self):
        """The current PL index (KL's pris- og lønskøn) per year."""
        s = session()
        return [{"aar": a, "indeks": v} for a, v in service.current_pl_index(s).items()]

    @require(Permission.WRITE_REFERENCE)
    @blp.arguments(schemas.SourceArgs, location="query")
    @blp.doc(requestBody=FILE_BODY)
    @blp.response(201, schemas.ImportSchema)
    @blp.alt_response(422, description="Filen har fejl; intet er indlæst")
    def post(self, args):
        """Import a PL index (``aar;indeks``)."""
        data, name = uploaded_file()
        p = principal()
        return service.import_pl_index(
            session(),
            data=data,
            kilde=args["kilde"],
            actor_org_id=p.org_id,
            user_id=p.user_id,
            file_name=name,
        ), 201


@blp.route("/indicators")
class Indicators(MethodView):
    @require(Permission.READ_CATALOGUE)
    @blp.arguments(schemas.IndicatorQuery, location="query")
    @blp.response(200, schemas.IndicatorValueSchema(many=True))
    def get(self, query):
        """Current structural indicator values per municipality × year."""
        return service.current_indicators(
            session(), years=query.get("aar"), indicators=query.get("indikator")
        )

    @require(Permission.WRITE_REFERENCE)
    @blp.arguments(schemas.SourceArgs, location="query")
    @blp.doc(
        requestBody={
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "fil": {"type": "string", "format": "binary"},
                            "definitioner": {"type": "string", "format": "binary"},
                        },
                    }
                }
            }
        }
    )
    @blp.response(201, schemas.ImportSchema)
    @blp.alt_response(422, description="Filen har fejl; intet er indlæst")
    def post(self, args):
        """Import indicators: ``kommunekode;aar;<indikator>…`` plus definitions
        (``indikator;navn;definition;enhed;kilde``) as a second part or ``#`` lines."""
        data, name = uploaded_file()
        definitions = request.files.get("definitioner")
        p = principal()
        return service.import_indicators(
            session(),
            data=data,
            definitions=definitions.read() if definitions else None,
            kilde=args["kilde"],
            actor_org_id=p.org_id,
            user_id=p.user_id,
            file_name=name,
        ), 201


@blp.route("/indicators/definitions")
class IndicatorDefinitions(MethodView):
    @require(Permission.READ_CATALOGUE)
    @blp.response(200, schemas.IndicatorDefinitionSchema(many=True))
    def get(self):
        """Definition, unit and source of each indicator."""
        return service.indicator_definitions(session())
