"""The chart builders: Vega-Lite specs with typed fields, rendered to inline SVG with
Danish ARIA labels, Danish numbers and the own organisation marked beyond colour."""

from __future__ import annotations

import re
from typing import Any

from backend.web import charts

BARS = [
    charts.Bar("Viborg", 1234.5, False, "1.234,5"),
    charts.Bar("Herning", 12.25, True, "12,3"),
    charts.Bar("Samsø", 0.0, False, "0,0"),
    charts.Bar("Lemvig", None, False, "ingen data"),
]
RULES = [
    charts.Rule("peer-gruppe", "Peer-gruppen: uvægtet gennemsnit, n = 5", 20, "20,0"),
    charts.Rule("region", "Regionens kommuner: uvægtet gennemsnit, n = 19", 15, "15,0"),
    charts.Rule("hele aftalen", "Hele aftalen: vægtet (Σ/Σ), n = 20", 18, "18,0"),
]


def _fields(spec: Any) -> list[dict[str, Any]]:
    """Every encoding channel definition with a field, anywhere in the spec."""
    found = []
    if isinstance(spec, dict):
        encoding = spec.get("encoding", {})
        for channel in encoding.values():
            if isinstance(channel, dict) and "field" in channel:
                found.append(channel)
        for value in spec.values():
            found += _fields(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _fields(value)
    return found


def _ranking() -> dict[str, Any]:
    return charts.ranking_spec(
        BARS, RULES, title="Pladser", unit="pr. 10.000 indbyggere", description="Søjlediagram"
    )


def test_every_field_has_a_type() -> None:
    specs = [
        _ranking(),
        charts.trend_spec(
            [charts.Point("Herning", 2017, 1.0, "1,0")], title="t", unit="u", description="d"
        ),
        charts.interval_spec(
            [charts.Interval("Herning", 2.0, 1.5, 1.0, 2.5, True, "x")],
            title="t",
            unit="u",
            description="d",
        ),
    ]
    for spec in specs:
        fields = _fields(spec)
        assert fields
        assert all(f.get("type") in ("nominal", "quantitative", "ordinal") for f in fields), fields


def test_ranking_svg_has_danish_aria_labels_and_numbers() -> None:
    svg = charts.render_svg(_ranking())
    assert svg.startswith("<svg ") and 'role="graphics-document"' in svg
    assert 'aria-label="Søjlediagram"' in svg
    labels = re.findall(r'aria-label="([^"]*)"', svg)
    assert "Herning (egen): 12,3" in labels  # one bar, with the own marker in words
    assert "Viborg: 1.234,5" in labels
    assert "Værdi i pr. 10.000 indbyggere" in labels  # the axis, in Danish, not generated
    assert any(label.startswith("Gennemsnit: Peer-gruppen") for label in labels)
    assert "1.234,5" in svg  # value text in the Danish format
    assert "ingen data" in svg  # a missing value is said, not drawn as a zero bar
    assert "<script" not in svg and "style=" not in svg  # nothing the CSP would block


def test_own_organisation_is_darker_and_bold() -> None:
    svg = charts.render_svg(_ranking())
    assert svg.count(f'fill="{charts.OWN_COLOUR}"') == 1
    assert svg.count(f'fill="{charts.OTHER_COLOUR}"') == 2  # Viborg, Samsø (zero width)
    bold = re.findall(r'font-weight="bold"[^>]*>([^<]+)<|font-weight="700"[^>]*>([^<]+)<', svg)
    texts = {a or b for a, b in bold}
    assert "Herning" in texts and "Viborg" not in texts


def test_averages_have_distinct_dash_patterns() -> None:
    svg = charts.render_svg(_ranking())
    dashes = set(re.findall(r'stroke-dasharray="([^"]+)"', svg))
    assert {"8,4", "2,3", "12,3,2,3"} <= dashes
    spec = _ranking()
    rule_layer = spec["layer"][-1]
    assert rule_layer["encoding"]["strokeDash"]["scale"]["domain"] == [r.label for r in RULES]


def test_trend_and_interval_render() -> None:
    trend = charts.render_svg(
        charts.trend_spec(
            [
                charts.Point("Herning", 2016, 10.0, "10,0"),
                charts.Point("Herning", 2017, 12.0, "12,0"),
                charts.Point("Regionens kommuner", 2017, None, "ingen data"),
            ],
            title="Udvikling",
            unit="pr. 10.000 indbyggere",
            description="Linjediagram",
        )
    )
    assert "Herning 2017: 12,0" in trend and 'aria-label="Linjediagram"' in trend
    dots = charts.render_svg(
        charts.interval_spec(
            [
                charts.Interval("Herning", 12.0, 10.0, 8.0, 13.0, True, "faktisk 12,0"),
                charts.Interval("Viborg", 9.0, 11.0, None, None, False, "faktisk 9,0"),
            ],
            title="Udgiftsbehov",
            unit="pr. 10.000 indbyggere",
            description="Prikdiagram",
        )
    )
    assert "Herning (egen): faktisk 12,0" in dots and "Viborg: faktisk 9,0" in dots
