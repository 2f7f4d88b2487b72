"""Application factory."""

from __future__ import annotations

import logging
from pathlib import Path

import swagger_ui_bundle
from flask import Flask, send_from_directory
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema

import backend.models  # noqa: F401  (the model registry: every mapper known)
from backend import http
from backend.auth import service as auth_service
from backend.config import Settings
from backend.db.session import Database
from backend.http import openapi, problems
from backend.http.converters import BoundedIntConverter
from backend.json_provider import OrjsonProvider
from backend.periods.models import STREAMS
from backend.web import init_web

API_PREFIX = "/api/v1"
SWAGGER_ASSETS = "/api/docs/assets/"


class _Flask(Flask):
    json_provider_class = OrjsonProvider


def _api_config(settings: Settings) -> dict[str, object]:
    return {
        "API_TITLE": "Rammetal",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        # Swagger UI is served from the installed swagger-ui-bundle, not a CDN.
        "OPENAPI_SWAGGER_UI_URL": SWAGGER_ASSETS,
        "API_SPEC_OPTIONS": {
            "info": {
                "description": (
                    "Rammetal: data platform for the rammeaftale on specialised social services. "
                    "Authenticate with `Authorization: Bearer <token>` (POST /api/v1/auth/tokens). "
                    "Errors are application/problem+json (RFC 9457) with a stable `code`."
                )
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "opaque"}
                }
            },
            "security": [{"bearerAuth": []}],
        },
        "MAX_CONTENT_LENGTH": settings.max_request_bytes,
    }


def create_app(settings: Settings | None = None, database: Database | None = None) -> Flask:
    """Build the app. Does not migrate: ``rammetal db upgrade`` is a deploy step."""
    settings = settings or Settings.from_env()
    app = _Flask(__name__)
    app.config.update(_api_config(settings))
    app.config["RAMMETAL_SETTINGS"] = settings
    app.extensions["rammetal.db"] = database or Database(
        settings.database_url, pool_size=settings.pool_size
    )

    api = Api(app)
    api.register_converter(BoundedIntConverter, integerconverter2paramschema)
    # the real problem+json errors, statuses, content types and headers; the streams as an enum
    openapi.install(api, path_enums={"stream": STREAMS})
    app.extensions["rammetal.api"] = api
    problems.register(app)  # after Api(): replaces flask-smorest's own error handler
    http.init_app(app, auth_service)
    _register_blueprints(app, api)
    _serve_swagger_assets(app)
    init_web(app)
    logging.getLogger("backend").setLevel(logging.INFO)
    return app


def _register_blueprints(app: Flask, api: Api) -> None:
    from backend.auth.routes import blp as auth_blp
    from backend.health.routes import blp as health_blp
    from backend.offers.routes import blp as offers_blp
    from backend.organisations.routes import blp as organisations_blp
    from backend.periods.routes import blp as periods_blp
    from backend.reference.routes import blp as reference_blp
    from backend.reports.routes import blp as reports_blp
    from backend.submissions.routes import blp as submissions_blp
    from backend.udgiftsbehov.routes import blp as udgiftsbehov_blp

    for blp in (
        auth_blp,
        organisations_blp,
        offers_blp,
        periods_blp,
        submissions_blp,
        reference_blp,
        reports_blp,
        udgiftsbehov_blp,
    ):
        api.register_blueprint(blp, url_prefix=API_PREFIX + (blp.url_prefix or ""))
    app.register_blueprint(health_blp)


def _serve_swagger_assets(app: Flask) -> None:
    assets = Path(swagger_ui_bundle.swagger_ui_path)

    @app.get(SWAGGER_ASSETS + "<path:filename>")
    def swagger_asset(filename: str):
        return send_from_directory(assets, filename)
