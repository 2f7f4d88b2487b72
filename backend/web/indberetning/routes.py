"""``/indberetning``: the finance officer's page (reporter, org_admin).

The open periods of the own organisation with deadline and status; per period the
template (XLSX, CSV), the upload form (every error of a bad file in a table, the
warnings of a good one, then "Indsend") and the version history with the secretariat's
comments. The same service calls as ``/api/v1/periods/…/submissions`` and ``…/submit``.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from backend.auth import service as auth
from backend.auth.models import User
from backend.db.base import utcnow
from backend.errors import DomainError, NotFound
from backend.http import begin_writing, database, principal, reads_first, session
from backend.organisations.models import Organisation
from backend.periods import service as periods
from backend.periods.states import PeriodStatus
from backend.policy import Permission
from backend.submissions import review, workflow
from backend.submissions import service as submissions
from backend.web.blueprint import error_page, web_blueprint
from backend.web.delivery import delivery
from backend.web.downloads import attachment
from backend.web.format import danish_datetime
from backend.web.labels import MIMETYPES, STREAM_LABELS, SUBMISSION_STATUS, period_label
from backend.web.sammenligning import tables as t
from backend.web.session import login_required

bp = web_blueprint("indberetning", __name__)


def _period(period_id: int):
    return periods.get_period(
        session(), rammeaftale_id=principal().rammeaftale_id, period_id=period_id
    )


def _expected_version() -> int | None:
    """The latest version the page showed when the file was chosen (a stale tab's upload is
    refused, as If-Match does in the API); none when the form did not send it."""
    raw = request.form.get("forventet_version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def _own_org() -> Organisation:
    return session().get_one(Organisation, principal().org_id)


@bp.get("/indberetning")
@login_required(Permission.REPORT)
def oversigt():
    """The open periods in two tables: "Skal indberettes" (nothing submitted yet, the
    nearest deadline first) and "Afsluttet" (submitted or approved, newest first)."""
    p = principal()
    today = utcnow().date()
    todo, done = [], []
    for period in periods.list_periods(
        session(), rammeaftale_id=p.rammeaftale_id, status=PeriodStatus.AABEN
    ):
        own = workflow.status_overview(session(), period, today=today)
        state = delivery(own[0], period.frist, today) if own else None
        row = {"period": period, "label": period_label(period), "status": state}
        (done if state is not None and state.done else todo).append(row)
    todo.sort(key=lambda r: (r["period"].frist, r["label"]))
    user = session().get(User, p.user_id)
    return render_template(
        "indberetning/oversigt.html",
        todo=todo,
        done=done,
        stream_labels=STREAM_LABELS,
        paamindelser=user.paamindelser if user is not None else True,
    )


@bp.post("/indberetning/paamindelser")
@login_required(Permission.REPORT)
def paamindelser():
    """Turn one's own reminder mails on or off (the checkbox of the overview)."""
    on = "ja" in request.form.getlist("paamindelser")
    auth.set_reminders(session(), principal(), on)
    flash(
        "Du får påmindelser på mail før og efter fristerne."
        if on
        else "Du får ikke længere påmindelser på mail. Kvitteringer og svar fra sekretariatet får du stadig."
    )
    return redirect(url_for("indberetning.oversigt"), code=303)


def _versions(period) -> list:
    page = submissions.list_submissions(
        session(), period_id=period.id, stream=period.stream, limit=1000
    )
    return page.items


#: The errors of a failed upload travel back in the download form, signed; they are never stored.
ERRORS_SALT = "rammetal.web.indberetning.upload-fejl"
ERRORS_MAX_AGE = 30 * 60  # seconds: long enough to read the page and click, short to replay
ERROR_KEYS = ("sheet", "row", "column", "header", "value", "message")


def _errors_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=ERRORS_SALT)


def _signed_errors(period, errors: list[dict[str, Any]]) -> str:
    """The errors (as the page shows them), bound to the period and organisation."""
    rows = [
        {k: (e.get(k) if k == "row" or e.get(k) is None else str(e.get(k))) for k in ERROR_KEYS}
        for e in errors
    ]
    return _errors_signer().dumps({"p": period.id, "o": str(principal().org_id), "e": rows})


def _page(period, *, errors=None, problem=None, status=200, confirm=False):
    versions = _versions(period)
    latest = versions[0] if versions else None
    return (
        render_template(
            "indberetning/periode.html",
            period=period,
            label=period_label(period),
            versions=versions,
            latest=latest,
            upload_errors=errors or [],
            signed_errors=_signed_errors(period, errors) if errors else None,
            problem=problem,
            org=_own_org(),
            coverage=review.coverage_of(session(), latest, period) if latest else None,
            confirm=confirm,
        ),
        status,
    )


@bp.get("/indberetning/<int:period_id>")
@login_required(Permission.REPORT)
def periode(period_id: int):
    return _page(_period(period_id))


@bp.get("/indberetning/<int:period_id>/skabelon.<fmt>")
@login_required(Permission.REPORT)
def skabelon(period_id: int, fmt: str):
    period = _period(period_id)
    found = submissions.template_download(
        session(), principal(), period=period, stream=period.stream, fmt=fmt
    )
    return attachment(found.data, found.media_type, found.file_name)


@bp.get("/indberetning/<int:period_id>/versioner.<fmt>")
@login_required(Permission.REPORT)
def versioner_download(period_id: int, fmt: str):
    """The own organisation's versions of the period (newest first) as XLSX or CSV: the
    version and row count as numbers, the status in words, the secretariat's comment.
    (The errors of a failed upload are not stored: see :func:`fejl_download`.)"""
    if fmt not in MIMETYPES:
        raise NotFound("Versionerne findes kun som XLSX og CSV.")
    period = _period(period_id)
    org = _own_org()
    label = period_label(period)
    table = t.Table(
        key="versioner",
        caption=f"Versioner, {label}, {org.navn}, nyeste først",
        headers=("Version", "Fil", "Rækker", "Indlæst", "Status", "Sekretariatets kommentar"),
        rows=tuple(
            t.Row(
                (
                    t.integer(s.version),
                    t.text(s.file_name),
                    t.integer(s.row_count),
                    t.text(danish_datetime(s.uploaded_at)),
                    t.text(SUBMISSION_STATUS.get(s.status, s.status)),
                    t.text(s.decision_comment or ""),
                )
            )
            for s in _versions(period)
        ),
        numeric=(True, False, True, False, False, False),
    )
    data = t.table_xlsx(table, sheet="Versioner") if fmt == "xlsx" else t.table_csv(table)
    return attachment(data, MIMETYPES[fmt], f"Versioner {label} - {org.navn}.{fmt}")


@bp.post("/indberetning/<int:period_id>/fejl.<fmt>")
@login_required(Permission.REPORT)
def fejl_download(period_id: int, fmt: str):
    """The errors of a failed upload as XLSX or CSV. Nothing was stored: the page's form
    carries them back signed with the app's secret (own salt, 30 minutes); a tampered,
    expired or other period's payload is refused with 400."""
    if fmt not in MIMETYPES:
        raise NotFound("Fejlene findes kun som XLSX og CSV.")
    period = _period(period_id)
    org = _own_org()
    try:
        payload = _errors_signer().loads(request.form.get("fejl", ""), max_age=ERRORS_MAX_AGE)
    except BadSignature:
        return error_page(
            400,
            "Fejllisten kunne ikke hentes, fordi den er ændret eller for gammel. "
            "Indlæs filen igen for at se fejlene.",
        )
    if (
        not isinstance(payload, dict)
        or payload.get("p") != period.id
        or payload.get("o") != str(org.id)
    ):
        return error_page(400, "Fejllisten hører til en anden periode. Indlæs filen igen.")
    errors = payload.get("e") or []
    label = period_label(period)
    table = t.Table(
        key="fejl",
        caption=f"Fejl i filen ({len(errors)}), {label}, {org.navn}",
        headers=("Ark", "Række", "Kolonne", "Overskrift", "Værdi", "Fejl"),
        rows=tuple(
            t.Row(
                (
                    t.text(e.get("sheet") or ""),
                    t.integer(e["row"]) if isinstance(e.get("row"), int) else t.text(""),
                    t.text(e.get("column") or ""),
                    t.text(e.get("header") or ""),
                    t.text(e.get("value") if e.get("value") is not None else ""),
                    t.text(e.get("message") or ""),
                )
            )
            for e in errors
        ),
        numeric=(False, True, False, False, False, False),
    )
    data = t.table_xlsx(table, sheet="Fejl") if fmt == "xlsx" else t.table_csv(table)
    return attachment(data, MIMETYPES[fmt], f"Fejl i filen {label} - {org.navn}.{fmt}")


@bp.post("/indberetning/<int:period_id>")
@reads_first
@login_required(Permission.REPORT)
def upload(period_id: int):
    p = principal()
    period = _period(period_id)
    part = request.files.get("fil")
    if part is None or not part.filename:
        return _page(period, problem=("fil", "Vælg den fil, du vil indlæse."), status=422)
    data, filename = part.read(), part.filename
    if not data:
        return _page(period, problem=("fil", "Filen er tom."), status=422)
    try:
        submission = submissions.upload_as(
            session(),
            p,
            period=period,
            stream=period.stream,
            filename=filename,
            data=data,
            max_bytes=request.max_content_length or len(data),
            expected_latest_version=_expected_version(),
            begin_writing=begin_writing,
            database=database(),
        )
    except submissions.UploadInvalid as exc:
        return _page(period, errors=exc.errors or [], problem=("fil", exc.detail), status=422)
    except DomainError as exc:
        session().rollback()  # a refused upload writes nothing; the page reads afresh
        return _page(period, problem=("fil", exc.detail), status=exc.status)
    flash(f"Version {submission.version} er indlæst som kladde. Se den nedenfor, og indsend den.")
    return redirect(url_for("indberetning.periode", period_id=period.id) + "#seneste", code=303)


@bp.post("/indberetning/<int:period_id>/indsend")
@login_required(Permission.REPORT)
def indsend(period_id: int):
    period = _period(period_id)
    try:
        submission_id = uuid.UUID(request.form.get("indberetning", ""))
    except ValueError:
        return _page(period, problem=(None, "Vælg den version, der skal indsendes."), status=422)
    submission = submissions.get_submission(session(), submission_id)
    if submission.period_id != period.id:
        raise NotFound("Indberetningen findes ikke.")
    covered = review.coverage_of(session(), submission, period)
    if covered is not None and not covered.complete and request.form.get("bekraeft") != "ja":
        problem = (
            "bekraeft",
            f"Version {submission.version} er ikke komplet ({covered.text}). Bekræft, at den "
            "skal indsendes alligevel, eller indlæs en komplet fil.",
        )
        return _page(period, problem=problem, status=422, confirm=True)
    try:
        workflow.submit(session(), submission, period=period, actor=principal())
    except DomainError as exc:
        session().rollback()  # a refused submit writes nothing; the page reads afresh
        return _page(period, problem=(None, exc.detail), status=exc.status)
    flash(f"Version {submission.version} er indsendt til sekretariatet.")
    return redirect(url_for("indberetning.periode", period_id=period.id), code=303)
