"""The comparison's view model on a constructed nøgletal document (no database): the
ranking, the sentence, the averages with n and rule, and the cell kinds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from backend.reports import noegletal
from backend.web.sammenligning import service
from backend.web.sammenligning import tables as t
from benchmark.presentation import format_da

TOWNS = {"A": "Aby", "B": "Bby", "C": "Cby", "D": "Dby", "E": "Eby", "F": "Fby"}
VALUES: dict[str, str | None] = {
    "A": "30.0",
    "B": "12.5",
    "C": "12.5",
    "D": "0",
    "E": None,
    "F": "40.25",
    "R": "7.0",
}


def _doc() -> dict[str, Any]:
    def entry(org: str, value: str | None) -> dict[str, Any]:
        peers = ["A", "C", "D", "E"] if org == "B" else None
        return {
            "organisation": org,
            "navn": TOWNS.get(org, "Regionen"),
            "value": value,
            "tekst": format_da(None if value is None else Decimal(value), 1),
            "unit": "pr. 10.000 indbyggere",
            "price_year": None,
            "naevner": None,
            "peer_gennemsnit": None
            if peers is None
            else {
                "regel": "uvægtet gennemsnit",
                "medlemmer": peers,
                "value": "14.1666",
                "tekst": "14,2",
                "unit": "pr. 10.000 indbyggere",
                "price_year": None,
            },
        }

    return {
        "aar": 2017,
        "prisaar": 2017,
        "noter": [],
        "noegletal": [
            {
                "id": "pladser_pr_10000",
                "navn": "Pladser pr. 10.000 indbyggere",
                "maalgruppe": None,
                "vaerdier": [entry(o, v) for o, v in VALUES.items()],
                "gennemsnit": [
                    {
                        "omfang": "region",
                        "regel": "uvægtet gennemsnit",
                        "value": "19.05",
                        "tekst": "19,1",
                        "unit": "pr. 10.000 indbyggere",
                        "price_year": None,
                    },
                    {
                        "omfang": "hele aftalen",
                        "regel": "vægtet (Σ/Σ)",
                        "value": "15.0",
                        "tekst": "15,0",
                        "unit": "pr. 10.000 indbyggere",
                        "price_year": None,
                    },
                ],
            }
        ],
    }


CAT = service.Catalogue(
    names={**TOWNS, "R": "Regionen"},
    municipalities=frozenset(TOWNS),
    regions=frozenset({"R"}),
    maalgrupper={},
)


def _comparison(own: str | None) -> service.Comparison:
    doc = noegletal.read(_doc(), CAT.municipalities)
    return service.comparison(doc, noegletal="pladser_pr_10000", maalgruppe=None, own=own, cat=CAT)


@pytest.mark.parametrize("own", ["A", "B", "D", "F"])
def test_sentence_counts_the_municipalities_above(own: str) -> None:
    with_value = {o: Decimal(v) for o, v in VALUES.items() if o in TOWNS and v is not None}
    higher = sum(1 for o, v in with_value.items() if o != own and v > with_value[own])
    same = sum(1 for o, v in with_value.items() if o != own and v == with_value[own])
    says = _comparison(own).sentence
    expected = (
        f"{higher} af {len(with_value)} kommuner har flere pladser pr. 10.000 indbyggere "
        f"end {TOWNS[own]}"
    )
    assert says.startswith(expected), says
    assert ("samme værdi" in says) == bool(same)
    assert says.endswith("1 kommune har ingen data.")


def test_sentence_for_no_data_and_for_no_own() -> None:
    assert _comparison("E").sentence.startswith("Eby har ingen data")
    assert _comparison(None).sentence.startswith("Højest blandt 5 kommuner er Fby (40,3)")


def test_ranking_highest_first_missing_last_and_placements_tie() -> None:
    c = _comparison("B")
    names = [r.cells[0].text for r in c.table.rows if not r.derived]
    assert names == ["Fby", "Aby", "Bby (egen)", "Cby", "Regionen", "Dby", "Eby"]
    places = {r.cells[0].text: r.cells[2].text for r in c.table.rows if not r.derived}
    assert places["Bby (egen)"] == places["Cby"] == "3"  # a tie shares the place
    assert places["Dby"] == "5"
    assert places["Regionen"] == t.NOT_APPLICABLE_TEXT  # not a municipality
    assert places["Eby"] == t.NO_DATA_TEXT


def test_cells_keep_zero_missing_not_applicable_and_derived_apart() -> None:
    rows = {r.cells[0].text: r for r in _comparison("B").table.rows}
    assert rows["Dby"].cells[1].kind == t.ZERO and rows["Dby"].cells[1].text == "0,0"
    assert rows["Eby"].cells[1].kind == t.NO_DATA and rows["Eby"].cells[1].text == "ingen data"
    assert rows["Regionen"].cells[3].kind == t.NOT_APPLICABLE  # the Region has no peer group
    assert rows["Bby (egen)"].cells[3].kind == t.DERIVED
    assert rows["Bby (egen)"].own


def test_averages_carry_rule_and_n() -> None:
    avgs = {a.scope: a for a in _comparison("B").averages}
    assert set(avgs) == {"peer-gruppe", "region", "hele aftalen"}
    # peers A, C, D, E: E has no value
    assert avgs["peer-gruppe"].n == 3 and avgs["peer-gruppe"].rule == "uvægtet gennemsnit"
    assert avgs["region"].n == 5  # the municipalities with a value, not the Region
    assert avgs["hele aftalen"].n == 6 and avgs["hele aftalen"].rule == "vægtet (Σ/Σ)"
    assert avgs["region"].label == "Regionens kommuner: uvægtet gennemsnit, n = 5"


def test_a_viewer_without_peer_group_gets_region_and_agreement_only() -> None:
    assert [a.scope for a in _comparison("R").averages] == ["region", "hele aftalen"]


def test_downloads_write_numbers_and_the_kinds_as_text() -> None:
    table = _comparison("B").table
    text = t.table_csv(table).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Organisation;Værdi (pr. 10.000 indbyggere);Placering")
    assert "Fby;40,3;1;ikke relevant" in text  # rounded half up; no peer group here
    assert "Bby (egen);12,5;3;14,2" in text
    assert "Dby;0,0;5;ikke relevant" in text
    assert "Eby;ingen data;ingen data;ikke relevant" in text
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(t.table_xlsx(table))).active
    cells = {ws.cell(row=r, column=1).value: r for r in range(3, ws.max_row + 1)}
    row = cells["Fby"]
    assert ws.cell(row=row, column=2).value == pytest.approx(40.3)
    assert ws.cell(row=row, column=2).number_format == "#,##0.0"
    assert ws.cell(row=cells["Eby"], column=2).value == "ingen data"
