"""``/kommune/<kode>``: the municipality profile (published nøgletal of a year against the
peer group, the region and the agreement; the trend of one nøgletal over the published
years; the expected need of every published model run), and its tables as XLSX/CSV.

Published data only, for every reading role; 404 for a code that is not a municipality
or region of the principal's rammeaftale (another agreement's towns are unknown here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from markupsafe import Markup

from backend.http import session as db_session
from backend.policy import Permission
from backend.reports.states import Publication
from backend.udgiftsbehov import document as run_document
from backend.udgiftsbehov import service as runs
from backend.web.blueprint import error_page, web_blueprint
from backend.web.kommune import service
from backend.web.sammenligning import routes as comparison_routes
from backend.web.sammenligning import service as comparison
from backend.web.sammenligning import tables as t
from backend.web.session import current_principal, login_required

bp = web_blueprint("kommune", __name__)


@dataclass
class Profile:
    kode: str
    navn: str
    choice: comparison_routes.Choice
    key_figures: t.Table | None
    trend: service.Trend | None
    trend_svg: Markup | None
    needs: list[tuple[service.ExpectedNeed, Markup | None]]
    peer_names: list[str]
    peer_indicators: list[str]
    #: "Modelkørsel 5 blev trukket tilbage 07.12.2026 …" for each withdrawn run
    withdrawn: list[str]


def _published_runs(ramme: int) -> tuple[list[run_document.RunDocument], list[str]]:
    """Every published model run of the agreement (never a draft, whoever asks), and what
    the page says of each withdrawn one (that and when; its results are not used)."""
    listed = runs.list_runs(db_session(), ramme, drafts=False)
    published = [
        run_document.run_document(r) for r in listed if r.status == Publication.OFFENTLIGGJORT
    ]
    withdrawn = [runs.withdrawn_text(r) for r in listed if r.status == Publication.TILBAGETRUKKET]
    return published, withdrawn


def _profile(kode: str) -> Profile | tuple[str, int]:
    p = current_principal()
    assert p is not None
    ramme = p.rammeaftale_id
    cat = comparison_routes.catalogue(ramme)
    if kode not in cat.municipalities and kode not in cat.regions:
        return error_page(404, f"Der findes ingen kommune med koden «{kode}» i rammeaftalen.")
    choice = comparison_routes.choose(request.args, ramme)
    cache = comparison_routes.render_cache()
    key_figures = trend = trend_svg = None
    peer_names: list[str] = []
    indicators: list[str] = []
    if choice.ok:
        assert choice.year is not None and choice.noegletal is not None
        doc = choice.doc
        assert doc is not None
        key_figures, _keys = service.key_figures(doc, kode, cat)
        peers = doc.peer_grupper
        peer_names = [cat.names.get(m, m) for m in peers.grupper.get(kode, ())]
        indicators = list(peers.indikatorer)
        docs = {
            y: comparison_routes.published_document(ramme, pub) for y, pub in choice.years.items()
        }
        noegletal, maalgruppe = choice.noegletal, choice.maalgruppe
        trend = cache.get(
            (
                "udvikling",
                ramme,
                tuple(pub.key for pub in choice.years.values()),
                noegletal,
                maalgruppe,
                kode,
            ),
            lambda: service.trend(
                docs, noegletal=noegletal, maalgruppe=maalgruppe, own=kode, cat=cat
            ),
        )
        trend_svg = Markup(trend.svg) if trend else None  # noqa: S704 - vl-convert's SVG
    needs = []
    published, withdrawn = _published_runs(ramme)
    for run in published:
        need = cache.get(
            ("udgiftsbehov", ramme, run.id, str(run.published_at), kode),
            lambda run=run: service.expected_need(run, kode),  # type: ignore[misc]
        )
        if need is not None:
            needs.append((need, Markup(need.svg) if need.svg else None))  # noqa: S704
    return Profile(
        kode,
        cat.names[kode],
        choice,
        key_figures,
        trend,
        trend_svg,
        needs,
        peer_names,
        indicators,
        withdrawn,
    )


@bp.get("/kommune/<kode>")
@login_required(Permission.READ_PUBLISHED)
def profil(kode: str) -> Any:
    profile = _profile(kode)
    if isinstance(profile, tuple):
        return profile
    choice = profile.choice
    params = {"aar": choice.year, "noegletal": choice.noegletal}
    if choice.maalgruppe:
        params["maalgruppe"] = choice.maalgruppe
    html = render_template(
        "kommune/profil.html",
        profile=profile,
        choice=choice,
        params=params,
        noegletal_options=comparison_routes.noegletal_options(choice) if choice.years else [],
        maalgruppe_options=comparison_routes.maalgruppe_options(choice),
        year_options=[(str(y), str(y)) for y in sorted(choice.years, reverse=True)],
        index_caveat=service.CAVEAT_DA,
        caveat=comparison.CAVEAT,
    )
    return html, choice.status


@bp.get("/kommune/<kode>/<tabel>.<fmt>")
@login_required(Permission.READ_PUBLISHED)
def tabel(kode: str, tabel: str, fmt: str) -> Any:
    if fmt not in comparison_routes.FORMATS:
        return error_page(404)
    profile = _profile(kode)
    if isinstance(profile, tuple):
        return profile
    if not profile.choice.ok and not tabel.startswith("udgiftsbehov-"):
        return error_page(
            profile.choice.status if profile.choice.years else 404,
            " ".join(m for _f, m in profile.choice.errors)
            or "Der er ingen offentliggjorte nøgletal.",
        )
    tables: dict[str, t.Table] = {}
    if profile.key_figures is not None:
        tables["noegletal"] = profile.key_figures
    if profile.trend is not None:
        tables["udvikling"] = profile.trend.table
    for need, _svg in profile.needs:
        tables[need.table.key] = need.table
    found = tables.get(tabel)
    if found is None:
        return error_page(404, "Tabellen findes ikke.")
    return comparison_routes.download(found, fmt, f"kommune_{kode}_{tabel}")
