"""The secretariat's model runs on the pages (issue 20, item 7): the list, the "Ny kørsel"
form, a page per run (indicators, coefficients, fit, warnings as Danish text, a watermarked
preview of exactly what the kommune pages show, "Offentliggør" disabled with its reason,
"Træk tilbage" for a published run).

The same services as the API and the CLI (``backend.udgiftsbehov.service``); the preview
is the kommune page's own rendering (``backend.web.kommune.service.expected_need`` and the
``kommune/_udgiftsbehov.html`` macro). The views are registered on the sekretariat
blueprint by ``routes.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup

from backend.errors import DomainError, Invalid, NotFound
from backend.fields import parse_int
from backend.http import principal, session
from backend.organisations import service as organisations
from backend.policy import Permission
from backend.reports.states import Publication
from backend.udgiftsbehov import document as model_document
from backend.udgiftsbehov import service as models
from backend.udgiftsbehov.models import METHODS
from backend.web.format import method_name
from backend.web.kommune import service as kommune
from backend.web.session import login_required
from benchmark.noegletal import REGISTRY

#: The form's method choice: "" is the default, explained.
DEFAULT_METHOD_TEXT = (
    "Standard (anbefalet): log-modellen (forholdsvise forskelle) for et nøgletal, der er over "
    "0 for alle kommuner i modellen og ikke kan være negativt; ellers lineær regression "
    "(OLS). Log-modellen giver aldrig negative forventede værdier eller intervalgrænser."
)


def _maalgrupper() -> dict[str, str]:
    return {
        m.kode: m.navn
        for m in organisations.list_maalgrupper(session(), principal().rammeaftale_id)
    }


@login_required(Permission.RUN_MODELS)
def liste() -> Any:
    runs = models.readable_runs(session(), principal())
    summaries = [model_document.run_summary(r) for r in reversed(runs)]
    return render_template(
        "sekretariat/modelkoersler.html",
        runs=summaries,
        refusals={
            r.id: refusal.detail
            for r in runs
            if (refusal := models.publish_refusal(r)) is not None and r.status == Publication.KLADDE
        },
        maalgrupper=_maalgrupper(),
    )


@dataclass
class Form:
    """What the "Ny kørsel" form was sent with (to show it again with its errors)."""

    noegletal: str = ""
    maalgruppe: str = ""
    aar: tuple[int, ...] = ()
    indikatorer: tuple[str, ...] = ()
    metode: str = ""


def _form_options() -> dict[str, Any]:
    indicators = models.available_indicators(session(), principal().rammeaftale_id)
    years = sorted({y for i in indicators for y in i["aar"]}, reverse=True)
    return {
        "noegletal_options": sorted(
            ((k, n.navn) for k, n in REGISTRY.items()), key=lambda kv: kv[1].lower()
        ),
        "maalgruppe_options": sorted(_maalgrupper().items(), key=lambda kv: kv[1].lower()),
        "indicators": indicators,
        "years": years,
        "methods": [(m, method_name(m)) for m in METHODS],
        "default_method_text": DEFAULT_METHOD_TEXT,
    }


def _errors_of(exc: DomainError) -> list[tuple[str, str]]:
    """(field id, message) for the error summary: each message once, linked to its field."""
    field_ids = {
        "noegletal": "noegletal",
        "maalgruppe": "maalgruppe",
        "aar": "aar-0",
        "indikatorer": "indikator-0",
        "metode": "metode-standard",
    }
    out: list[tuple[str, str]] = []
    for e in exc.errors or []:
        item = (field_ids.get(str(e.get("field")), ""), str(e.get("message")))
        if item not in out:
            out.append(item)
    return out or [("", exc.detail)]


def _read_form() -> tuple[Form, list[tuple[str, str]]]:
    f = request.form
    years = tuple(y for y in (parse_int(v) for v in f.getlist("aar")) if y is not None)
    form = Form(
        noegletal=f.get("noegletal", ""),
        maalgruppe=f.get("maalgruppe", ""),
        aar=years,
        indikatorer=tuple(f.getlist("indikatorer")),
        metode=f.get("metode", ""),
    )
    errors = []
    if form.noegletal not in REGISTRY:
        errors.append(("noegletal", "Vælg et nøgletal."))
    if not form.aar:
        errors.append(("aar-0", "Vælg mindst ét år."))
    if not form.indikatorer:
        errors.append(("indikator-0", "Vælg mindst én indikator."))
    if form.metode and form.metode not in METHODS:
        errors.append(("metode-standard", "Vælg en af metoderne."))
    return form, errors


@login_required(Permission.RUN_MODELS)
def ny() -> Any:
    if request.method == "GET":
        return render_template(
            "sekretariat/ny_koersel.html", form=Form(), errors=[], **_form_options()
        )
    form, errors = _read_form()
    if not errors:
        p = principal()
        try:
            run = models.run_model(
                session(),
                rammeaftale_id=p.rammeaftale_id,
                noegletal=form.noegletal,
                maalgruppe=form.maalgruppe or None,
                years=form.aar,
                indicators=form.indikatorer,
                method=form.metode or None,
                params={},
                user_id=p.user_id,
                actor_org_id=p.org_id,
            )
        except Invalid as exc:
            session().rollback()
            errors = _errors_of(exc)
        else:
            flash(f"Modelkørsel {run.id} er beregnet og gemt som kladde.")
            return redirect(url_for("sekretariat.koersel", run_id=run.id), code=303)
    html = render_template(
        "sekretariat/ny_koersel.html", form=form, errors=errors, **_form_options()
    )
    return html, 422


@dataclass(frozen=True)
class Preview:
    kode: str
    navn: str
    need: kommune.ExpectedNeed
    svg: Markup | None


def _preview(run: model_document.RunDocument, kode: str | None) -> Preview | None:
    """What the kommune page of ``kode`` (default: the first municipality of the run) would
    show of the run, rendered by the kommune page's own code."""
    towns = sorted({(r.navn, r.kode) for r in run.kommuner})
    if not towns:
        return None
    chosen = next((t for t in towns if t[1] == kode), towns[0])
    need = kommune.expected_need(run, chosen[1])
    if need is None:
        return None
    svg = Markup(need.svg) if need.svg else None  # noqa: S704 - vl-convert's SVG
    return Preview(chosen[1], chosen[0], need, svg)


@login_required(Permission.RUN_MODELS)
def koersel(run_id: int) -> Any:
    run = models.readable_run(session(), principal(), run_id)
    doc = model_document.run_document(run)
    refusal = models.publish_refusal(run)
    maalgrupper = _maalgrupper()
    return render_template(
        "sekretariat/koersel.html",
        run=doc,
        refusal=refusal.detail
        if refusal is not None and run.status == Publication.KLADDE
        else None,
        maalgruppe_navn=maalgrupper.get(doc.maalgruppe, doc.maalgruppe) if doc.maalgruppe else None,
        preview=_preview(doc, request.args.get("kommune")),
        kommune_options=[
            (kode, navn) for navn, kode in sorted({(r.navn, r.kode) for r in doc.kommuner})
        ],
        method=method_name(doc.metode),
        default_method_text=DEFAULT_METHOD_TEXT,
        index_caveat=kommune.CAVEAT_DA,
    )


def _refused(exc: DomainError) -> None:
    if exc.status >= 500 or isinstance(exc, NotFound):
        raise exc
    session().rollback()  # a refused action writes nothing
    flash(exc.detail, "fejl")


@login_required(Permission.RUN_MODELS)
def offentliggoer(run_id: int) -> Any:
    p = principal()
    try:
        run = models.publish_run(
            session(), rammeaftale_id=p.rammeaftale_id, run_id=run_id, actor_org_id=p.org_id
        )
        flash(f"Modelkørsel {run.id} er offentliggjort og vises nu på kommunesiderne.")
    except DomainError as exc:
        _refused(exc)
    return redirect(url_for("sekretariat.koersel", run_id=run_id), code=303)


@login_required(Permission.RUN_MODELS)
def traek_tilbage(run_id: int) -> Any:
    p = principal()
    try:
        run = models.withdraw_run(
            session(),
            rammeaftale_id=p.rammeaftale_id,
            run_id=run_id,
            user_id=p.user_id,
            actor_org_id=p.org_id,
        )
        flash(
            f"Modelkørsel {run.id} er trukket tilbage. Kommunesiderne viser den ikke længere, "
            "men nævner, at og hvornår den blev trukket tilbage."
        )
    except DomainError as exc:
        _refused(exc)
    return redirect(url_for("sekretariat.koersel", run_id=run_id), code=303)
