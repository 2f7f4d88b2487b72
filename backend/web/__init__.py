"""Server-rendered Danish pages: one area per subpackage, each a thin ``routes.py`` over
the same services the API calls, so tenancy, roles, drafts and audit are the API's.

``init_web(app)`` is called by the application factory. To add an area: a subpackage
with ``routes.py`` defining ``bp = web_blueprint(...)``, templates under
``templates/<area>/``, and one line in ``AREAS``.
"""

from __future__ import annotations

import importlib

from flask import Blueprint, Flask

from backend.web import blueprint, format, session
from backend.web.context import register_context

#: The web areas, each a module ``<area>.routes`` with a blueprint ``bp``.
AREAS = (
    "backend.web.forside",
    "backend.web.login",
    "backend.web.indberetning",
    "backend.web.sekretariat",
    "backend.web.ledelsesinformation",
    "backend.web.sammenligning",
    "backend.web.kommune",
)

#: Templates and static files (DKFDS, the site's own CSS) of every area.
assets = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)


def init_web(app: Flask) -> None:
    settings = app.config["RAMMETAL_SETTINGS"]
    session.configure(app, settings)
    blueprint.install(app)
    format.register(app)
    register_context(app)
    names = {assets.name}
    app.register_blueprint(assets)
    for area in AREAS:
        bp = importlib.import_module(f"{area}.routes").bp
        app.register_blueprint(bp)
        names.add(bp.name)
    app.extensions["rammetal.web.blueprints"] = names
