"""``/``: anonymous visitors to /log-ind, a logged-in user to the role's start page;
``/tilgaengelighed``: the accessibility statement (linked from every page's footer)."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from backend.web.blueprint import web_blueprint
from backend.web.session import current_principal, start_page

bp = web_blueprint("forside", __name__)


@bp.get("/")
def forside():
    p = current_principal()
    if p is None:
        return redirect(url_for("login.log_ind"))
    return redirect(start_page(p.role))


@bp.get("/tilgaengelighed")
def tilgaengelighed():
    return render_template("forside/tilgaengelighed.html")
