"""``/sekretariat``: the secretariat's pages.

The board (organisation × stream for the periods of a year, with late ones marked),
approve or reject a submitted version with a comment (the workflow service, as
``/api/v1/submissions/…/approve|reject``), the model runs with their diagnostics and
publish button, and which reference data is loaded for which years.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from flask import flash, redirect, render_template, request, url_for

from backend.db.base import utcnow
from backend.errors import DomainError, NotFound
from backend.fields import MAX_COMMENT, parse_int, text_problem
from backend.http import principal, session
from backend.periods import service as periods
from backend.periods.schemas import PeriodCreateSchema, PeriodUpdateSchema
from backend.periods.states import PeriodStatus
from backend.policy import Permission
from backend.reference import service as reference
from backend.reports.states import Publication
from backend.submissions import review, workflow
from backend.submissions import service as submissions
from backend.submissions.states import SubmissionStatus
from backend.tabular.media import MEDIA_TYPES
from backend.udgiftsbehov import document as model_document
from backend.udgiftsbehov import service as models
from backend.web.blueprint import web_blueprint
from backend.web.delivery import STATES
from backend.web.downloads import attachment
from backend.web.format import danish_date
from backend.web.labels import MIMETYPES, period_label
from backend.web.sammenligning import tables as t
from backend.web.sekretariat import modelkoersler as model_pages
from backend.web.sekretariat import perioder as period_forms
from backend.web.sekretariat import tavle as board_view
from backend.web.session import login_required

bp = web_blueprint("sekretariat", __name__)


def _board() -> board_view.Board:
    """The board of the request's year (``aar``), stream (``stroem``) and state
    (``status``) filters: the page and its download show the same."""
    return board_view.build(
        session(),
        rammeaftale_id=principal().rammeaftale_id,
        aar=parse_int(request.args.get("aar")),
        stream=request.args.get("stroem", ""),
        state=request.args.get("status", ""),
        today=utcnow().date(),
    )


@bp.get("/sekretariat/tavle.<fmt>")
@login_required(Permission.DECIDE)
def tavle_download(fmt: str):
    """The board as XLSX or CSV, filtered as the page: one row per organisation, one
    column per period, the cell's words ("Mangler – fristen er overskredet (kladde,
    version 1)"), and the column totals in the last row."""
    if fmt not in MIMETYPES:
        raise NotFound("Oversigten findes kun som XLSX og CSV.")
    board = _board()
    if not board.periods:
        raise NotFound(f"Der er ingen indberetningsperioder for {board.aar}.")

    def cell(kode: str, period) -> t.Cell:
        found = board.cells.get(kode, {}).get(period.id)
        return t.text(found.text) if found else t.not_applicable()

    rows = [
        t.Row((t.text(navn), *(cell(kode, x) for x in board.periods))) for kode, navn in board.rows
    ]
    rows.append(t.Row((t.text("I alt"), *(t.text(board.totals[x.id].text) for x in board.periods))))
    caption = f"Seneste version pr. organisation og datastrøm, {board.aar}"
    if board.filtered:
        caption += f" (kun {board.filter_words()})"
    table = t.Table(
        key="indberetninger",
        caption=caption,
        headers=(
            "Organisation",
            *(f"{period_label(x)} (frist {x.frist:%d.%m.%Y})" for x in board.periods),
        ),
        rows=tuple(rows),
    )
    aar = board.aar
    data = (
        t.table_xlsx(table, sheet=f"Indberetninger {aar}") if fmt == "xlsx" else t.table_csv(table)
    )
    return attachment(data, MIMETYPES[fmt], f"indberetninger_{aar}.{fmt}")


@bp.get("/sekretariat")
@login_required(Permission.DECIDE)
def tavle():
    board = _board()
    by_id = {x.id: x for x in board.all_periods}
    submitted = submissions.list_submissions(
        session(), status=SubmissionStatus.INDSENDT, limit=1000
    ).items
    # one queue across the years: every submitted version of the rammeaftale, oldest first
    waiting = sorted(
        (s for s in submitted if s.period_id in by_id),
        key=lambda s: s.submitted_at.timestamp() if s.submitted_at else 0.0,
    )
    return render_template(
        "sekretariat/tavle.html",
        board=board,
        aar=board.aar,
        year_options=[(y, str(y)) for y in board.years],
        state_options=list(STATES.items()),
        period_labels={x.id: period_label(x) for x in board.all_periods},
        waiting=waiting,
        period_by_id=by_id,
        ledelsesinformation=_accounts_approved(board),
    )


def _accounts_approved(board: board_view.Board) -> bool:
    """Whether an organisation's regnskab of the board's year is approved: before that the
    ledelsesinformation of the year has nothing to show (and cannot be restated), so the
    board says when it comes instead of linking to an error."""
    return any(
        row["seneste"] == SubmissionStatus.GODKENDT
        for p in board.all_periods
        if p.aar == board.aar and p.stream == "regnskab"
        for row in workflow.status_overview(session(), p)
    )


def _submission_of_form():
    try:
        submission_id = uuid.UUID(request.form.get("indberetning", ""))
    except ValueError:
        raise NotFound("Indberetningen findes ikke.") from None
    return submissions.get_submission(session(), submission_id)


def _back(submission) -> str:
    if request.form.get("tilbage") == "gennemsyn":
        return url_for("sekretariat.gennemsyn", submission_id=submission.id)
    aar = request.form.get("aar", "")
    return url_for("sekretariat.tavle", aar=aar) if aar else url_for("sekretariat.tavle")


@bp.get("/sekretariat/indberetning/<uuid:submission_id>")
@login_required(Permission.DECIDE)
def gennemsyn(submission_id: uuid.UUID):
    """One version as the secretariat reviews it before deciding: its lines with the offers'
    names and the change against the last approved values, the warnings, completeness
    against the register, the original file and the other versions."""
    p = principal()
    submission = submissions.get_submission(session(), submission_id)
    period = periods.get_period(
        session(), rammeaftale_id=p.rammeaftale_id, period_id=submission.period_id
    )
    return render_template(
        "sekretariat/gennemsyn.html",
        review=review.review(session(), submission, period),
        label=period_label(period),
        submission=submission,
        kan_besluttes=submission.status == SubmissionStatus.INDSENDT,
    )


@bp.get("/sekretariat/indberetning/<uuid:submission_id>/fil")
@login_required(Permission.DECIDE)
def original_fil(submission_id: uuid.UUID):
    """The file exactly as the organisation uploaded it."""
    submission = submissions.get_submission(session(), submission_id)
    data = submissions.get_file(session(), submission)
    media = MEDIA_TYPES.get(submission.file_format, "application/octet-stream")
    return attachment(data, media, submission.file_name)


@bp.post("/sekretariat/beslutning")
@login_required(Permission.DECIDE)
def beslutning():
    p = principal()
    submission = _submission_of_form()
    period = periods.get_period(
        session(), rammeaftale_id=p.rammeaftale_id, period_id=submission.period_id
    )
    kommentar = request.form.get("kommentar", "").strip()
    action = request.form.get("handling")
    who = f"{submission.organisation.navn}, {period_label(period)}, version {submission.version}"
    if problem := text_problem(kommentar, max_length=MAX_COMMENT):
        flash(f"Ikke gemt: kommentaren til {who} kan ikke bruges. {problem}", "fejl")
        return redirect(_back(submission), code=303)
    try:
        if action == "godkend":
            workflow.approve(
                session(), submission, period=period, actor=p, kommentar=kommentar or None
            )
            flash(f"Godkendt: {who}.")
        elif action == "afvis":
            if not kommentar:
                flash(f"Ikke afvist: skriv en begrundelse for afvisningen af {who}.", "fejl")
                return redirect(_back(submission), code=303)
            workflow.reject(session(), submission, actor=p, kommentar=kommentar)
            flash(f"Afvist: {who}.")
        else:
            raise NotFound("Handlingen findes ikke.")
    except DomainError as exc:
        if exc.status >= 500 or isinstance(exc, NotFound):
            raise
        session().rollback()  # a refused decision writes nothing (a failed flush included)
        flash(f"{who}: {exc.detail}", "fejl")
    return redirect(_back(submission), code=303)


# --- indberetningsperioder: create, move the deadline, close and reopen -----------------


@bp.get("/sekretariat/perioder")
@login_required(Permission.OPEN_PERIODS)
def perioder():
    """The periods of the rammeaftale by year, newest first, each with a link to change it."""
    by_year: dict[int, list] = defaultdict(list)
    for period in periods.list_periods(session(), rammeaftale_id=principal().rammeaftale_id):
        by_year[period.aar].append(period)
    return render_template(
        "sekretariat/perioder.html",
        by_year=sorted(by_year.items(), reverse=True),
        period_label=period_label,
    )


def _new_period_page(form: period_forms.PeriodForm, status: int = 200):
    return render_template(
        "sekretariat/periode_ny.html",
        form=form,
        stream_options=period_forms.stream_options(),
        quarter_options=period_forms.quarter_options(),
    ), status


@bp.get("/sekretariat/perioder/ny")
@login_required(Permission.OPEN_PERIODS)
def ny_periode():
    year = utcnow().year  # a year is typed; the deadline is chosen, never guessed
    return _new_period_page(
        period_forms.PeriodForm({"stream": "", "aar": str(year), "kvartal": "", "frist": ""})
    )


@bp.post("/sekretariat/perioder/ny")
@login_required(Permission.OPEN_PERIODS)
def opret_periode():
    """Open a period (the API's schema and service, audited); errors on the form, nothing
    written."""
    p = principal()
    form = period_forms.read(request.form, period_forms.CREATE_FIELDS)
    data = period_forms.load(PeriodCreateSchema(), form)
    if form.summary:
        return _new_period_page(form, 422)
    try:
        period = periods.create_period(
            session(), rammeaftale_id=p.rammeaftale_id, actor_org_id=p.org_id, **data
        )
    except DomainError as exc:
        if exc.status >= 500:
            raise
        session().rollback()  # a refused period writes nothing
        form.refused(exc)
        return _new_period_page(form, exc.status)
    flash(f"{period_label(period)} er oprettet med frist {danish_date(period.frist)}.")
    return redirect(url_for("sekretariat.perioder", _anchor=f"aar-{period.aar}"), code=303)


def _period_page(period, form: period_forms.PeriodForm, status: int = 200):
    return render_template(
        "sekretariat/periode.html",
        period=period,
        label=period_label(period),
        form=form,
        status_options=period_forms.status_options(),
    ), status


def _period_form(period) -> period_forms.PeriodForm:
    return period_forms.PeriodForm({"frist": period.frist.isoformat(), "status": period.status})


@bp.get("/sekretariat/perioder/<int:period_id>")
@login_required(Permission.OPEN_PERIODS)
def periode(period_id: int):
    period = periods.get_period(
        session(), rammeaftale_id=principal().rammeaftale_id, period_id=period_id
    )
    return _period_page(period, _period_form(period))


@bp.post("/sekretariat/perioder/<int:period_id>")
@login_required(Permission.OPEN_PERIODS)
def ret_periode(period_id: int):
    """Move the deadline, close or reopen (the API's PATCH: schema, service, the version
    the page showed as If-Match, audited); errors on the form, nothing written."""
    p = principal()
    period = periods.get_period(session(), rammeaftale_id=p.rammeaftale_id, period_id=period_id)
    form = period_forms.read(request.form, period_forms.UPDATE_FIELDS)
    data = period_forms.load(PeriodUpdateSchema(), form, required=period_forms.UPDATE_FIELDS)
    if form.summary:
        return _period_page(period, form, 422)
    before = (period.frist, period.status)
    try:
        periods.update_period(
            session(),
            period,
            actor_org_id=p.org_id,
            expected_version=parse_int(request.form.get("version")) or 0,
            **data,
        )
    except DomainError as exc:
        if exc.status >= 500 or isinstance(exc, NotFound):
            raise
        session().rollback()  # nothing written; the page shows the period as it is now
        period = periods.get_period(session(), rammeaftale_id=p.rammeaftale_id, period_id=period_id)
        form = _period_form(period)
        form.refused(exc)
        return _period_page(period, form, exc.status)
    flash(_changed(period, *before))
    return redirect(url_for("sekretariat.perioder", _anchor=f"aar-{period.aar}"), code=303)


def _changed(period, frist, status) -> str:
    label = period_label(period)
    done = []
    if period.frist != frist:
        done.append(f"fristen er flyttet fra {danish_date(frist)} til {danish_date(period.frist)}")
    if period.status != status:
        done.append(
            "perioden er lukket" if period.status == PeriodStatus.LUKKET else "perioden er genåbnet"
        )
    if not done:
        return f"{label}: ingen ændringer."
    return f"{label}: {' og '.join(done)}."


# The model runs' pages (issue 20, item 7): views in ``modelkoersler.py``.
bp.add_url_rule("/sekretariat/modelkoersler", "modelkoersler", model_pages.liste)
bp.add_url_rule(
    "/sekretariat/modelkoersler/ny", "ny_koersel", model_pages.ny, methods=["GET", "POST"]
)
bp.add_url_rule("/sekretariat/modelkoersler/<int:run_id>", "koersel", model_pages.koersel)
bp.add_url_rule(
    "/sekretariat/modelkoersler/<int:run_id>/offentliggoer",
    "offentliggoer_model",
    model_pages.offentliggoer,
    methods=["POST"],
)
bp.add_url_rule(
    "/sekretariat/modelkoersler/<int:run_id>/traek-tilbage",
    "traek_tilbage_model",
    model_pages.traek_tilbage,
    methods=["POST"],
)


def _warnings_text(warnings: tuple[model_document.RunWarning, ...]) -> str:
    return "; ".join(w.tekst for w in warnings) or "ingen"


@bp.get("/sekretariat/modelkoersler.<fmt>")
@login_required(Permission.RUN_MODELS)
def modelkoersler_download(fmt: str):
    """The model runs (newest first) as XLSX or CSV: n, R², LOO R² and RMSE as numbers."""
    if fmt not in MIMETYPES:
        raise NotFound("Modelkørslerne findes kun som XLSX og CSV.")
    runs = models.readable_runs(session(), principal())

    def status(r: model_document.RunSummary) -> str:
        label = Publication(r.status).label
        if r.status == Publication.OFFENTLIGGJORT and r.published_at:
            return f"{label} {r.published_at:%d.%m.%Y}"
        if r.status == Publication.TILBAGETRUKKET and r.withdrawn_at:
            return f"{label} {r.withdrawn_at:%d.%m.%Y}"
        return label

    rows = []
    for r in (model_document.run_summary(x) for x in reversed(runs)):
        navn = r.noegletal_navn + (f" ({r.maalgruppe})" if r.maalgruppe else "")
        rows.append(
            t.Row(
                (
                    t.integer(r.id),
                    t.text(navn),
                    t.text(", ".join(str(y) for y in r.aar)),
                    t.text(str(r.metode)),
                    t.integer(int(r.n)),
                    t.number(r.r2, 2),
                    t.number(r.loo_r2, 2),
                    t.number(r.rmse, 2),
                    t.text(_warnings_text(r.advarsler)),
                    t.text(status(r)),
                )
            )
        )
    table = t.Table(
        key="modelkoersler",
        caption="Modelkørsler (forventet udgiftsbehov), nyeste først",
        headers=(
            "Kørsel",
            "Nøgletal",
            "År",
            "Metode",
            "n",
            "R²",
            "LOO R²",
            "RMSE",
            "Advarsler",
            "Status",
        ),
        rows=tuple(rows),
        notes=("LOO R² er forklaringsgraden ved krydsvalidering (én kommune udeladt ad gangen).",),
        numeric=(True, False, False, False, True, True, True, True, False, False),
    )
    data = t.table_xlsx(table, sheet="Modelkørsler") if fmt == "xlsx" else t.table_csv(table)
    return attachment(data, MIMETYPES[fmt], f"modelkoersler.{fmt}")


def _reference_data() -> dict:
    s = session()
    population: dict[int, set[str]] = defaultdict(set)
    for row in reference.current_population(s):
        population[row.aar].add(row.omraade_kode)
    indicators: dict[str, set[int]] = defaultdict(set)
    for value in reference.current_indicators(s):
        indicators[value.indikator].add(value.aar)
    return {
        "population": sorted((y, len(areas)) for y, areas in population.items()),
        "pl_index": reference.current_pl_index(s),
        "indicators": sorted((k, sorted(v)) for k, v in indicators.items()),
        "definitions": {d.kode: d for d in reference.indicator_definitions(s)},
    }


@bp.get("/sekretariat/referencedata")
@login_required(Permission.DECIDE)
def referencedata():
    return render_template(
        "sekretariat/referencedata.html",
        **_reference_data(),
        imports=reference.list_imports(session()),
    )


REFERENCE_TABLES = {
    "folketal": "Folketal",
    "pl-indeks": "PL-indeks",
    "indikatorer": "Strukturindikatorer",
}


@bp.get("/sekretariat/referencedata/<tabel>.<fmt>")
@login_required(Permission.DECIDE)
def referencedata_download(tabel: str, fmt: str):
    """One of the reference-data tables (loaded population, PL index, indicators per
    year) as XLSX or CSV; counts and the index as numbers."""
    if fmt not in MIMETYPES or tabel not in REFERENCE_TABLES:
        raise NotFound(
            "Tabellen findes ikke (folketal, pl-indeks eller indikatorer; XLSX eller CSV)."
        )
    d = _reference_data()
    table: t.Table
    if tabel == "folketal":
        table = t.Table(
            key=tabel,
            caption="Folketal: indlæste områder pr. år",
            headers=("År", "Områder"),
            rows=tuple(t.Row((t.text(str(y)), t.integer(n))) for y, n in d["population"]),
            numeric=(False, True),
        )
    elif tabel == "pl-indeks":
        table = t.Table(
            key=tabel,
            caption="PL-indeks pr. år",
            headers=("År", "Indeks"),
            rows=tuple(t.Row((t.text(str(y)), t.number(v, 1))) for y, v in d["pl_index"].items()),
            numeric=(False, True),
        )
    else:
        definitions = d["definitions"]
        table = t.Table(
            key=tabel,
            caption="Strukturindikatorer: indlæste år",
            headers=("Indikator", "År", "Kilde"),
            rows=tuple(
                t.Row(
                    (
                        t.text(definitions[k].navn if k in definitions else k),
                        t.text(", ".join(str(y) for y in years)),
                        t.text(definitions[k].kilde if k in definitions else ""),
                    )
                )
                for k, years in d["indicators"]
            ),
        )
    sheet = REFERENCE_TABLES[tabel]
    data = t.table_xlsx(table, sheet=sheet) if fmt == "xlsx" else t.table_csv(table)
    return attachment(data, MIMETYPES[fmt], f"referencedata_{tabel}.{fmt}")
