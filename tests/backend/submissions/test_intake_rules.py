"""Plausibility warnings, period handling, header matching, safety limits and warnings."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from backend.submissions.intake import Code, get_stream, parse_upload
from backend.submissions.intake.rules import days_in_quarter
from backend.tabular import TableCode, fold
from tests.backend.tabular.support import zip_of

from .factories import make_context


def _csv(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _warnings(result) -> list[tuple[str, int | None, str | None]]:
    return [(str(w.code), w.row, w.column) for w in result.warnings]


def test_days_in_quarter():
    assert [days_in_quarter(2017, q) for q in (1, 2, 3, 4)] == [90, 91, 92, 92]
    assert days_in_quarter(2016, 1) == 91


def test_high_occupancy_and_forbrug_without_normering_are_warnings():
    # 10 places × 90 days × 1,10 = 990 place-days is the limit in Q1 2017
    data = _csv(
        "tilbud_id;kvartal;normering;forbrug",
        "A-101;1;10;990",
        "A-102;1;10;991",
        "A-103;1;;50",
        "A-104;1;0;5",
    )
    result = parse_upload(data, "belaegning", make_context())
    assert result.ok
    assert _warnings(result) == [
        ("hoej_belaegning", 3, "D"),
        ("forbrug_uden_normering", 4, "D"),
        ("forbrug_uden_normering", 5, "D"),
    ]
    assert "110,1 %" in result.warnings[0].message


def test_takst_change_and_belaegningsprocent_warnings():
    data = _csv(
        "tilbud_id;basistakst;belaegningsprocent",
        "A-101;2.750;97",
        "A-102;1.900;94",
        "A-103;1000;100",
        "A-104;900;91",
    )
    result = parse_upload(data, "takster", make_context())
    assert result.ok
    # +10,0 % exactly is fine? 2750/2500 = +10 % → not above the limit
    # 94 % below 95; A-104 is acute: 91 % is fine (limit 90)
    assert _warnings(result) == [("usaedvanlig_belaegningsprocent", 3, "C")]
    data = _csv("tilbud_id;basistakst;belaegningsprocent", "A-101;2.751;97", "A-104;900;89")
    assert _warnings(parse_upload(data, "takster", make_context())) == [
        ("takst_aendring", 2, "B"),
        ("usaedvanlig_belaegningsprocent", 3, "C"),
    ]


def test_zero_belaegningsprocent_is_an_error():
    data = _csv("tilbud_id;basistakst;belaegningsprocent", "A-101;2500;0")
    result = parse_upload(data, "takster", make_context())
    assert [(e.code, e.row, e.column) for e in result.errors] == [(Code.OUT_OF_RANGE, 2, "C")]


def test_total_line_that_disagrees_with_offer_lines_warns():
    data = _csv(
        "tilbud_id;regnskab;belaegning", "A-101;1.000.000;5", "A-102;2.000.000;6", ";3.100.000;11"
    )
    result = parse_upload(data, "regnskab", make_context())
    assert result.ok
    assert _warnings(result) == [("total_afviger", 4, "B")]
    agreeing = _csv("tilbud_id;regnskab;belaegning", "A-101;1.000.000;5", ";1.000.000,4;5")
    assert parse_upload(agreeing, "regnskab", make_context()).warnings == ()


def test_two_total_lines_are_duplicates():
    data = _csv("tilbud_id;regnskab;belaegning", ";1;1", ";1;1")
    result = parse_upload(data, "regnskab", make_context())
    assert [(e.code, e.row) for e in result.errors] == [(Code.DUPLICATE_ROW, 3)]


def test_quarter_comes_from_the_period():
    data = _csv("tilbud_id;forbrug", "A-101;100")
    assert parse_upload(data, "belaegning", make_context(quarter=2)).records[0].kvartal == 2
    missing = parse_upload(data, "belaegning", make_context())
    assert [(e.code, e.row) for e in missing.errors] == [(Code.MISSING_COLUMN, 1)]
    wrong = parse_upload(
        _csv("tilbud_id;kvartal;forbrug", "A-101;1;100"), "belaegning", make_context(quarter=2)
    )
    assert [(e.code, e.row, e.column) for e in wrong.errors] == [(Code.WRONG_QUARTER, 2, "B")]


def test_headers_match_label_key_and_case():
    data = _csv("TILBUDS-ID;Kvartal;forbrug (dage);KOEBERKOMMUNE", "A-101;1;5;Skive")
    result = parse_upload(data, "belaegning", make_context())
    assert result.ok
    assert result.records[0].koeberkommune == "779"


@pytest.mark.parametrize("stream", ["belaegning", "regnskab", "takster", "tilbud"])
def test_header_keys_are_unambiguous(stream: str):
    keys = [k for c in get_stream(stream).columns for k in c.header_keys()]
    assert len(keys) == len(set(keys))
    assert all(fold(c.key) == c.key for c in get_stream(stream).columns)


def test_period_closed_code_exists_for_the_service_layer():
    assert Code.PERIOD_CLOSED == "periode_lukket"
    assert make_context(open=False).open is False


def test_openpyxl_warning_becomes_an_intake_warning():
    wb = Workbook()
    wb.active.append(["tilbud_id", "kvartal", "normering", "forbrug"])
    wb.active.append(["A-101", 1, 10, 500])
    out = io.BytesIO()
    wb.save(out)
    src = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    members = {n: src.read(n) for n in src.namelist()}
    # a <sheet> without r:id (seen in old XLSM files): openpyxl drops it with a warning
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet name="Gammel" sheetId="9"/></sheets>'
    )
    data = zip_of(members)
    result = parse_upload(data, "belaegning", make_context())
    assert result.ok
    assert [w.code for w in result.warnings] == [Code.WORKBOOK_WARNING]


def test_json_numbers_are_exact_decimals():
    data = b'[{"tilbud_id": "A-101", "kvartal": 1, "normering": 0.1, "forbrug": "1.234,5"}]'
    record = parse_upload(data, "belaegning", make_context()).records[0]
    assert (record.normering, record.forbrug) == (Decimal("0.1"), Decimal("1234.5"))


def test_every_table_code_is_an_upload_code():
    """Issues from the tabular readers reach clients under the upload API's codes."""
    assert {str(code) for code in TableCode} - {"ambiguous_number"} <= {str(c) for c in Code}


#: The upload issue codes clients match on (issue 14 item 6): Danish, ASCII, snake_case.
#: Renaming one breaks a municipality's script; add new codes here, never rename.
UPLOAD_CODES = [
    "beskadiget_fil",
    "dobbelt_kolonne",
    "dobbelt_raekke",
    "ekstern_kaede",
    "excel_fejl",
    "for_lang_indlaesning",
    "for_lang_tekst",
    "for_mange_fejl",
    "for_mange_felter",
    "for_mange_kolonner",
    "for_mange_raekker",
    "for_stor_fil",
    "forbrug_uden_normering",
    "forkert_kvartal",
    "forkert_type",
    "formel",
    "formel_uden_vaerdi",
    "fremmed_tilbud",
    "hoej_belaegning",
    "ikke_et_heltal",
    "ikke_et_tal",
    "ingen_raekker",
    "intet_ark",
    "kolonne_uden_overskrift",
    "lav_belaegning",
    "makroer",
    "manglende_kolonne",
    "negativ_vaerdi",
    "normering_spring",
    "periode_lukket",
    "projektmappe_bemaerkning",
    "skal_udfyldes",
    "skilletegn",
    "skjult_ark",
    "skjulte_raekker",
    "styretegn",
    "takst_aendring",
    "tegnkodning",
    "tilbud_ikke_udfyldt",
    "tom_fil",
    "total_afviger",
    "uden_for_graenser",
    "ugyldig_dato",
    "ugyldig_ja_nej",
    "ugyldig_json",
    "ugyldig_paragraf",
    "ugyldig_periode",
    "ugyldig_struktur",
    "ugyldig_tilbudstype",
    "ugyldigt_kvartal",
    "ukendt_format",
    "ukendt_kolonne",
    "ukendt_kommune",
    "ukendt_maalgruppe",
    "ukendt_overskrift",
    "ukendt_tilbud",
    "usaedvanlig_belaegningsprocent",
    "usikker_xml",
    "zip_bombe",
]


def test_upload_codes_are_danish_and_stable():
    assert sorted(str(c) for c in Code) == UPLOAD_CODES
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", c) for c in UPLOAD_CODES)


def test_rows_left_as_the_template_wrote_them_give_one_warning_naming_the_offers():
    """Issue 20 item 3: a prefilled offer row nobody filled in is not two 'skal udfyldes'
    errors per row; it is not reported, and one warning names the offers."""
    from backend.submissions.intake import parse_upload
    from tests.backend.submissions.factories import make_context

    context = make_context()
    names = {k: o.navn for k, o in context.offers.items()}
    data = (
        "tilbud_id;tilbudsnavn;basistakst;belaegningsprocent\n"
        "A-101;;2500;95\n"
        "A-102;Sølyst;;\n"
        "A-103;;;\n"
    ).encode()
    result = parse_upload(data, "takster", context)
    assert list(result.errors) == []
    assert [r.tilbud_id for r in result.records] == ["A-101"]
    (warning,) = [w for w in result.warnings if w.code == Code.OFFERS_NOT_FILLED]
    assert warning.message.startswith("2 tilbud fra skabelonen er ikke udfyldt")
    assert names["A-102"] in warning.message and names["A-103"] in warning.message

    # a row with something typed in it is checked as before: the missing value is an error
    typed = b"tilbud_id;basistakst;belaegningsprocent\nA-101;2500;95\nA-102;1800;\n"
    result = parse_upload(typed, "takster", context)
    assert [(str(e.code), e.row) for e in result.errors] == [("skal_udfyldes", 3)]
