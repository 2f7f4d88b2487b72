"""``/``: anonymous visitors to /log-ind, a logged-in user to the role's start page;
``/administration``: the platform admin's start page (what it does, and where: the CLI and
the API; it reads no agreement's data on the pages, only the mail that could not be
delivered: recipient, subject and error, never the body);
``/tilgaengelighed``: the accessibility statement (linked from every page's footer)."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from backend.http import session
from backend.notifications import service as notifications
from backend.policy import Permission
from backend.web.blueprint import web_blueprint
from backend.web.session import current_principal, login_required, start_page

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


@bp.get("/administration")
@login_required(Permission.ADMINISTER_PLATFORM)
def administration():
    return render_template(
        "forside/administration.html", failed_mail=notifications.failed_mail(session())
    )
