"""What the municipality profile shows, from published outputs only: every published
nøgletal of a year against the peer group, the region and the agreement; the trend of one
nøgletal over the published years; and each published model run's expected need.

The nøgletal come from the published snapshots (``backend.web.sammenligning.service``),
the model runs from ``backend.udgiftsbehov`` (published runs only, as the API shows them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backend.reports.noegletal import NoegletalDocument
from backend.udgiftsbehov import document as run_document
from backend.web import charts
from backend.web import format as web_format
from backend.web.sammenligning import service as comparison
from backend.web.sammenligning import tables as t
from benchmark.expected_need import CAVEAT_DA

NO_EXPLANATION = (
    "Modellen forklarer ikke forskellene mellem kommunerne (forklaringsgraden ved "
    "udeladelse af én kommune er 0 eller lavere); der vises ingen forventede værdier."
)


def _avg(avgs: tuple[comparison.Average, ...], scope: str) -> comparison.Average | None:
    return next((a for a in avgs if a.scope == scope), None)


def _avg_cell(avg: comparison.Average | None, decimals: int) -> t.Cell:
    if avg is None:
        return t.not_applicable()
    return t.number(avg.value, decimals, derived=True)


def _mg_name(cat: comparison.Catalogue, maalgruppe: str | None) -> str:
    return cat.maalgrupper.get(maalgruppe, maalgruppe) if maalgruppe else "Alle målgrupper"


@dataclass(frozen=True)
class KeyFigureRow:
    noegletal: str
    maalgruppe: str | None


def key_figures(
    doc: NoegletalDocument, own: str, cat: comparison.Catalogue
) -> tuple[t.Table, list[KeyFigureRow]]:
    """One row per published nøgletal × målgruppe: the own value, its place among the
    municipalities, and the peer-group, region and agreement averages (each with n)."""
    rows, keys = [], []
    for item in doc.noegletal:
        mine = item.value_of(own)
        if mine is None:
            continue
        unit = mine.unit or ""
        decimals = comparison.decimals_of(unit)
        avgs = comparison.averages(item, own)
        places = comparison.placements(item, cat.municipalities)
        counted = len(places)
        if own in places:
            place = t.Cell(f"{places[own]} af {counted}", t.VALUE)
        elif own in cat.municipalities:
            place = t.Cell(t.NO_DATA_TEXT, t.NO_DATA)
        else:
            place = t.not_applicable()

        def with_n(avg: comparison.Average | None) -> t.Cell:
            if avg is None:
                return t.not_applicable()
            return t.Cell(str(avg.n), t.VALUE, number=Decimal(avg.n))

        price = f", {mine.price_year}-priser" if mine.price_year else ""
        rows.append(
            t.Row(
                (
                    t.text(item.navn),
                    t.text(_mg_name(cat, item.maalgruppe)),
                    t.text(f"{unit}{price}"),
                    t.number(mine.value, decimals),
                    place,
                    _avg_cell(_avg(avgs, "peer-gruppe"), decimals),
                    with_n(_avg(avgs, "peer-gruppe")),
                    _avg_cell(_avg(avgs, "region"), decimals),
                    with_n(_avg(avgs, "region")),
                    _avg_cell(_avg(avgs, "hele aftalen"), decimals),
                    with_n(_avg(avgs, "hele aftalen")),
                ),
            )
        )
        keys.append(KeyFigureRow(item.id, item.maalgruppe))
    table = t.Table(
        key="noegletal",
        caption=f"Nøgletal {doc.aar} for {cat.names.get(own, own)} mod peer-gruppe, region "
        "og hele aftalen",
        headers=(
            "Nøgletal",
            "Målgruppe",
            "Enhed",
            "Værdi",
            "Placering (1 = højeste)",
            "Peer-gruppen (uvægtet)",
            "n peer-gruppe",
            "Regionens kommuner (uvægtet)",
            "n region",
            "Hele aftalen (vægtet Σ/Σ)",
            "n hele aftalen",
        ),
        rows=tuple(rows),
        numeric=(False, False, False, True, True, True, True, True, True, True, True),
    )
    return table, keys


@dataclass(frozen=True)
class Trend:
    navn: str
    caption: str
    svg: str
    table: t.Table


def trend(
    docs: Mapping[int, NoegletalDocument],
    *,
    noegletal: str,
    maalgruppe: str | None,
    own: str,
    cat: comparison.Catalogue,
) -> Trend | None:
    """The own value and the three averages of one nøgletal over the published years."""
    years = sorted(docs)
    series: dict[str, dict[int, tuple[Decimal | None, str]]] = {}
    own_name = cat.names.get(own, own)
    navn, unit = noegletal, ""
    for year in years:
        item = comparison.find(docs[year], noegletal, maalgruppe)
        if item is None:
            continue
        navn = item.navn
        mine = item.value_of(own)
        if mine is None:
            continue
        unit = mine.unit or unit
        series.setdefault(own_name, {})[year] = (mine.decimal, comparison.shown(mine))
        for avg in comparison.averages(item, own):
            series.setdefault(f"{avg.name} ({avg.rule})", {})[year] = (avg.value, avg.text)
    if not series:
        return None
    decimals = comparison.decimals_of(unit)
    points = [
        charts.Point(name, year, None if value is None else float(value), text)
        for name, by_year in series.items()
        for year, (value, text) in sorted(by_year.items())
    ]
    shown = sorted({p.year for p in points})
    mg = _mg_name(cat, maalgruppe)
    first, last = series[own_name].get(shown[0]), series[own_name].get(shown[-1])
    if len(shown) == 1:
        says = f"Kun {shown[0]} er offentliggjort; der er endnu ingen udvikling at vise."
    elif first and last and first[0] is not None and last[0] is not None:
        says = f"{own_name} gik fra {first[1]} i {shown[0]} til {last[1]} i {shown[-1]}."
    else:
        says = f"{own_name} har ikke data for både {shown[0]} og {shown[-1]}."
    caption = f"{navn} ({unit}), {mg.lower()}, {shown[0]}-{shown[-1]}. {says}"
    spec = charts.trend_spec(
        points,
        title=f"{navn}, {mg.lower()}: udvikling",
        unit=unit,
        description=f"Linjediagram: {caption}",
    )
    rows = [
        t.Row(
            (
                t.text(name),
                *(
                    t.number(by_year[y][0], decimals, derived=name != own_name)
                    if y in by_year
                    else t.Cell(t.NO_DATA_TEXT, t.NO_DATA)
                    for y in shown
                ),
            ),
            own=name == own_name,
            derived=name != own_name,
        )
        for name, by_year in series.items()
    ]
    table = t.Table(
        key="udvikling",
        caption=f"{navn} ({unit}), {mg.lower()}: udvikling {shown[0]}-{shown[-1]}",
        headers=("Serie", *(str(y) for y in shown)),
        rows=tuple(rows),
        numeric=(False, *(True for _ in shown)),
    )
    return Trend(navn, caption, charts.render_svg(spec), table)


@dataclass(frozen=True)
class ExpectedNeed:
    run_id: int
    title: str
    summary: run_document.RunDocument
    method: str
    caveat: str
    explains: bool
    caption: str
    svg: str | None
    table: t.Table
    warnings: tuple[str, ...]
    #: how the own municipality's expected value is composed: (label, shown value) lines,
    #: the level first and the expected value last; empty when the run explains nothing
    composition: tuple[tuple[str, str], ...] = ()


def _composition(
    run: run_document.RunDocument, mine: run_document.MunicipalityResult, decimals: int
) -> tuple[tuple[str, str], ...]:
    """The own municipality's expected value as level and indicator contributions: summed
    in the nøgletal's unit (OLS, ridge) or multiplied as factors (the log model)."""
    parts = mine.bidrag
    if parts is None or mine.forventet is None:
        return ()
    product = parts.sammensaetning == "produkt"
    lines = [("De øvrige kommuners niveau", t.number(parts.niveau, decimals).text)]
    for item in parts.indikatorer:
        value = item.bidrag
        if product:
            shown = "× " + t.number(value, 3).text
        else:
            sign = "+ " if float(value) >= 0 else "− "
            shown = sign + t.number(abs(float(value)), decimals).text
        lines.append((run.indicator_name(item.indikator), shown))
    lines.append(("Forventet", "= " + t.number(mine.forventet, decimals).text))
    return tuple(lines)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


_ROW_WARNING_SHORT = {
    "high_leverage": "høj leverage",
    "extrapolation": "ekstrapolation",
    "interval_clipped": "nedre grænse sat til 0",
    "expected_negative": "forventet under 0",
}


def _row_warnings(r: run_document.MunicipalityResult) -> str:
    """Short Danish labels of a municipality's warnings (the full text is under the table)."""
    return "; ".join(_ROW_WARNING_SHORT.get(w.code, w.code) for w in r.advarsler)


def expected_need(run: run_document.RunDocument, own: str) -> ExpectedNeed | None:
    """A published run: every municipality's actual against expected with its interval,
    the own municipality highlighted; None when the own municipality is not in the run."""
    years = [r.aar for r in run.kommuner if r.aar is not None]
    year = max(years) if years else None
    rows = [r for r in run.kommuner if r.aar == year]
    mine = next((r for r in rows if r.kode == own), None)
    if mine is None:
        return None
    unit = run.enhed or ""
    decimals = comparison.decimals_of(unit)
    explains = run.forklarer  # the engine's verdict (ExpectedNeedResults.explains)
    level = mine.interval.niveau
    level_text = f"{round(level * 100)} %" if level else ""
    mg = run.maalgruppe
    title = f"{run.noegletal_navn}{f' ({mg})' if mg else ''}: forventet udgiftsbehov {year}"
    index_shown = run.indeks_vises

    def rank_value(r: run_document.MunicipalityResult) -> float | None:
        return r.indeks if index_shown else r.forskel

    ordered = sorted(rows, key=lambda r: (rank_value(r) is None, -(rank_value(r) or 0), r.navn))

    def row(r: run_document.MunicipalityResult) -> t.Row:
        interval = r.interval
        return t.Row(
            (
                t.text(r.navn + (" (egen)" if r.kode == own else "")),
                t.number(r.faktisk, decimals),
                t.number(r.forventet, decimals, derived=True) if explains else t.not_applicable(),
                t.number(interval.lav, decimals, derived=True) if explains else t.not_applicable(),
                t.number(interval.hoej, decimals, derived=True) if explains else t.not_applicable(),
                (
                    t.number(r.indeks, 0, derived=True)
                    if index_shown
                    else t.number(r.forskel, decimals, derived=True)
                )
                if explains
                else t.not_applicable(),
                t.text("ja" if r.afvigende else "nej") if explains else t.not_applicable(),
                t.number(r.leverage, 2, derived=True),
                t.text(_row_warnings(r)),
            ),
            own=r.kode == own,
        )

    table = t.Table(
        key=f"udgiftsbehov-{run.id}",
        caption=f"{title}: faktisk, forventet og {level_text} forudsigelsesinterval",
        headers=(
            "Kommune",
            f"Faktisk ({unit})",
            f"Forventet ({unit})",
            "Interval, nedre",
            "Interval, øvre",
            "Indeks (faktisk ÷ forventet × 100)"
            if index_shown
            else f"Forskel, faktisk − forventet ({unit})",
            "Uden for intervallet",
            "Leverage",
            "Advarsel",
        ),
        rows=tuple(row(r) for r in ordered),
        numeric=(False, True, True, True, True, True, False, True, False),
    )
    if explains and mine.forventet is not None:
        fmt = comparison.decimals_of(unit)
        low, high = mine.interval.lav, mine.interval.hoej
        inside = low is not None and high is not None and low <= mine.faktisk <= high
        says = (
            f"{mine.navn}: faktisk {t.number(mine.faktisk, fmt).text}, forventet "
            f"{t.number(mine.forventet, fmt).text} ({level_text} interval "
            f"{t.number(low, fmt).text}-{t.number(high, fmt).text}); den faktiske værdi ligger "
            f"{'inden for' if inside else 'uden for'} intervallet."
        )
        spec = charts.interval_spec(
            [
                charts.Interval(
                    r.navn,
                    float(r.faktisk),
                    float(r.forventet),
                    _float(r.interval.lav),
                    _float(r.interval.hoej),
                    r.kode == own,
                    f"faktisk {t.number(r.faktisk, fmt).text}, forventet "
                    f"{t.number(r.forventet, fmt).text}",
                )
                for r in ordered
                if r.forventet is not None
            ],
            title=title,
            unit=unit,
            description=f"Prikdiagram: faktisk mod forventet pr. kommune. {says}",
        )
        svg: str | None = charts.render_svg(spec)
    else:
        says, svg = NO_EXPLANATION, None
    return ExpectedNeed(
        run_id=run.id,
        title=title,
        summary=run,
        method=web_format.method_name(run.metode),
        caveat=run.forbehold or CAVEAT_DA,
        explains=explains,
        caption=says,
        svg=svg,
        table=table,
        warnings=tuple(w.tekst for w in (*run.advarsler, *mine.advarsler)),
        composition=_composition(run, mine, decimals) if explains else (),
    )
