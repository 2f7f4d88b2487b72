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

from backend.errors import DomainError, NotFound
from backend.fields import MAX_COMMENT, parse_int, text_problem
from backend.http import principal, session
from backend.periods import service as periods
from backend.policy import Permission
from backend.reference import service as reference
from backend.reports.states import Publication
from backend.submissions import service as submissions
from backend.submissions import workflow
from backend.submissions.states import SubmissionStatus
from backend.udgiftsbehov import document as model_document
from backend.udgiftsbehov import service as models
from backend.web.blueprint import web_blueprint
from backend.web.downloads import attachment
from backend.web.labels import BOARD_STATUS, MIMETYPES, period_label
from backend.web.sammenligning import tables as t
from backend.web.sekretariat import modelkoersler as model_pages
from backend.web.session import login_required

bp = web_blueprint("sekretariat", __name__)


def _years(all_periods) -> list[int]:
    return sorted({p.aar for p in all_periods}, reverse=True)


def _board():
    """(year, years, the year's periods, cells per organisation and period, names)."""
    p = principal()
    all_periods = periods.list_periods(session(), rammeaftale_id=p.rammeaftale_id)
    years = _years(all_periods)
    aar = parse_int(request.args.get("aar"))
    if aar is None:
        aar = years[0] if years else 0
    chosen = sorted((x for x in all_periods if x.aar == aar), key=lambda x: (x.stream, x.kvartal))
    cells: dict[str, dict[int, dict]] = defaultdict(dict)
    names: dict[str, str] = {}
    for period in chosen:
        for row in workflow.status_overview(session(), period):
            cells[row["organisation"]][period.id] = row
            names[row["organisation"]] = row["navn"]
    return aar, years, chosen, cells, names


@bp.get("/sekretariat/tavle.<fmt>")
@login_required(Permission.DECIDE)
def tavle_download(fmt: str):
    """The board of a year as XLSX or CSV (the tables writers): one row per organisation,
    one column per period, the status in words (late ones marked) and the version."""
    if fmt not in MIMETYPES:
        raise NotFound("Oversigten findes kun som XLSX og CSV.")
    aar, _years_, chosen, cells, names = _board()
    if not chosen:
        raise NotFound(f"Der er ingen indberetningsperioder for {aar}.")

    def cell(row: dict | None) -> t.Cell:
        if row is None:
            return t.not_applicable()
        words = BOARD_STATUS.get(row["status"], row["status"])
        if row.get("for_sent"):
            words += " (for sent)"
        if row.get("version"):
            words += f", version {row['version']}"
        return t.text(words)

    table = t.Table(
        key="indberetninger",
        caption=f"Seneste version pr. organisation og datastrøm, {aar}",
        headers=(
            "Organisation",
            *(f"{period_label(x)} (frist {x.frist:%d.%m.%Y})" for x in chosen),
        ),
        rows=tuple(
            t.Row((t.text(navn), *(cell(cells[kode].get(x.id)) for x in chosen)))
            for kode, navn in sorted(names.items(), key=lambda kv: kv[1])
        ),
    )
    data = (
        t.table_xlsx(table, sheet=f"Indberetninger {aar}") if fmt == "xlsx" else t.table_csv(table)
    )
    return attachment(data, MIMETYPES[fmt], f"indberetninger_{aar}.{fmt}")


@bp.get("/sekretariat")
@login_required(Permission.DECIDE)
def tavle():
    aar, years, chosen, cells, names = _board()
    submitted = submissions.list_submissions(
        session(), status=SubmissionStatus.INDSENDT, limit=1000
    ).items
    waiting = [s for s in submitted if any(s.period_id == x.id for x in chosen)]
    return render_template(
        "sekretariat/tavle.html",
        aar=aar,
        years=years,
        periods=chosen,
        period_labels={x.id: period_label(x) for x in chosen},
        orgs=sorted(names.items(), key=lambda kv: kv[1]),
        cells=cells,
        waiting=waiting,
        period_by_id={x.id: x for x in chosen},
    )


def _submission_of_form():
    try:
        submission_id = uuid.UUID(request.form.get("indberetning", ""))
    except ValueError:
        raise NotFound("Indberetningen findes ikke.") from None
    return submissions.get_submission(session(), submission_id)


def _back(submission) -> str:
    aar = request.form.get("aar", "")
    return url_for("sekretariat.tavle", aar=aar) if aar else url_for("sekretariat.tavle")


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
