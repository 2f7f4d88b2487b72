"""The ledelsesinformation writers: the 2017 report (built from the published tables as
``tests.benchmark.reference_2017`` does) written as XLSX, CSV and JSON and read back."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from backend.demo.occupancy import derive_quarterly_occupancy
from backend.reports.document import LedelsesinformationReport, layout
from backend.reports.writers import (
    CSV_COLUMNS,
    FRONT_SHEET,
    ledelsesinformation_csv,
    ledelsesinformation_json,
    ledelsesinformation_xlsx,
    suggested_filename,
)
from benchmark.accounts import over_underskud_table, takstudvikling_table, tillaeg_table
from benchmark.occupancy import belaegning_table
from benchmark.places import pladsoversigt
from benchmark.records import AccountLine, OccupancyLine, OfferPlaces
from benchmark.units import TOTAL
from tests.benchmark import reference_2017 as ref
from tests.benchmark.test_reproduction_2017 import A_DEVIATIONS, TABLE_A_COLUMNS

SHEETS = [
    FRONT_SHEET,
    "A Takstudvikling",
    "B Over-underskud",
    "C Tillægsydelser",
    "D Belægning",
    "E Pladser",
]
HEADER_ROW = 3
EVIL = '=HYPERLINK("http://example.invalid/x","klik")'


def labels_2017() -> dict[str, str]:
    organisations = {str(o["kode"]): str(o["navn"]) for o in ref.agreement()["organisation"]}
    groups = {str(m["kode"]): str(m["navn"]) for m in ref.agreement()["maalgruppe"]}
    return organisations | groups


def make_report_2017(**overrides: Any) -> LedelsesinformationReport:
    accounts = ref.accounts()
    operators = ref.operators_in_print_order()
    groups = ref.maalgruppe_order()
    occupancy = derive_quarterly_occupancy(ref.places(), ref.published_occupancy())
    fields: dict[str, Any] = {
        "year": 2017,
        "price_year": 2017,
        "a": takstudvikling_table(accounts, 2017, driftsherrer=operators),
        "b": over_underskud_table(accounts, 2017, driftsherrer=operators),
        "c": tillaeg_table(accounts, 2017, driftsherrer=operators),
        "d": belaegning_table(occupancy.lines, 2017, maalgrupper=groups),
        "e": pladsoversigt(ref.places(), 2017, driftsherrer=operators, maalgrupper=groups),
        "labels": labels_2017(),
        "notes": ("Demo: tabellerne er genskabt af den offentliggjorte ledelsesinformation",),
    }
    return LedelsesinformationReport(**(fields | overrides))


def make_small_report(driftsherre: str, **overrides: Any) -> LedelsesinformationReport:
    """One driftsherre (its code is ``driftsherre``) with one offer in 2016 and 2017."""
    accounts = [
        AccountLine(driftsherre, year, Decimal(1_000_000), Decimal(3), 2017)
        for year in (2016, 2017)
    ]
    places = [
        OfferPlaces(driftsherre, "forsorgshjem", "doegn", year, Decimal(4)) for year in (2016, 2017)
    ]
    occupancy = [
        OccupancyLine(driftsherre, "forsorgshjem", "doegn", year, q, Decimal(4), Decimal(300))
        for year in (2016, 2017)
        for q in (1, 2, 3, 4)
    ]
    fields: dict[str, Any] = {
        "year": 2017,
        "price_year": 2017,
        "a": takstudvikling_table(accounts, 2017),
        "b": over_underskud_table(accounts, 2017),
        "c": tillaeg_table(accounts, 2017),
        "d": belaegning_table(occupancy, 2017),
        "e": pladsoversigt(places, 2017),
    }
    return LedelsesinformationReport(**(fields | overrides))


@pytest.fixture(scope="module")
def report() -> LedelsesinformationReport:
    return make_report_2017()


@pytest.fixture(scope="module")
def workbook(report: LedelsesinformationReport):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(ledelsesinformation_xlsx(report)))


def header_column(ws: Worksheet, label: str, row: int = HEADER_ROW) -> int:
    for cell in ws[row]:
        if cell.value == label:
            return cell.column
    raise KeyError(label)


def find_row(ws: Worksheet, label: str, start: int = HEADER_ROW + 1) -> int:
    for row in range(start, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == label:
            return row
    raise KeyError(label)


def test_sheet_names(workbook) -> None:  # type: ignore[no-untyped-def]
    assert workbook.sheetnames == SHEETS


def test_favrskov_2017_regnskab_is_a_number_in_thousands(workbook) -> None:  # type: ignore[no-untyped-def]
    ws = workbook["A Takstudvikling"]
    cell = ws.cell(find_row(ws, "Favrskov"), header_column(ws, "Regnskab 2017 (1.000 kr.)"))
    assert cell.value == 118332 and isinstance(cell.value, int)
    assert cell.number_format == "#,##0"
    development = ws.cell(cell.row, header_column(ws, "Takstudvikling 2016-2017 (%)"))
    assert development.value == pytest.approx(7.2) and development.number_format == "#,##0.0"


def test_hedensted_has_no_price_and_minus_100(workbook) -> None:  # type: ignore[no-untyped-def]
    ws = workbook["A Takstudvikling"]
    row = find_row(ws, "Hedensted")
    price = ws.cell(row, header_column(ws, "Gennemsnitspris pr. plads 2017 (kr.)"))
    assert price.value == "-" and price.data_type == "s"
    development = ws.cell(row, header_column(ws, "Takstudvikling 2016-2017 (%)"))
    assert development.value == -100 and development.number_format == "#,##0.0"
    notes = [ws.cell(r, 1).value for r in range(find_row(ws, TOTAL) + 1, ws.max_row + 1)]
    assert any(str(n).startswith("Hedensted: Belægning 0") for n in notes)


def test_table_a_equals_the_print_except_the_named_deviation(workbook) -> None:  # type: ignore[no-untyped-def]
    ws = workbook["A Takstudvikling"]
    published = ref.by_code(ref.read("tabel1_takstudvikling.csv"))
    names = labels_2017() | {TOTAL: TOTAL}
    found = {}
    for code, printed in published.items():
        row = find_row(ws, names[code])
        for offset, column in enumerate(TABLE_A_COLUMNS, start=2):
            value = ws.cell(row, offset).value
            ours = None if value == "-" else Decimal(str(value))
            if ours != ref.number(printed[column]):
                found[(code, column)] = (ours, ref.number(printed[column]))
    assert found == A_DEVIATIONS


def test_total_rows_are_bold_with_published_values(workbook) -> None:  # type: ignore[no-untyped-def]
    a = workbook["A Takstudvikling"]
    total = find_row(a, TOTAL)
    assert [a.cell(total, c).value for c in range(2, 9)] == [
        11852,
        4645132,
        391918,
        10620,
        4213355,
        396729,
        pytest.approx(1.2),
    ]
    assert all(a.cell(total, c).font.b for c in range(1, 9))
    assert a.cell(total, 2).number_format == "#,##0"  # the printed total has no decimal
    assert a.cell(total - 1, 2).number_format == "#,##0.0"
    b = workbook["B Over-underskud"]
    # −31.583: the product's sum of the rows; the source prints −31.584 (named deviation).
    assert [b.cell(find_row(b, TOTAL), c).value for c in (2, 3)] == [-3383, -31583]
    c = workbook["C Tillægsydelser"]
    assert [c.cell(find_row(c, TOTAL), col).value for col in (2, 3)] == [232665, 262143]


def test_table_d_has_two_label_columns_and_percent_numbers(workbook) -> None:  # type: ignore[no-untyped-def]
    ws = workbook["D Belægning"]
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, 5)] == [
        "Målgruppe",
        "Opdeling",
        "Belægning 2016 (%)",
        "Belægning 2017 (%)",
    ]
    rows = {
        (ws.cell(r, 1).value, ws.cell(r, 2).value): (ws.cell(r, 3).value, ws.cell(r, 4).value)
        for r in range(HEADER_ROW + 1, ws.max_row + 1)
    }
    assert rows[("Personer med psykisk handicap inkl. autister", "Dag")] == (
        pytest.approx(103.5),
        pytest.approx(98.5),
    )
    assert ws.freeze_panes == "C4"


def test_table_e_has_a_block_per_maalgruppe_and_the_overall_first(workbook) -> None:  # type: ignore[no-untyped-def]
    ws = workbook["E Pladser"]
    titles = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).font.b]
    groups = [labels_2017()[m] for m in ref.maalgruppe_order()]
    assert [t for t in titles if t == "Alle målgrupper" or t in groups] == [
        "Alle målgrupper",
        *groups,
    ]
    overall_total = find_row(ws, TOTAL)
    assert [ws.cell(overall_total, c).value for c in range(2, 6)] == [5911, 5856, 5567, 5136]
    randers = find_row(ws, "Randers")
    assert ws.cell(randers, 5).value == 348  # our sum; printed 368 (named deviation)
    misbrug_title = find_row(ws, groups[-1])
    assert ws.cell(misbrug_title + 1, 2).value == "Dag 2016"  # header repeated per block


def test_every_value_cell_is_a_number_or_the_no_value_dash(workbook) -> None:  # type: ignore[no-untyped-def]
    for name in SHEETS[1:]:
        ws = workbook[name]
        first_value = 3 if name == "D Belægning" else 2
        header = [c.value for c in ws[HEADER_ROW]]
        checked = 0
        for row in ws.iter_rows(min_row=HEADER_ROW + 1):
            cells = row[first_value - 1 : len(header)]
            if all(c.value is None for c in cells) or any(c.value in header for c in cells):
                continue  # note, title, blank or repeated header row
            for cell in cells:
                assert isinstance(cell.value, int | float) or cell.value == "-", (name, cell)
                checked += 1
        assert checked > 0


def test_layout_and_front_sheet(workbook) -> None:  # type: ignore[no-untyped-def]
    a = workbook["A Takstudvikling"]
    assert a.freeze_panes == "B4"
    assert "2016 i 2017-priser" in a.cell(2, 1).value and "1.000 kr." in a.cell(2, 1).value
    assert a.column_dimensions["A"].width >= 20
    front = workbook[FRONT_SHEET]
    values = {front.cell(r, 1).value: front.cell(r, 2).value for r in range(1, front.max_row + 1)}
    assert values["År"] == 2017
    assert values["Status"].startswith("Kladde")
    assert "beregnet af uafrundede værdier; afrundet ved visning" in values["Afrunding"].lower()
    texts = [front.cell(r, 1).value for r in range(1, front.max_row + 1)]
    assert "Demo: tabellerne er genskabt af den offentliggjorte ledelsesinformation" in texts


def test_published_report_shows_status_and_date() -> None:
    published_at = datetime(2018, 8, 15, 8, 30, tzinfo=UTC)
    small = make_small_report("710", status="offentliggjort", published_at=published_at)
    front = load_workbook(io.BytesIO(ledelsesinformation_xlsx(small)))[FRONT_SHEET]
    values = {front.cell(r, 1).value: front.cell(r, 2) for r in range(1, front.max_row + 1)}
    assert values["Status"].value.startswith("Offentliggjort 15-08-2018")
    assert values["Offentliggjort"].is_date
    assert suggested_filename(small, "xlsx") == "ledelsesinformation_2017_offentliggjort.xlsx"
    with pytest.raises(ValueError, match="dato"):
        make_small_report("710", status="offentliggjort")
    with pytest.raises(ValueError, match="status"):
        make_small_report("710", status="udgivet")


def test_formula_text_from_data_is_written_as_text() -> None:
    small = make_small_report(
        EVIL, labels={"forsorgshjem": "+Forsorgshjem"}, notes=("@SUM(A1:A2)",)
    )
    data = ledelsesinformation_xlsx(small)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)
    workbook = load_workbook(io.BytesIO(data))
    cells = [
        cell
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "@"))
    ]
    assert {c.value for c in cells} >= {EVIL, "+Forsorgshjem", "@SUM(A1:A2)"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)

    lines = list(
        csv.reader(io.StringIO(ledelsesinformation_csv(small).decode("utf-8-sig")), delimiter=";")
    )
    texts = {value for line in lines for value in line}
    assert "'" + EVIL in texts and EVIL not in texts
    assert "'+Forsorgshjem" in texts


def read_csv(report: LedelsesinformationReport) -> list[dict[str, str]]:
    data = ledelsesinformation_csv(report)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def danish_decimal(text: str) -> Decimal | None:
    return None if text == "-" else Decimal(text.replace(",", "."))


def test_csv_parses_back_with_danish_decimals(report: LedelsesinformationReport) -> None:
    rows = read_csv(report)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {r["Tabel"] for r in rows} == set(SHEETS[1:])

    def value(tabel: str, raekke: str, kolonne: str, afsnit: str = "") -> Decimal | None:
        (match,) = [
            r
            for r in rows
            if (r["Tabel"], r["Afsnit"], r["Række"], r["Kolonne"])
            == (tabel, afsnit, raekke, kolonne)
        ]
        return danish_decimal(match["Værdi"])

    a = "A Takstudvikling"
    assert value(a, "Favrskov", "Regnskab 2017 (1.000 kr.)") == Decimal(118332)
    assert value(a, "Favrskov", "Belægning 2017") == Decimal("292.4")
    assert value(a, "Favrskov", "Takstudvikling 2016-2017 (%)") == Decimal("7.2")
    assert value(a, "Hedensted", "Gennemsnitspris pr. plads 2017 (kr.)") is None
    assert value(a, "Hedensted", "Takstudvikling 2016-2017 (%)") == Decimal("-100.0")
    assert value("B Over-underskud", TOTAL, "2017 (1.000 kr.)") == Decimal(-31583)
    assert value("E Pladser", TOTAL, "Døgn 2016", "Alle målgrupper") == Decimal(5856)
    favrskov = next(
        r for r in rows if r["Række"] == "Favrskov" and r["Kolonne"].startswith("Regnskab 2016")
    )
    assert (favrskov["Enhed"], favrskov["Prisår"], favrskov["År"]) == ("1.000 kr.", "2017", "2016")
    notes = [r["Note"] for r in rows if r["Kolonne"] == "Note"]
    assert "Hovedtotal = Σregnskab ÷ Σbelægning" in notes


def test_json_has_raw_and_presented_values(report: LedelsesinformationReport) -> None:
    document = ledelsesinformation_json(report)
    assert json.loads(json.dumps(document)) == document
    assert (document["year"], document["price_year"], document["status"]) == (2017, 2017, "kladde")
    tables = {t["key"]: t for t in document["tables"]}
    assert [t["table"] for t in document["tables"]][:5] == ["A", "B", "C", "D", "E"]
    assert len(tables) == 5 + len(ref.maalgruppe_order())
    rows = {r["key"]: r for r in tables["takstudvikling"]["rows"]}
    regnskab = rows["710"]["values"]["regnskab_2017"]
    assert Decimal(regnskab.pop("raw")) == Decimal(118_332_000)  # kr., as the engine keeps it
    assert regnskab == {
        "raw_unit": "kr.",
        "value": "118332",
        "text": "118.332",
        "unit": "1.000 kr.",
        "price_year": 2017,
    }
    price = rows["710"]["values"]["gennemsnitspris_pr_plads_2017"]
    assert price["text"] == "404.693" and Decimal(price["raw"]) != Decimal(price["value"])
    assert abs(Decimal(price["raw"]) - Decimal(404693)) < 1
    hedensted = rows["766"]["values"]
    assert hedensted["gennemsnitspris_pr_plads_2017"]["raw"] is None
    assert hedensted["gennemsnitspris_pr_plads_2017"]["text"] == "-"
    assert hedensted["takstudvikling_2016_2017"]["text"] == "-100,0"
    assert rows[TOTAL]["total"] and rows["766"]["note"]
    assert tables["takstudvikling"]["notes"]
    assert document["notes"] == list(report.notes)


def test_every_format_shows_the_same_rows(report: LedelsesinformationReport) -> None:
    blocks = layout(report)
    figures = sum(len(b.rows) * len(b.columns) for b in blocks)
    notes = sum(len(b.notes) for b in blocks)
    assert len(read_csv(report)) == figures + notes
