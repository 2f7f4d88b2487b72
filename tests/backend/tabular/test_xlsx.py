"""The XLSX safety checks run before openpyxl sees a workbook; openpyxl's warnings."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest
from openpyxl import Workbook

from backend.tabular import (
    FileProblem,
    TableCode,
    ZipLimits,
    inspect_xlsx,
    openpyxl_warnings,
    read_xlsx,
)

from .support import zip_of


def _workbook(*rows: list, formula: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    if formula:
        ws["B2"] = formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_zip_limits_are_parameters():
    data = zip_of(
        {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/big.xml": b" " * 200_000}
    )
    inspect_xlsx(data)
    with pytest.raises(FileProblem) as caught:
        inspect_xlsx(data, ZipLimits(max_total_uncompressed=100_000))
    assert caught.value.issue.code == TableCode.ZIP_BOMB
    with pytest.raises(FileProblem):
        inspect_xlsx(data, ZipLimits(ratio_min_size=1000, max_ratio=50))


def test_other_warnings_are_not_swallowed():
    with pytest.raises(DeprecationWarning), openpyxl_warnings([]):
        warnings.warn("not ours", DeprecationWarning, stacklevel=1)


def test_external_links_and_macros_are_refused():
    base = {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}
    for extra, code in [
        ({"xl/externalLinks/externalLink1.xml": b"<x/>"}, TableCode.EXTERNAL_LINK),
        ({"xl/vbaProject.bin": b"\x00"}, TableCode.MACROS),
        ({"xl/worksheets/sheet1.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><x/>'}, TableCode.UNSAFE_XML),
    ]:
        with pytest.raises(FileProblem) as caught:
            inspect_xlsx(zip_of({**base, **extra}))
        assert caught.value.issue.code == code


def test_a_zip_that_is_no_workbook_is_corrupt():
    with pytest.raises(FileProblem) as caught:
        inspect_xlsx(zip_of({"readme.txt": b"hej"}))
    assert caught.value.issue.code == TableCode.CORRUPT_FILE


def test_read_xlsx_picks_the_named_sheet_and_numbers_rows_as_excel():
    table = read_xlsx(_workbook(["a", "b"], [1, 2], [3, 4]), ("data",))
    assert (table.format, table.sheet, tuple(table.header)) == ("xlsx", "Data", ("a", "b"))
    assert [(n, tuple(v)) for n, v in table.rows] == [(2, (1, 2)), (3, (3, 4))]


def test_formulas_are_found_with_whether_they_have_a_cached_value():
    table = read_xlsx(_workbook(["a", "b"], [1, None], formula="=A2*2"))
    assert table.formula_cells == {"B2": False}  # openpyxl saves no cached value


def _hidden_rows(table) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.message for i in table.issues if i.code == TableCode.HIDDEN_ROWS]


def test_many_hidden_rows_are_named_up_to_ten_and_counted():
    wb = Workbook()
    ws = wb.active
    ws.append(["a"])
    for value in range(1, 1200):
        ws.append([value])
    for row in range(3, 1103):  # 1.100 hidden rows, 3 to 1.102
        ws.row_dimensions[row].hidden = True
    out = io.BytesIO()
    wb.save(out)
    table = read_xlsx(out.getvalue())
    assert len(list(table.rows)) == 1199  # every row is read
    assert _hidden_rows(table) == [
        "Række 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 og 1.090 rækker mere er skjult i Excel, men er "
        "læst med. Slet rækkerne, hvis de ikke skal indberettes."
    ]


def test_hidden_row_without_a_row_number_is_counted_from_the_previous():
    data = _workbook(["a"], [1], [2], [3])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    assert b'<row r="3">' in sheet
    members["xl/worksheets/sheet1.xml"] = sheet.replace(b'<row r="3">', b'<row hidden="1">')
    table = read_xlsx(zip_of(members))
    assert [n for n, _v in table.rows] == [2, 3, 4]
    assert _hidden_rows(table) == [
        "Række 3 er skjult i Excel, men er læst med. Slet rækken, hvis den ikke skal indberettes."
    ]


def test_a_sheet_without_hidden_rows_says_nothing():
    assert _hidden_rows(read_xlsx(_workbook(["a"], [1]))) == []
