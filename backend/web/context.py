"""What every page template gets: the principal, the user's name, organisation and role
label, and the navigation of the role."""

from __future__ import annotations

from typing import Any

from flask import Flask, g

from backend.auth import service as auth_service
from backend.context import Principal
from backend.db.tenancy import require_scope
from backend.http import session as db_session
from backend.periods.states import PeriodStatus
from backend.policy import Permission, can, role_label
from backend.reports.states import Publication
from backend.submissions.states import SubmissionStatus
from backend.web.labels import BOARD_STATUS, STREAM_LABELS, SUBMISSION_STATUS
from backend.web.session import current_principal

#: The navigation: (label, path, permission), in order; a user sees the items they may use,
#: the first of them their start page.
NAVIGATION: tuple[tuple[str, str, Permission], ...] = (
    ("Indberetning", "/indberetning", Permission.REPORT),
    ("Sekretariat", "/sekretariat", Permission.DECIDE),
    ("Sammenligning", "/sammenligning", Permission.READ_PUBLISHED),
    ("Administration", "/administration", Permission.ADMINISTER_PLATFORM),
)


def navigation(principal: Principal) -> tuple[tuple[str, str], ...]:
    return tuple((label, path) for label, path, needed in NAVIGATION if can(principal, needed))


def _identity() -> dict[str, Any]:
    p = current_principal()
    if p is None:
        return {"principal": None, "navigation": ()}
    if "web_identity" not in g:
        me: dict[str, Any] = auth_service.describe(db_session(), p, require_scope())
        g.web_identity = {
            "principal": p,
            "user_navn": me["navn"],
            "org_navn": me["organisation"].navn if me["organisation"] else p.org_kode,
            "role_label": role_label(p.role),
            "navigation": navigation(p),
        }
    return g.web_identity


def _labels() -> dict[str, Any]:
    return {
        "stream_labels": STREAM_LABELS,
        "submission_status": SUBMISSION_STATUS,
        "board_status": lambda status: BOARD_STATUS.get(status, status),
        "SubmissionStatus": SubmissionStatus,
        "PeriodStatus": PeriodStatus,
        "Publication": Publication,
    }


def register_context(app: Flask) -> None:
    app.context_processor(_identity)
    app.context_processor(_labels)
