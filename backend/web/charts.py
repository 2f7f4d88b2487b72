"""Charts of the pages: Vega-Lite specs built in Python, rendered to inline SVG on the server.

Why Vega-Lite rendered by vl-convert (rather than hand-written SVG or matplotlib): the
SVG carries ARIA roles and a Danish ``aria-label`` per bar, point, rule, axis and legend,
numbers come out in the Danish format (``format_locale="da-DK"``: 1.234,5), and the very
same spec can be rendered to PDF later (``vl_convert.vegalite_to_pdf``) for the printed
ledelsesinformation. Every field in a spec has its ``type``.

The pages show a chart without JavaScript: the SVG is part of the HTML. Each chart sits
in a ``<figure>`` with a ``<figcaption>`` sentence and the same data as a table; the
chart never carries meaning by colour alone (the own organisation is darker *and* bold,
the averages differ by dash pattern and are named in the legend).

The spec builders take plain values (floats, Danish texts already formatted by the
caller) and return a dict; ``render_svg`` turns a spec into SVG text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import vl_convert

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
LOCALE: Final = "da-DK"
OWN_COLOUR = "#08519C"  # DKFDS data-blue-800: the own municipality
OTHER_COLOUR = "#6BAED6"  # a lighter step of the same sequential palette: the others
RULE_COLOUR = "#252525"
FONT = "IBM Plex Sans, Arial, sans-serif"
WIDTH = 560
# Dash patterns of the averages (peer group, region, whole agreement): distinct by pattern,
# not by colour.
DASHES: dict[str, list[int]] = {
    "peer-gruppe": [8, 4],
    "region": [2, 3],
    "hele aftalen": [12, 3, 2, 3],
}
SERIES_DASHES = [[1, 0], [8, 4], [2, 3], [12, 3, 2, 3]]
NUMBER_FORMAT = ",.1f"


@dataclass(frozen=True)
class Bar:
    """One organisation's bar: its name, value (None: no data), whether it is the viewer's
    own organisation, and the value as Danish text ("ingen data" when None)."""

    label: str
    value: float | None
    own: bool
    text: str


@dataclass(frozen=True)
class Rule:
    """An average drawn as a dashed rule: ``scope`` (a key of ``DASHES``), its legend
    label (rule and n), its value and its Danish text."""

    scope: str
    label: str
    value: float
    text: str


@dataclass(frozen=True)
class Point:
    """One point of a trend line: the series name, the year, the value and its text."""

    series: str
    year: int
    value: float | None
    text: str


@dataclass(frozen=True)
class Interval:
    """One row of the expected-need dot plot: actual against expected with its interval."""

    label: str
    actual: float
    expected: float
    low: float | None
    high: float | None
    own: bool
    text: str


def _base(title: str, description: str) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "description": description,
        "title": {"text": title, "anchor": "start", "fontSize": 14, "font": FONT},
        "width": WIDTH,
        "background": "white",
        "config": {
            "font": FONT,
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#1a1a1a"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 420},
            "view": {"stroke": None},
        },
    }


def ranking_spec(
    bars: Sequence[Bar],
    rules: Sequence[Rule],
    *,
    title: str,
    unit: str,
    description: str,
) -> dict[str, Any]:
    """Every organisation as a horizontal bar, in the given order (highest first), the own
    one darker with a bold label; the averages as dashed rules named in a legend; a bar
    without data shows the text "ingen data" instead of a bar."""
    order = [b.label for b in bars]
    own = [b.label for b in bars if b.own]
    values = [
        {
            "navn": b.label,
            "vaerdi": b.value,
            "egen": b.own,
            "tekst": b.text,
            "beskrivelse": f"{b.label}{' (egen)' if b.own else ''}: {b.text}",
        }
        for b in bars
    ]
    y = {
        "field": "navn",
        "type": "nominal",
        "title": None,
        "sort": order,
        "scale": {"domain": order},
        "axis": {
            "description": f"Organisationer, {len(order)} i alt, ordnet efter værdi",
            "labelFontWeight": {
                "condition": {"test": f"indexof({_js_list(own)}, datum.value) >= 0", "value": 700},
                "value": 400,
            },
            "labelLimit": 220,
        },
    }
    x_axis = {
        "field": "vaerdi",
        "type": "quantitative",
        "title": unit,
        "axis": {"format": NUMBER_FORMAT, "description": f"Værdi i {unit}"},
    }
    layers: list[dict[str, Any]] = [
        {
            "transform": [{"filter": "isValid(datum.vaerdi)"}],
            "mark": {"type": "bar", "height": {"band": 0.75}},
            "encoding": {
                "y": y,
                "x": x_axis,
                "color": {
                    "condition": {"test": "datum.egen", "value": OWN_COLOUR},
                    "value": OTHER_COLOUR,
                },
                "description": {"field": "beskrivelse", "type": "nominal"},
            },
        },
        {
            "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11, "aria": False},
            "encoding": {
                "y": y,
                "x": {"field": "tekst_x", "type": "quantitative"},
                "text": {"field": "tekst", "type": "nominal"},
                "fontWeight": {"condition": {"test": "datum.egen", "value": 700}, "value": 400},
                "fontStyle": {
                    "condition": {"test": "!isValid(datum.vaerdi)", "value": "italic"},
                    "value": "normal",
                },
            },
            "transform": [
                {"calculate": "isValid(datum.vaerdi) ? datum.vaerdi : 0", "as": "tekst_x"}
            ],
        },
    ]
    if rules:
        layers.append(
            {
                "data": {
                    "values": [
                        {
                            "omfang": r.scope,
                            "etiket": r.label,
                            "vaerdi": r.value,
                            "beskrivelse": f"{r.label}: {r.text}",
                        }
                        for r in rules
                    ]
                },
                "mark": {"type": "rule", "strokeWidth": 2, "color": RULE_COLOUR},
                "encoding": {
                    "x": {"field": "vaerdi", "type": "quantitative"},
                    "strokeDash": {
                        "field": "etiket",
                        "type": "nominal",
                        "title": "Gennemsnit",
                        "scale": {
                            "domain": [r.label for r in rules],
                            "range": [DASHES[r.scope] for r in rules],
                        },
                        "legend": {
                            "orient": "bottom",
                            "direction": "vertical",
                            "symbolType": "stroke",
                            "symbolStrokeWidth": 2,
                            "symbolSize": 500,
                            "description": "Gennemsnit: "
                            + "; ".join(f"{r.label}: {r.text}" for r in rules),
                        },
                    },
                    "description": {"field": "beskrivelse", "type": "nominal"},
                },
            }
        )
    return {
        **_base(title, description),
        "height": {"step": 20},
        "data": {"values": values},
        "layer": layers,
    }


def trend_spec(
    points: Sequence[Point], *, title: str, unit: str, description: str
) -> dict[str, Any]:
    """Lines over the years, one per series (the own organisation first, drawn solid and
    thicker; the averages dashed), with a point and its value at every year."""
    series = list(dict.fromkeys(p.series for p in points))
    years = sorted({p.year for p in points})
    values = [
        {
            "serie": p.series,
            "aar": p.year,
            "vaerdi": p.value,
            "tekst": p.text,
            "beskrivelse": f"{p.series} {p.year}: {p.text}",
        }
        for p in points
    ]
    dash = {
        "field": "serie",
        "type": "nominal",
        "title": None,
        "scale": {"domain": series, "range": SERIES_DASHES[: len(series)]},
        "legend": {
            "orient": "bottom",
            "direction": "vertical",
            "symbolType": "stroke",
            "symbolStrokeWidth": 2,
            "symbolSize": 500,
            "description": "Serier: " + "; ".join(series),
        },
    }
    x = {
        "field": "aar",
        "type": "ordinal",
        "title": "År",
        "sort": years,
        "axis": {"labelAngle": 0, "description": "År: " + ", ".join(map(str, years))},
    }
    y = {
        "field": "vaerdi",
        "type": "quantitative",
        "title": unit,
        "axis": {"format": NUMBER_FORMAT, "description": f"Værdi i {unit}"},
    }
    width = {"condition": {"test": f"datum.serie === {_js(series[0])}", "value": 3}, "value": 1.5}
    colour = {
        "condition": {"test": f"datum.serie === {_js(series[0])}", "value": OWN_COLOUR},
        "value": RULE_COLOUR,
    }
    return {
        **_base(title, description),
        "height": 220,
        "data": {"values": values},
        "transform": [{"filter": "isValid(datum.vaerdi)"}],
        "layer": [
            {
                "mark": {"type": "line", "aria": False},
                "encoding": {
                    "x": x,
                    "y": y,
                    "strokeDash": dash,
                    "strokeWidth": width,
                    "color": colour,
                    "detail": {"field": "serie", "type": "nominal"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 50},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": colour,
                    "shape": {"field": "serie", "type": "nominal", "legend": None},
                    "description": {"field": "beskrivelse", "type": "nominal"},
                },
            },
        ],
    }


def interval_spec(
    rows: Sequence[Interval], *, title: str, unit: str, description: str
) -> dict[str, Any]:
    """Dot plot: per municipality the prediction interval as a line, the expected value as
    an open circle and the actual value as a filled diamond; the own municipality darker
    with a bold label."""
    order = [r.label for r in rows]
    own = [r.label for r in rows if r.own]
    values = [
        {
            "navn": r.label,
            "faktisk": r.actual,
            "forventet": r.expected,
            "lav": r.low,
            "hoej": r.high,
            "egen": r.own,
            "beskrivelse": f"{r.label}{' (egen)' if r.own else ''}: {r.text}",
        }
        for r in rows
    ]
    y = {
        "field": "navn",
        "type": "nominal",
        "title": None,
        "sort": order,
        "scale": {"domain": order},
        "axis": {
            "description": f"Kommuner, {len(order)} i alt",
            "labelFontWeight": {
                "condition": {"test": f"indexof({_js_list(own)}, datum.value) >= 0", "value": 700},
                "value": 400,
            },
        },
    }
    colour = {"condition": {"test": "datum.egen", "value": OWN_COLOUR}, "value": "#3a3a3a"}
    x_title = unit

    def x(field: str) -> dict[str, Any]:
        return {
            "field": field,
            "type": "quantitative",
            "title": x_title,
            "axis": {"format": NUMBER_FORMAT, "description": f"Værdi i {unit}"},
        }

    legend_values = [
        {"tegn": "Faktisk", "form": "diamond"},
        {"tegn": "Forventet", "form": "circle"},
    ]
    return {
        **_base(title, description),
        "height": {"step": 18},
        "data": {"values": values},
        "layer": [
            {
                "transform": [{"filter": "isValid(datum.lav) && isValid(datum.hoej)"}],
                "mark": {"type": "rule", "strokeWidth": 2, "aria": False},
                "encoding": {
                    "y": y,
                    "x": x("lav"),
                    "x2": {"field": "hoej", "type": "quantitative"},
                    "color": colour,
                },
            },
            {
                "mark": {
                    "type": "point",
                    "shape": "circle",
                    "size": 60,
                    "filled": False,
                    "aria": False,
                },
                "encoding": {"y": y, "x": x("forventet"), "color": colour},
            },
            {
                "mark": {"type": "point", "shape": "diamond", "size": 80, "filled": True},
                "encoding": {
                    "y": y,
                    "x": x("faktisk"),
                    "color": colour,
                    "description": {"field": "beskrivelse", "type": "nominal"},
                },
            },
            {
                "data": {"values": legend_values},
                "mark": {"type": "point", "opacity": 0, "aria": False},
                "encoding": {
                    "shape": {
                        "field": "tegn",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": ["Faktisk", "Forventet"],
                            "range": ["diamond", "circle"],
                        },
                        "legend": {
                            "orient": "bottom",
                            "direction": "horizontal",
                            "description": "Faktisk: udfyldt rude; forventet: åben cirkel; "
                            "linjen: forudsigelsesintervallet",
                        },
                    }
                },
            },
        ],
        "resolve": {"scale": {"shape": "independent"}},
    }


def _js(text: str) -> str:
    """A JavaScript (Vega expression) string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _js_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_js(i) for i in items) + "]"


def _aria_descriptions(vega: dict[str, Any]) -> None:
    """Vega only writes an axis' or legend's ``description`` as its ``aria-label`` when the
    description is an encoding: move it there (else the label is generated in English)."""
    for key, part in (("axes", "axis"), ("legends", "legend")):
        for guide in vega.get(key, []):
            text = guide.get("description")
            if text:
                guide["aria"] = True
                encode = guide.setdefault("encode", {})
                encode.setdefault(part, {}).setdefault("update", {})["description"] = {
                    "value": text
                }
    for mark in vega.get("marks", []):
        if mark.get("type") == "group":
            _aria_descriptions(mark)


_ROOT = re.compile(r"^<svg ([^>]*)>")


def render_svg(spec: dict[str, Any]) -> str:
    """The spec as SVG text for inline use: Danish number format, the root labelled with
    the spec's description (``role="graphics-document"``) and classed ``rt-diagram`` so
    the page's CSS can scale it down (it has a ``viewBox``)."""
    vega = vl_convert.vegalite_to_vega(spec)
    _aria_descriptions(vega)
    svg = vl_convert.vega_to_svg(vega, format_locale=LOCALE)
    label = html.escape(spec.get("description", ""), quote=True)
    match = _ROOT.match(svg)
    if match is None:  # pragma: no cover - vl-convert always writes one root element
        raise ValueError("vl-convert gav ikke et SVG-dokument")
    attributes = match.group(1).replace('class="marks"', 'class="marks rt-diagram"')
    root = f'<svg {attributes} role="graphics-document" aria-label="{label}" focusable="false">'
    return root + svg[match.end() :]
