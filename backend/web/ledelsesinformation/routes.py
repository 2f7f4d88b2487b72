"""``/ledelsesinformation/<aar>``: tables A–E with their notes.

The secretariat sees the live draft (kladde) and publishes it; everyone else sees only
the latest published edition (404 when there is none), exactly as
``/api/v1/reports/ledelsesinformation/<aar>``. XLSX and CSV of the same edition come
from the existing writers (draft) or the snapshot's stored files (published).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from backend.errors import Conflict, DomainError, NotFound
from backend.fields import parse_int
from backend.http import principal, session
from backend.policy import Permission, can
from backend.reports import publishing
from backend.reports import service as reports
from backend.web.blueprint import web_blueprint
from backend.web.downloads import attachment
from backend.web.format import NO_DATA, NOT_APPLICABLE, Cell, text_cell
from backend.web.session import login_required

bp = web_blueprint("ledelsesinformation", __name__)

#: Measures where "no value" means the figure does not exist (a price without belægning).
_NOT_APPLICABLE_MEASURES = ("pris", "takstudvikling", "udvikling")


def _version() -> int | None:
    raw = request.args.get("version")
    if raw is None:
        return None
    version = parse_int(raw, minimum=1)
    if version is None:
        raise NotFound("Udgaven findes ikke.")
    return version


def _edition(aar: int) -> reports.Edition:
    """The draft for a reader who may read drafts, else the published edition."""
    return reports.edition_for(session(), principal(), aar, version=_version())


def _cell(value: dict[str, Any] | None, measure: str) -> Cell:
    if value is None or value.get("value") is None:
        if any(m in measure for m in _NOT_APPLICABLE_MEASURES):
            return Cell(NOT_APPLICABLE, "na")
        return Cell(NO_DATA, "missing")
    try:
        zero = Decimal(str(value["value"])) == 0
    except (InvalidOperation, ValueError):
        zero = False
    return Cell(value.get("text", str(value["value"])), "zero" if zero else "value")


def _tables(document: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for table in document["tables"]:
        columns = table["columns"]
        head = [*table["label_headers"], *(c["label"] for c in columns)]
        rows = []
        for row in table["rows"]:
            labels = [text_cell(label) for label in row["labels"]]
            values = [_cell(row["values"].get(c["key"]), c["measure"]) for c in columns]
            rows.append({"cells": [*labels, *values], "total": row["total"], "note": row["note"]})
        out.append({**table, "head": head, "body": rows, "n_labels": len(table["label_headers"])})
    return out


@bp.get("/ledelsesinformation/<int:aar>")
@login_required(Permission.READ_PUBLISHED)
def side(aar: int):
    found = _edition(aar)
    document, snap = found.document, found.snapshot
    editions = reports.snapshots(session(), principal().rammeaftale_id, aar)
    ready = None
    if snap is None and can(principal(), Permission.PUBLISH_EDITION):
        ready = publishing.readiness(session(), principal().rammeaftale_id, aar)
    return render_template(
        "ledelsesinformation/side.html",
        aar=aar,
        document=document,
        snapshot=snap,
        tables=_tables(document),
        editions=editions,
        draft=snap is None,
        version=request.args.get("version"),
        ready=ready,
    )


@bp.get("/ledelsesinformation/<int:aar>.<fmt>")
@login_required(Permission.READ_PUBLISHED)
def download(aar: int, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise NotFound("Filen findes kun som XLSX og CSV.")
    found = _edition(aar)
    return attachment(found.content(fmt), reports.EDITION_FORMATS[fmt], found.file_name(fmt))


@bp.get("/ledelsesinformation/<int:aar>/offentliggoerelse")
@login_required(Permission.PUBLISH_EDITION)
def klar(aar: int):
    """ "Klar til offentliggørelse?": coverage per organisation × stream, the PL index, the
    version a publish makes and the cells changed since the latest version; the button."""
    p = principal()
    ready = publishing.readiness(session(), p.rammeaftale_id, aar)
    changes: list[publishing.ChangedCell] = []
    if ready.can_publish and ready.latest_version:
        changes = publishing.changed_cells(session(), p.rammeaftale_id, aar)
    return render_template(
        "ledelsesinformation/offentliggoer.html", aar=aar, ready=ready, changes=changes
    )


@bp.post("/ledelsesinformation/<int:aar>/offentliggoer")
@login_required(Permission.PUBLISH_EDITION)
def offentliggoer(aar: int):
    p = principal()
    expected = parse_int(request.form.get("version"), minimum=1)
    try:
        if expected is not None:
            latest = reports.snapshots(session(), p.rammeaftale_id, aar)
            now = (latest[-1].version if latest else 0) + 1
            if now != expected:
                raise Conflict(
                    f"Siden var forældet: ledelsesinformationen for {aar} er offentliggjort "
                    f"som version {now - 1}, siden du åbnede den. Se ændringerne igen.",
                    code="samtidig_offentliggoerelse",
                )
        snap = reports.publish(
            session(),
            rammeaftale_id=p.rammeaftale_id,
            year=aar,
            user_id=p.user_id,
            actor_org_id=p.org_id,
        )
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        session().rollback()  # a refused publish writes nothing
        flash(exc.detail, "fejl")
        return redirect(url_for("ledelsesinformation.klar", aar=aar), code=303)
    flash(f"Ledelsesinformation {aar} er offentliggjort som version {snap.version}.")
    return redirect(url_for("ledelsesinformation.side", aar=aar, version=snap.version), code=303)
