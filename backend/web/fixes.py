"""Who can fix a refused request, and where: the error pages name them (issue 20, item 6).

A :class:`~backend.errors.DomainError` carries a stable ``code``; :func:`fix_for` turns the
codes a user can do something about into a sentence naming who can fix it and, when the
reader may go there, a link to the page where it is fixed."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for

from backend.errors import DomainError
from backend.policy import Permission, can
from backend.web.session import current_principal


@dataclass(frozen=True)
class Fix:
    who: str
    href: str | None = None
    link_text: str | None = None


def _may(permission: Permission) -> bool:
    p = current_principal()
    return p is not None and can(p, permission)


def _year() -> int | None:
    value = (request.view_args or {}).get("aar")
    return value if isinstance(value, int) else None


def fix_for(exc: DomainError) -> Fix | None:
    """The fix of ``exc`` as the current reader may act on it (None: nothing to say)."""
    if exc.code == "pl_indeks_mangler":
        who = (
            "Platformsadministratoren kan indlæse PL-indekset (Danmarks Statistiks pris- og "
            "lønindeks) for de manglende år."
        )
        if _may(Permission.DECIDE):
            return Fix(
                who, url_for("sekretariat.referencedata"), "Se hvilke referencedata der er indlæst"
            )
        return Fix(who)
    if exc.code == "ingen_data":
        who = "Sekretariatet godkender indberetningerne; først da kan tabellerne beregnes."
        if _may(Permission.DECIDE):
            return Fix(who, url_for("sekretariat.tavle"), "Gå til indberetningerne")
        return Fix(who)
    if exc.code == "ikke_offentliggjort":
        year = _year()
        who = "Sekretariatet offentliggør ledelsesinformationen, når årets data er godkendt."
        if year is not None and _may(Permission.PUBLISH_EDITION):
            return Fix(
                who,
                url_for("ledelsesinformation.klar", aar=year),
                f"Se om {year} er klar til offentliggørelse",
            )
        return Fix(who)
    return None
