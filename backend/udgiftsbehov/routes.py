"""``/udgiftsbehov``: runs of the expected-need model.

The secretariat runs the model (a draft), reads its drafts and publishes a run once;
reporters and viewers read published runs and each municipality's result. A draft is
404 for everyone but the secretariat."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.errors import NotFound
from backend.http import principal, require, session
from backend.policy import Permission
from backend.udgiftsbehov import document, schemas, service

blp = Blueprint(
    "udgiftsbehov",
    __name__,
    url_prefix="/udgiftsbehov",
    description="Forventet udgiftsbehov: modelkørsler, resultater pr. kommune og indikatorer",
)


@blp.route("")
class Runs(MethodView):
    @require(Permission.READ_PUBLISHED)
    @blp.arguments(schemas.RunListQuery, location="query")
    @blp.response(200, schemas.RunSummarySchema(many=True))
    def get(self, args):
        """Model runs of the agreement (reporters and viewers: published runs only)."""
        runs = service.readable_runs(session(), principal(), status=args.get("status"))
        return [document.summary(r) for r in runs]

    @require(Permission.RUN_MODELS)
    @blp.arguments(schemas.RunArgs)
    @blp.response(201, schemas.RunSchema)
    @blp.alt_response(
        422,
        description="Unknown nøgletal or indicator, an indicator missing for a year, "
        "or a guard rail (e.g. too_many_predictors)",
    )
    def post(self, args):
        """Run the model on the approved data and store the run as a draft (kladde)."""
        p = principal()
        params = {
            "k": args["k"],
            "random_state": args["random_state"],
            "n_bootstrap": args["n_bootstrap"],
            "interval_level": args["intervalniveau"],
            "weighted": args["vaegtet"],
            "peer_weights": args["peer_vaegte"],
        }
        run = service.run_model(
            session(),
            rammeaftale_id=p.rammeaftale_id,
            noegletal=args["noegletal"],
            maalgruppe=args["maalgruppe"],
            years=args["aar"],
            indicators=args["indikatorer"],
            method=args["metode"],
            params=params,
            user_id=p.user_id,
            actor_org_id=p.org_id,
        )
        return document.full(run), 201


@blp.route("/indikatorer")
class Indicators(MethodView):
    @require(Permission.READ_CATALOGUE)
    @blp.response(200, schemas.IndicatorSchema(many=True))
    def get(self):
        """Structural indicators (uploaded and derived from population) and the years in
        which every municipality of the agreement has a value, with definition, unit, source."""
        return service.available_indicators(session(), principal().rammeaftale_id)


@blp.route("/<int:run_id>")
class RunById(MethodView):
    @require(Permission.READ_PUBLISHED)
    @blp.response(200, schemas.RunSchema)
    @blp.alt_response(
        404,
        description="No such run, or a draft (only the secretariat sees drafts), or a "
        "withdrawn run (code trukket_tilbage, saying when; the secretariat still reads it)",
    )
    def get(self, run_id: int):
        """A run: fit statistics, warnings, caveat, coefficients, every municipality, inputs."""
        return document.full(service.readable_run(session(), principal(), run_id))


@blp.route("/<int:run_id>/publish")
class Publish(MethodView):
    @require(Permission.RUN_MODELS)
    @blp.response(200, schemas.RunSummarySchema)
    @blp.alt_response(409, description="Already published; a published run never changes")
    def post(self, run_id: int):
        """Publish a draft: from now on every principal of the agreement may read it."""
        p = principal()
        run = service.publish_run(
            session(), rammeaftale_id=p.rammeaftale_id, run_id=run_id, actor_org_id=p.org_id
        )
        return document.summary(run)


@blp.route("/<int:run_id>/withdraw")
class Withdraw(MethodView):
    @require(Permission.RUN_MODELS)
    @blp.response(200, schemas.RunSummarySchema)
    @blp.alt_response(409, description="Not published (a draft), or already withdrawn")
    def post(self, run_id: int):
        """Withdraw a published run (audited): it is kept as it was, readers see that and
        when it was withdrawn, and no reader uses its results any more."""
        p = principal()
        run = service.withdraw_run(
            session(),
            rammeaftale_id=p.rammeaftale_id,
            run_id=run_id,
            user_id=p.user_id,
            actor_org_id=p.org_id,
        )
        return document.summary(run)


@blp.route("/<int:run_id>/kommuner/<kode>")
class MunicipalityResult(MethodView):
    @require(Permission.READ_PUBLISHED)
    @blp.response(200, schemas.MunicipalityViewSchema)
    @blp.alt_response(404, description="No such run or municipality in the run")
    def get(self, run_id: int, kode: str):
        """One municipality's actual, expected, interval, index, outlier flag and peers, with
        the run's n, R², LOO R², RMSE, warnings and caveat."""
        run = service.readable_run(session(), principal(), run_id)
        found = document.municipality(run, kode)
        if found is None:
            raise NotFound(f"Kommunen {kode} indgår ikke i modelkørslen.")
        return found
