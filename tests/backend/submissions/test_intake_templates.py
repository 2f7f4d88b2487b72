"""Templates: structure, and the round trip template → filled by a user → parse."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from backend.submissions.intake import (
    STREAMS,
    build_csv_template,
    build_xlsx_template,
    parse_upload,
)
from backend.submissions.intake.templates import header_label

from .factories import make_context

# What a user types into the value columns of each pre-filled row, as Python values for
# XLSX (numbers, dates) and as Danish text for CSV; and the parsed field values expected.
FILL: dict[str, list[tuple[dict, dict, dict]]] = {
    "belaegning": [
        (
            {"normering": 10, "forbrug": 880.5, "koeberkommune": "Århus"},
            {"normering": "10", "forbrug": "880,5", "koeberkommune": "Århus"},
            {"normering": Decimal(10), "forbrug": Decimal("880.5"), "koeberkommune": "751"},
        ),
    ],
    "regnskab": [
        (
            {"regnskab": 3_000_000, "belaegning": 9.5, "over_underskud": -12_000.25},
            {"regnskab": "3.000.000", "belaegning": "9,5", "over_underskud": "-12.000,25"},
            {
                "regnskab": Decimal(3_000_000),
                "belaegning": Decimal("9.5"),
                "over_underskud": Decimal("-12000.25"),
                "prisaar": 2017,
            },
        ),
    ],
    "takster": [
        (
            {"basistakst": 2600, "belaegningsprocent": 97},
            {"basistakst": "2.600", "belaegningsprocent": "97"},
            {"basistakst": Decimal(2600), "belaegningsprocent": Decimal(97)},
        ),
    ],
    "tilbud": [
        (
            {"normering": 11, "gyldig_til": date(2018, 12, 31)},
            {"normering": "11", "gyldig_til": "31-12-2018"},
            {"normering": Decimal(11), "gyldig_til": date(2018, 12, 31)},
        ),
    ],
}


def _fill_xlsx(template: bytes, stream: str) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    ws = wb[STREAMS[stream].sheet_title]
    header = {cell.value: cell.column for cell in ws[1]}
    labels = {c.key: header_label(c) for c in STREAMS[stream].columns}
    xlsx_values = FILL[stream][0][0]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value is None:
            continue
        for key, value in xlsx_values.items():
            ws.cell(row=row, column=header[labels[key]], value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill_csv(template: bytes, stream: str) -> bytes:
    rows = list(csv.reader(io.StringIO(template.decode("utf-8-sig")), delimiter=";"))
    keys = [c.key for c in STREAMS[stream].columns]
    for row in rows[1:]:
        for key, value in FILL[stream][0][1].items():
            row[keys.index(key)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_template_round_trip(stream: str, kind: str):
    context = make_context()
    if kind == "xlsx":
        filled = _fill_xlsx(build_xlsx_template(stream, context), stream)
    else:
        filled = _fill_csv(build_csv_template(stream, context), stream)

    result = parse_upload(filled, stream, context)

    assert result.ok, [e.to_dict() for e in result.errors]
    offers = sorted(context.offers)
    per_offer = 4 if stream == "belaegning" else 1  # yearly period: one row per quarter
    assert result.row_count == len(offers) * per_offer
    assert sorted({r.tilbud_id for r in result.records}) == offers
    for record in result.records:
        for key, value in FILL[stream][0][2].items():
            assert getattr(record, key) == value, (key, record)
    if stream == "tilbud":  # the registry data comes back as it was pre-filled
        first = result.records[0]
        offer = context.offers[first.tilbud_id]
        assert (first.navn, first.maalgruppe, first.tilbudstype, first.sel_paragraf) == (
            offer.navn,
            offer.maalgruppe,
            offer.tilbudstype,
            offer.sel_paragraf,
        )


def test_quarter_period_prefills_one_row_per_offer():
    context = make_context(quarter=3)
    wb = load_workbook(io.BytesIO(build_xlsx_template("belaegning", context)))
    ws = wb["Belægning"]
    quarters = [row[2] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]
    assert quarters == [3] * len(context.offers)


def test_xlsx_template_structure():
    wb = load_workbook(io.BytesIO(build_xlsx_template("tilbud", make_context())))
    ws = wb["Tilbud"]
    assert ws.freeze_panes == "A2"
    assert ws["D1"].value == "Målgruppe *"  # required, marked visibly
    assert "maalgruppe" in ws["D1"].comment.text
    assert wb["Lister"].sheet_state == "hidden"
    assert wb["Lister"]["A2"].value == "Børn og unge med nedsat fysisk eller psykisk funktionsevne"
    formulas = sorted(dv.formula1 for dv in ws.data_validations.dataValidation)
    assert formulas[0].startswith("IF(ISNA(MATCH($D2,Lister!$A$2:$A$9,0)),Lister!$B$2:$B$5,")
    assert formulas[1] == "Lister!$A$2:$A$9"
    assert ws["G2"].number_format == "#,##0.0"
    assert ws.column_dimensions["B"].width == 40
    money = load_workbook(io.BytesIO(build_xlsx_template("regnskab", make_context())))
    assert money["Regnskab"]["C2"].number_format == "#,##0"


def test_csv_template_is_semicolon_utf8_with_bom():
    data = build_csv_template("belaegning", make_context())
    assert data.startswith(b"\xef\xbb\xbf")
    first = data.decode("utf-8-sig").splitlines()[0]
    assert first == (
        "Tilbuds-ID *;Tilbudsnavn;Kvartal;Normering (pladser);Forbrug (dage) *;Køberkommune"
    )
