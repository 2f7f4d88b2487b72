"""``/sammenligning`` (one published nøgletal, every organisation ranked), its table as
XLSX/CSV, and ``/definitioner`` (every nøgletal's definition, one click from each figure).

Published data only, for every reading role (the API's readers); a draft is never read.
Unknown or unpublished choices get the page with a Danish error summary, never a 500."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, render_template, request
from markupsafe import Markup

from backend.fields import parse_int
from backend.http import session as db_session
from backend.policy import Permission
from backend.reports.noegletal import NoegletalDocument
from backend.tabular.media import TABLE_FORMATS
from backend.web.blueprint import error_page, web_blueprint
from backend.web.sammenligning import service
from backend.web.sammenligning import tables as t
from backend.web.session import current_principal, login_required

bp = web_blueprint(
    "sammenligning",
    __name__,
    static_folder="static",
    static_url_path="/assets/sammenligning",
)

FORMATS = TABLE_FORMATS


def render_cache() -> service.RenderCache:
    cache = current_app.extensions.get("rammetal.web.render_cache")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "rammetal.web.render_cache", service.RenderCache()
        )
    return cache


@dataclass
class Choice:
    """The request's year, nøgletal and målgruppe, checked against what is published."""

    years: dict[int, service.Published]
    year: int | None = None
    noegletal: str | None = None
    maalgruppe: str | None = None
    doc: NoegletalDocument | None = None
    cat: service.Catalogue | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    status: int = 200

    def fail(self, field_id: str, message: str, status: int = 400) -> None:
        self.errors.append((field_id, message))
        self.status = max(self.status, status)

    @property
    def ok(self) -> bool:
        return not self.errors and self.doc is not None


def published_document(ramme: int, published: service.Published) -> NoegletalDocument:
    return render_cache().get(
        ("dokument", ramme, published.key),
        lambda: service.document(db_session(), ramme, published, catalogue(ramme).municipalities),
    )


def catalogue(ramme: int) -> service.Catalogue:
    return render_cache().get(("katalog", ramme), lambda: service.catalogue(db_session(), ramme))


def choose(args: Any, ramme: int, *, default_noegletal: str = service.DEFAULT_NOEGLETAL) -> Choice:
    """Parse ``aar``, ``noegletal`` and ``maalgruppe`` (all optional: the latest published
    year, the default nøgletal, all målgrupper)."""
    choice = Choice(service.published_years(db_session(), ramme))
    choice.cat = catalogue(ramme)
    raw_year = (args.get("aar") or "").strip()
    if not choice.years:
        if raw_year:
            choice.fail("aar", f"Der er ikke offentliggjort nøgletal for {raw_year}.", 404)
        return choice
    if not raw_year:
        choice.year = max(choice.years)
    elif (year := parse_int(raw_year, minimum=0)) is None:
        choice.fail("aar", f"Året «{raw_year}» er ikke et årstal. Vælg et år på listen.")
        return choice
    elif year not in choice.years:
        choice.fail(
            "aar",
            f"Der er ikke offentliggjort nøgletal for {year}. Vælg et år på listen.",
            404,
        )
        return choice
    else:
        choice.year = year
    doc = published_document(ramme, choice.years[choice.year])
    options = service.options(doc)
    noegletal = (args.get("noegletal") or "").strip()
    if not noegletal:
        noegletal = default_noegletal if default_noegletal in options else next(iter(options))
    elif noegletal not in options:
        choice.fail(
            "noegletal",
            f"Nøgletallet «{noegletal}» findes ikke blandt de offentliggjorte nøgletal for "
            f"{choice.year}. Vælg et nøgletal på listen.",
        )
        return choice
    choice.noegletal = noegletal
    maalgruppe = (args.get("maalgruppe") or "").strip() or None
    if maalgruppe is not None and maalgruppe not in options[noegletal]:
        known = maalgruppe in choice.cat.maalgrupper
        navn = choice.cat.maalgrupper.get(maalgruppe, maalgruppe)
        choice.fail(
            "maalgruppe",
            f"Nøgletallet er ikke offentliggjort for målgruppen «{navn}» i {choice.year}. "
            "Vælg «Alle målgrupper» eller en anden målgruppe."
            if known
            else f"Målgruppen «{maalgruppe}» findes ikke. Vælg en målgruppe på listen.",
        )
        return choice
    choice.maalgruppe = maalgruppe
    choice.doc = doc
    return choice


def noegletal_options(choice: Choice) -> list[tuple[str, str]]:
    if choice.doc is None and choice.year is None:
        return []
    year = choice.year or max(choice.years)
    doc = choice.doc or published_document(current_principal().rammeaftale_id, choice.years[year])  # type: ignore[union-attr]
    names = {n.id: n.navn for n in doc.noegletal}
    return list(names.items())


def maalgruppe_options(choice: Choice) -> list[tuple[str, str]]:
    assert choice.cat is not None
    return [("", "Alle målgrupper"), *choice.cat.maalgrupper.items()]


def own_code() -> str:
    p = current_principal()
    assert p is not None
    return p.org_kode


def comparison_of(choice: Choice) -> tuple[service.Comparison, Markup]:
    """The comparison of ``choice`` for the principal's organisation, and its rendered
    HTML (chart, sentence, averages, table): built once per published snapshot, choice and
    own organisation (the cache key holds the snapshot's id, version and inputs hash, so
    a new publication is a new key)."""
    p = current_principal()
    assert p is not None and choice.doc is not None and choice.cat is not None
    assert choice.year is not None and choice.noegletal is not None
    published = choice.years[choice.year]
    doc, cat = choice.doc, choice.cat
    noegletal, maalgruppe, own = choice.noegletal, choice.maalgruppe, p.org_kode
    params = {"noegletal": noegletal, "aar": choice.year}
    if maalgruppe:
        params["maalgruppe"] = maalgruppe

    def build() -> tuple[service.Comparison, Markup]:
        comparison = service.comparison(
            doc, noegletal=noegletal, maalgruppe=maalgruppe, own=own, cat=cat
        )
        html = render_template(
            "sammenligning/_resultat.html",
            comparison=comparison,
            svg=Markup(comparison.svg),  # noqa: S704 - vl-convert's SVG (text escaped by Vega)
            caveat=service.CAVEAT,
            params=params,
            published=published,
        )
        return comparison, Markup(html)  # noqa: S704 - our own template's output

    return render_cache().get(
        ("sammenligning", p.rammeaftale_id, published.key, noegletal, maalgruppe, own), build
    )


def download(table: t.Table, fmt: str, name: str) -> Response:
    data = t.table_xlsx(table) if fmt == "xlsx" else t.table_csv(table)
    return Response(
        data,
        content_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


@bp.get("/sammenligning")
@login_required(Permission.READ_PUBLISHED)
def side() -> Any:
    p = current_principal()
    assert p is not None
    choice = choose(request.args, p.rammeaftale_id)
    comparison, result = comparison_of(choice) if choice.ok else (None, None)
    html = render_template(
        "sammenligning/side.html",
        choice=choice,
        comparison=comparison,
        result=result,
        noegletal_options=noegletal_options(choice) if choice.years else [],
        maalgruppe_options=maalgruppe_options(choice),
        year_options=[(str(y), str(y)) for y in sorted(choice.years, reverse=True)],
    )
    return html, choice.status


@bp.get("/sammenligning/tabel.<fmt>")
@login_required(Permission.READ_PUBLISHED)
def tabel(fmt: str) -> Any:
    if fmt not in FORMATS:
        return error_page(404)
    p = current_principal()
    assert p is not None
    choice = choose(request.args, p.rammeaftale_id)
    if not choice.years:
        return error_page(404, "Der er endnu ikke offentliggjort nøgletal.")
    if not choice.ok:
        return error_page(choice.status, " ".join(message for _f, message in choice.errors))
    comparison, _html = comparison_of(choice)
    name = (
        f"sammenligning_{comparison.noegletal}_{comparison.maalgruppe or 'alle'}_{comparison.year}"
    )
    return download(comparison.table, fmt, name)


@bp.get("/definitioner")
@login_required(Permission.READ_PUBLISHED)
def definitioner() -> Any:
    return render_template("sammenligning/definitioner.html", definitioner=service.definitions())
