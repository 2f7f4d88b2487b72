"""Issue 14 and the upload part of issue 13, through the upload API with real files built here:
Excel habits (percent formats, hidden sheets, Alt+Enter headers, upper-case ids), messages in
the officer's words, every municipality as buyer, and bounds on what the columns hold. A
refused file answers 422 problem+json and changes no tenant table."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from tests.conftest import Env
from tests.factories import make_offer, make_period, make_token, tenant_checksum


def _xlsx(
    rows: list[list[Any]],
    *,
    title: str = "Ark1",
    formats: dict[str, str] | None = None,
    hidden: dict[str, list[list[Any]]] | None = None,
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    for name, hidden_rows in (hidden or {}).items():
        sheet = wb.create_sheet(name, 0)
        sheet.sheet_state = "hidden"
        for row in hidden_rows:
            sheet.append(row)
    wb.active = len(wb.worksheets) - 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _post(env: Env, headers: dict[str, str], period: int, stream: str, data: bytes, name: str):  # type: ignore[no-untyped-def]
    return env.client.post(
        f"/api/v1/periods/{period}/submissions/{stream}",
        headers=headers,
        data={"fil": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _lines(env: Env, headers: dict[str, str], resp) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    assert resp.status_code == 201, resp.get_data(as_text=True)[:800]
    got = env.client.get(f"/api/v1/submissions/{resp.json['id']}/lines", headers=headers)
    return got.json["items"]


def _refused(env: Env, resp, before) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    assert resp.status_code == 422, resp.get_data(as_text=True)[:800]
    assert resp.mimetype == "application/problem+json"
    assert tenant_checksum(env.database) == before
    return resp.json["errors"]


@pytest.fixture
def world(sqlite_env: Env):  # type: ignore[no-untyped-def]
    env = sqlite_env
    offer = make_offer(
        env.database, org="751", historik=[{"aar": 2017, "normering": 10, "omfattet": True}]
    )
    periods = {
        "belaegning": make_period(env.database, stream="belaegning", aar=2017, kvartal=1),
        "takster": make_period(env.database, stream="takster", aar=2017),
        "regnskab": make_period(env.database, stream="regnskab", aar=2017),
        "tilbud": make_period(env.database, stream="tilbud", aar=2017),
    }
    headers = make_token(env.database, org="751", role="reporter")
    return env, offer, periods, headers


# --- item 1: percentages -------------------------------------------------------------
def test_percent_formatted_cell_is_stored_as_the_percent_shown(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    data = _xlsx(
        [["Tilbuds-ID", "Basistakst (kr.)", "Belægningsprocent"], [offer, 2500, 0.96]],
        title="Takster",
        formats={"C2": "0 %"},
    )
    resp = _post(env, headers, periods["takster"], "takster", data, "takster.xlsx")
    [line] = _lines(env, headers, resp)
    assert Decimal(line["belaegningsprocent"]) == Decimal(96)
    assert resp.json["warnings"] == []  # 96 % is usual: no "1,0 ligger uden for"


def test_percent_with_sign_in_csv_is_accepted(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    data = f"Tilbuds-ID;Basistakst (kr.);Belægningsprocent\r\n{offer};2500;95 %\r\n".encode()
    resp = _post(env, headers, periods["takster"], "takster", data, "takster.csv")
    [line] = _lines(env, headers, resp)
    assert Decimal(line["belaegningsprocent"]) == Decimal(95)


def test_percent_sign_in_an_amount_says_to_drop_it(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    data = f"Tilbuds-ID;Basistakst (kr.);Belægningsprocent\r\n{offer};25 %;95\r\n".encode()
    [error] = _refused(
        env, _post(env, headers, periods["takster"], "takster", data, "t.csv"), before
    )
    assert error["message"] == "Værdien '25 %' er ikke et tal; skriv tallet uden %-tegn."
    assert (error["row"], error["column"]) == (2, "B")


# --- item 3: hidden sheets -----------------------------------------------------------
def test_hidden_sheet_named_like_the_stream_is_not_read(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    data = _xlsx(
        [["Tilbuds-ID", "Forbrug (dage)"], [offer, 700]],
        title="Ark1",
        hidden={"Belægning": [["Tilbuds-ID", "Forbrug (dage)"], [offer, 1]]},
    )
    resp = _post(env, headers, periods["belaegning"], "belaegning", data, "b.xlsx")
    [line] = _lines(env, headers, resp)
    assert Decimal(line["forbrug"]) == 700
    [warning] = [w for w in resp.json["warnings"] if w["code"] == "skjult_ark"]
    assert "'Belægning' er skjult og er ikke læst" in warning["message"]
    assert "synlige ark 'Ark1'" in warning["message"]


def test_data_on_the_second_sheet_is_found(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    wb = Workbook()
    wb.active.title = "Forside"
    ws = wb.create_sheet("Data")
    ws.append(["Tilbuds-ID", "Forbrug (dage)"])
    ws.append([offer, 12])
    out = io.BytesIO()
    wb.save(out)
    resp = _post(env, headers, periods["belaegning"], "belaegning", out.getvalue(), "b.xlsx")
    assert [Decimal(x["forbrug"]) for x in _lines(env, headers, resp)] == [12]


# --- item 12: hidden rows are read, and said -------------------------------------------
def test_rows_hidden_in_excel_are_read_and_named(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    wb = Workbook()
    ws = wb.active
    ws.title = "Belægning"
    ws.append(["Tilbuds-ID", "Køberkommune", "Forbrug (dage)"])
    buyers = ["751", "851", "101", "657", "661", "615", "740", "746", "706"]
    for buyer in buyers:  # rows 2-10
        ws.append([offer, buyer, 10])
    for row in (7, 9, 12):  # 12 is hidden but empty: nothing is read there
        ws.row_dimensions[row].hidden = True
    out = io.BytesIO()
    wb.save(out)
    resp = _post(env, headers, periods["belaegning"], "belaegning", out.getvalue(), "b.xlsx")
    lines = _lines(env, headers, resp)
    assert [x["line_no"] for x in lines] == list(range(2, 11))  # the hidden rows too
    assert [w for w in resp.json["warnings"] if w["code"] == "skjulte_raekker"] == [
        {
            "code": "skjulte_raekker",
            "message": "Række 7 og 9 er skjult i Excel, men er læst med. Slet rækkerne, hvis de "
            "ikke skal indberettes.",
            "sheet": "Belægning",
        }
    ]


# --- item 5: the header row and Danish headers in messages ------------------------------
def test_missing_column_names_the_danish_header_and_the_header_row(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    data = _xlsx([[], [], ["Tilbuds-ID", "Normering (pladser)"], [offer, 10]], title="Belægning")
    errors = _refused(
        env, _post(env, headers, periods["belaegning"], "belaegning", data, "b.xlsx"), before
    )
    assert [e["message"] for e in errors] == [
        "Kolonnen 'Forbrug (dage)' mangler (overskriften er læst i række 3 i arket 'Belægning')."
    ]


# --- item 10: upper-case ids, long information-only names, Alt+Enter headers -----------
def test_upper_case_id_long_name_and_alt_enter_header(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    data = _xlsx(
        [
            ["Tilbuds-ID", "Tilbudsnavn", "Forbrug\n(dage)", "Køber\nkommune"],
            [offer.upper(), "N" * 264, 80, "Aalborg"],
        ],
        title="Belægning",
    )
    resp = _post(env, headers, periods["belaegning"], "belaegning", data, "b.xlsx")
    [line] = _lines(env, headers, resp)
    assert (line["tilbud_id"], Decimal(line["forbrug"]), line["koeberkommune"]) == (
        offer,
        80,
        "851",
    )


# --- item 11: every municipality and region as køberkommune ------------------------------
def test_every_municipality_and_region_is_a_buyer(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    buyers = ["0751", "Københavns Kommune", "851", "Region Hovedstaden", "bornholms regionskommune"]
    rows = "".join(f"{offer};1;{i + 1};{b}\r\n" for i, b in enumerate(buyers))
    data = ("Tilbuds-ID;Kvartal;Forbrug (dage);Køberkommune\r\n" + rows).encode()
    resp = _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv")
    got = [x["koeberkommune"] for x in _lines(env, headers, resp)]
    assert got == ["751", "101", "851", "1084", "400"]


def test_unknown_buyer_is_named(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    data = f"Tilbuds-ID;Forbrug (dage);Køberkommune\r\n{offer};1;Atlantis\r\n".encode()
    [error] = _refused(
        env, _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv"), before
    )
    assert error["message"].startswith("Køberkommunen 'Atlantis' kendes ikke.")
    assert (error["row"], error["column"]) == (2, "C")


# --- issue 13 item 1: amounts bounded to their columns ---------------------------------
@pytest.mark.parametrize(
    ("fmt", "value"),
    [("json", "1e14"), ("json", "9e14"), ("csv", "100000000000000"), ("csv", "9" * 5000)],
    ids=["1e14", "9e14", "csv_1e14", "csv_5000_nines"],
)
def test_amount_beyond_the_column_is_refused_with_row_and_column(
    world, fmt: str, value: str
) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    if fmt == "json":
        body = f'[{{"tilbud_id": "{offer}", "regnskab": {value}, "belaegning": 9}}]'.encode()
    else:
        body = f"Tilbuds-ID;Årets omkostninger (kr.);Belægning (årspladser)\r\n{offer};{value};9\r\n".encode()
    resp = _post(env, headers, periods["regnskab"], "regnskab", body, f"r.{fmt}")
    [error] = _refused(env, resp, before)
    assert error["code"] == "uden_for_graenser"
    assert error["field"] == "regnskab" and error["row"] == (1 if fmt == "json" else 2)
    assert "er større end det højst tilladte (9.999.999.999.999,99)" in error["message"]


def test_days_beyond_the_column_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    data = f"Tilbuds-ID;Forbrug (dage)\r\n{offer};10000000000\r\n".encode()
    [error] = _refused(
        env, _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv"), before
    )
    assert (error["code"], error["row"], error["column"]) == ("uden_for_graenser", 2, "B")


def test_largest_amount_is_stored_exactly(env: Env) -> None:
    offer = make_offer(env.database, org="751")
    period = make_period(env.database, stream="regnskab", aar=2017)
    headers = make_token(env.database, org="751", role="reporter")
    data = f"Tilbuds-ID;Årets omkostninger (kr.);Belægning (årspladser)\r\n{offer};9999999999999,99;9\r\n"
    resp = _post(env, headers, period, "regnskab", data.encode(), "r.csv")
    [line] = _lines(env, headers, resp)
    assert line["regnskab"] == "9999999999999.99"


# --- issue 13 item 2: control characters in text cells ----------------------------------
def test_control_character_in_a_name_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    body = (
        b'[{"navn": "Bo\\u0007sted", "maalgruppe": "psykisk_handicap", "tilbudstype": "doegn",'
        b' "normering": 5, "omfattet": "ja", "gyldig_fra": "2017-01-01"}]'
    )
    [error] = _refused(
        env, _post(env, headers, periods["tilbud"], "tilbud", body, "t.json"), before
    )
    assert error["code"] == "styretegn" and error["field"] == "navn" and error["row"] == 1
    assert error["message"] == (
        "Teksten indeholder et usynligt styretegn (U+0007) ved tegn 3; slet det og skriv "
        "teksten igen."
    )


# --- issue 13 item 12: Tilbudsportalen-ID too long, refused at upload -----------------
def test_tilbudsportalen_id_too_long_is_refused_at_upload(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    data = (
        "Navn;Tilbudsportalen-ID;Målgruppe;Tilbudstype;Normering (pladser);Omfattet af "
        f"rammeaftalen;Gyldig fra\r\nBostedet;{'T' * 51};psykisk_handicap;døgn;5;ja;2017-01-01\r\n"
    ).encode()
    [error] = _refused(env, _post(env, headers, periods["tilbud"], "tilbud", data, "t.csv"), before)
    assert error["message"] == "Tilbudsportalen-ID er 51 tegn lang; højst 50 tegn er tilladt."
    assert (error["row"], error["column"]) == (2, "B")


# --- issue 13 items 11 and 14: columns, rows and the last non-empty row ----------------
def test_csv_with_more_columns_than_excel_has_is_422(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    header = ";".join(["Tilbuds-ID", "Forbrug (dage)"] + [f"x{i}" for i in range(18_300)])
    data = f"{header}\r\n{offer};1\r\n".encode()
    [error] = _refused(
        env, _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv"), before
    )
    assert error["code"] == "for_mange_kolonner"
    assert error["message"] == "Overskriften har 18.302 kolonner; højst 1.000 er tilladt."


def test_sheet_with_values_far_below_is_refused_naming_the_limit(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    wb = Workbook()
    ws = wb.active
    ws.title = "Belægning"
    ws.append(["Tilbuds-ID", "Forbrug (dage)"])
    ws.append([offer, 1])
    ws["A150001"] = "x"
    out = io.BytesIO()
    wb.save(out)
    resp = _post(env, headers, periods["belaegning"], "belaegning", out.getvalue(), "b.xlsx")
    [error] = _refused(env, resp, before)
    assert error["code"] == "for_mange_raekker"
    assert "højst 100.000 datarækker er tilladt pr. fil" in error["message"]


def test_reading_stops_at_the_last_non_empty_row(world) -> None:  # type: ignore[no-untyped-def]
    import re
    import zipfile

    from openpyxl.styles import Font

    env, offer, periods, headers = world
    wb = Workbook()
    ws = wb.active
    ws.append(["Tilbuds-ID", "Forbrug (dage)"])
    ws.append([offer, 3])
    ws.cell(row=3, column=1).font = Font(bold=True)
    small = io.BytesIO()
    wb.save(small)
    # Formatted but empty rows down to 199.999, as Excel leaves them: the row openpyxl
    # wrote for row 3 repeated in the sheet XML (openpyxl itself takes seconds for these).
    out = io.BytesIO()
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                row = re.search(r'<row r="3".*?</row>', text).group(0)  # type: ignore[union-attr]
                rows = "".join(
                    row.replace('r="3"', f'r="{n}"').replace('r="A3"', f'r="A{n}"')
                    for n in range(3, 200_000)
                )
                content = text.replace(row, rows).replace(':B3"', ':B199999"').encode()
            dst.writestr(info, content)
    resp = env.client.post(  # the raw body: a multipart file this size would be spooled to disk
        f"/api/v1/periods/{periods['belaegning']}/submissions/belaegning",
        headers=headers,
        data=out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert [Decimal(x["forbrug"]) for x in _lines(env, headers, resp)] == [3]
    assert resp.json["row_count"] == 1


# --- item 4: the identical file again ---------------------------------------------------
def test_identical_reupload_makes_no_new_version(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    data = f"Tilbuds-ID;Forbrug (dage)\r\n{offer};5\r\n".encode()
    first = _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv")
    assert first.status_code == 201
    before = tenant_checksum(env.database)
    again = _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv")
    assert again.status_code == 409 and again.json["code"] == "samme_fil"
    assert again.json["detail"].startswith("Filen er identisk med version 1")
    assert tenant_checksum(env.database) == before
    changed = _post(env, headers, periods["belaegning"], "belaegning", data + b"\r\n", "b.csv")
    assert changed.status_code == 201 and changed.json["version"] == 2


# --- item 6: what Excel writes, and messages in Danish ----------------------------------
def test_sep_line_is_understood(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    data = f"sep=;\r\nTilbuds-ID;Forbrug (dage)\r\n{offer};7,5\r\n".encode()
    resp = _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv")
    [line] = _lines(env, headers, resp)
    assert (line["line_no"], Decimal(line["forbrug"])) == (3, Decimal("7.5"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[", "Ugyldig JSON i linje 1, tegn 2: der mangler en værdi."),
        (b"[[1, 2]]", "JSON-listen har 1 elementer, men ingen af dem er et objekt."),
    ],
)
def test_json_messages_are_danish(world, body: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    resp = _post(env, headers, periods["belaegning"], "belaegning", body, "b.json")
    [error] = _refused(env, resp, before)
    assert error["message"].startswith(message)


def test_overlong_csv_field_is_danish_with_its_row(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    data = f'Tilbuds-ID;Forbrug (dage)\r\n{offer};1\r\n"{"x" * 140_000}\r\n'.encode()
    resp = env.client.post(
        f"/api/v1/periods/{periods['belaegning']}/submissions/belaegning",
        headers=headers,
        data=data,
        content_type="text/csv",
    )
    errors = _refused(env, resp, before)
    assert [e["message"] for e in errors if e["code"] == "beskadiget_fil"] == [
        "CSV-filen kan ikke læses i række 3: et felt er længere end 131.072 tegn (mangler et "
        "afsluttende anførselstegn?)."
    ]


def test_one_nul_byte_in_utf8_is_not_called_utf16(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    data = f"Tilbuds-ID;Tilbudsnavn;Takstgruppe;Basistakst (kr.);Belægningsprocent\r\n{offer};x;A\x00B;1;96\r\n"
    resp = _post(env, headers, periods["takster"], "takster", data.encode(), "t.csv")
    [error] = _refused(env, resp, before)
    assert (error["code"], error["row"], error["column"]) == ("styretegn", 2, "C")


def test_decimal_comma_in_a_comma_separated_file_is_explained(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    data = f"tilbud_id,forbrug,koeberkommune\r\n{offer},1005,5,751\r\n".encode()
    resp = _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv")
    [error] = _refused(env, resp, before)
    assert error["code"] == "for_mange_felter" and error["row"] == 2
    assert "et tal med decimalkomma (fx 1005,5) deles i to felter" in error["message"]


# --- item 9: the CSV template survives a round trip -----------------------------------
def test_csv_template_round_trip_strips_only_the_neutralising_quote(world) -> None:  # type: ignore[no-untyped-def]
    env, _offer, periods, headers = world
    make_offer(
        env.database,
        org="751",
        navn="+45 12 34 56 78",
        historik=[{"aar": 2017, "normering": 4, "omfattet": True}],
    )
    template = env.client.get(
        f"/api/v1/periods/{periods['tilbud']}/templates/tilbud?format=csv", headers=headers
    )
    assert template.status_code == 200
    assert "'+45 12 34 56 78" in template.get_data(as_text=True)  # neutralised on the way out
    data = template.get_data()
    if b";;" in data:  # fill what the registry does not know yet (gyldig_fra)
        data = data.replace(b";ja;;", b";ja;2017-01-01;")
    resp = _post(env, headers, periods["tilbud"], "tilbud", data, "tilbud.csv")
    names = {x["navn"] for x in _lines(env, headers, resp)}
    assert "+45 12 34 56 78" in names


# --- item 2: ambiguous dotted numbers are named --------------------------------------
def test_dotted_normering_far_from_the_registry_is_warned_with_its_reading(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world  # the registry has 10 places for 2017
    data = f"Tilbuds-ID;Normering (pladser);Forbrug (dage)\r\n{offer};1.250;1.015\r\n".encode()
    resp = _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv")
    [line] = _lines(env, headers, resp)
    assert Decimal(line["normering"]) == 1250  # stored as read, but not silently
    warnings = {w["code"]: w["message"] for w in resp.json["warnings"]}
    assert warnings["normering_spring"].startswith(
        "Normeringen er læst som 1.250 pladser, men registret har 10 pladser for 2017."
    )
    assert warnings["lav_belaegning"].startswith(
        "Forbruget svarer til 0,9 % belægning (under 1 %): normeringen er læst som 1.250 "
        "pladser og forbruget som 1.015 dage."
    )


def _approve_belaegning(env: Env, headers: dict[str, str], offer: str, normering: str) -> None:
    """Last year's (2016) Q4 belægning of ``offer``, uploaded, submitted and approved."""
    period = make_period(env.database, stream="belaegning", aar=2016, kvartal=4)
    data = f"Tilbuds-ID;Normering (pladser);Forbrug (dage)\r\n{offer};{normering};3.800\r\n"
    resp = _post(env, headers, period, "belaegning", data.encode(), "b2016.csv")
    assert resp.status_code == 201, resp.get_data(as_text=True)[:800]
    submitted = env.client.post(f"/api/v1/submissions/{resp.json['id']}/submit", headers=headers)
    assert submitted.status_code == 200
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")
    approved = env.client.post(
        f"/api/v1/submissions/{resp.json['id']}/approve", headers=secretariat, json={}
    )
    assert approved.status_code == 200


def test_dotted_normering_far_from_last_years_approved_is_warned(world) -> None:  # type: ignore[no-untyped-def]
    env, _offer, periods, headers = world
    offer = make_offer(env.database, org="751", historik=[])  # no registry normering for 2017
    _approve_belaegning(env, headers, offer, "44")
    data = f"Tilbuds-ID;Normering (pladser);Forbrug (dage)\r\n{offer};1.250;3.900\r\n".encode()
    resp = _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv")
    [line] = _lines(env, headers, resp)
    assert Decimal(line["normering"]) == 1250  # stored as read, but not silently
    [jump] = [w for w in resp.json["warnings"] if w["code"] == "normering_spring"]
    assert jump["message"] == (
        "Normeringen er læst som 1.250 pladser; sidste år (2016) var normeringen 44. Er et "
        "punktum læst som tusindtalsseparator (1.250 er 1250)? Skriv decimaler med komma (12,50)."
    )
    assert (jump["row"], jump["column"]) == (2, "B")
    usual = f"Tilbuds-ID;Normering (pladser);Forbrug (dage)\r\n{offer};42;3.700\r\n".encode()
    resp = _post(env, headers, periods["belaegning"], "belaegning", usual, "b.csv")
    assert resp.status_code == 201
    assert [w for w in resp.json["warnings"] if w["code"] == "normering_spring"] == []


def test_normering_far_from_both_the_registry_and_last_year_names_both(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world  # the registry has 10 places for 2017
    _approve_belaegning(env, headers, offer, "9,5")
    data = f"Tilbuds-ID;Normering (pladser);Forbrug (dage)\r\n{offer};1.250;900\r\n".encode()
    resp = _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv")
    [jump] = [w for w in resp.json["warnings"] if w["code"] == "normering_spring"]
    assert jump["message"].startswith(
        "Normeringen er læst som 1.250 pladser, men registret har 10 pladser for 2017; sidste "
        "år (2016) var normeringen 9,5."
    )


def test_last_years_registry_normering_is_the_fallback(world) -> None:  # type: ignore[no-untyped-def]
    env, _offer, periods, headers = world
    offer = make_offer(
        env.database, org="751", historik=[{"aar": 2016, "normering": 44, "omfattet": True}]
    )
    data = f"Tilbuds-ID;Normering (pladser);Forbrug (dage)\r\n{offer};4,4;300\r\n".encode()
    resp = _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv")
    [jump] = [w for w in resp.json["warnings"] if w["code"] == "normering_spring"]
    assert jump["message"].startswith(
        "Normeringen er læst som 4,4 pladser; sidste år (2016) var normeringen 44."
    )


# --- item 7: suggestions for typos -----------------------------------------------------
def test_typos_in_maalgruppe_and_tilbudstype_get_a_suggestion(world) -> None:  # type: ignore[no-untyped-def]
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    data = (
        "Navn;Målgruppe;Tilbudstype;Normering (pladser);Omfattet af rammeaftalen;Gyldig fra\r\n"
        "Bostedet;Psykisk handicp;døgnn;5;ja;2017-01-01\r\n"
    ).encode()
    errors = _refused(env, _post(env, headers, periods["tilbud"], "tilbud", data, "t.csv"), before)
    messages = {e["column"]: e["message"] for e in errors}
    assert messages["B"] == (
        "Målgruppen 'Psykisk handicp' findes ikke i kataloget. Mente du 'Personer med psykisk "
        "handicap inkl. autister'?"
    )
    assert (
        messages["C"]
        == "Tilbudstypen 'døgnn' skal være dag, døgn, åben eller sikret. Mente du 'døgn'?"
    )


def _dropdown_types(lists, maalgruppe: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What Excel shows in the tilbudstype drop-down of a row with ``maalgruppe``: the
    formula's OFFSET(Lister!$C$3, 0, MATCH(...), INDEX(counts, MATCH(...)), 1), resolved."""
    names = [c.value for c in lists["A"][1:] if c.value]
    if maalgruppe not in names:
        return [c.value for c in lists["B"][1:] if c.value]
    column = 3 + names.index(maalgruppe) + 1  # C is column 3; MATCH is 1-based
    count = lists.cell(row=2, column=column).value
    return [lists.cell(row=row, column=column).value for row in range(3, 3 + count)]


def test_tilbudstype_dropdown_depends_on_the_maalgruppe(world) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    env, offer, periods, headers = world
    resp = env.client.get(
        f"/api/v1/periods/{periods['tilbud']}/templates/tilbud?format=xlsx", headers=headers
    )
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.get_data()))
    ws, lists = wb["Tilbud"], wb["Lister"]
    formulas = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation
    }
    assert formulas["D2"] == "Lister!$A$2:$A$9"
    match = "MATCH($D2,Lister!$A$2:$A$9,0)"
    assert formulas["E2"] == (
        f"IF(ISNA({match}),Lister!$B$2:$B$5,"
        f"OFFSET(Lister!$C$3,0,{match},INDEX(Lister!$D$2:$K$2,{match}),1))"
    )
    # the catalogue the upload checks rows against (the API's målgrupper)
    catalogue = env.client.get("/api/v1/maalgrupper", headers=headers).json
    danish = {"dag": "dag", "doegn": "døgn", "aaben": "åben", "sikret": "sikret"}
    order = list(danish)
    expected = {
        g["navn"]: [danish[t] for t in sorted(g["tilbudstyper"], key=order.index)]
        for g in catalogue
    }
    shown = {navn: _dropdown_types(lists, navn) for navn in expected}
    assert shown == expected
    assert shown["Personer med psykisk handicap inkl. autister"] == ["dag", "døgn"]
    assert shown["Sikrede institutioner for børn og unge"] == ["dag", "døgn", "åben", "sikret"]
    assert _dropdown_types(lists, "") == ["dag", "døgn", "åben", "sikret"]


def test_typed_tilbudstype_not_allowed_for_the_maalgruppe_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    template = env.client.get(
        f"/api/v1/periods/{periods['tilbud']}/templates/tilbud?format=xlsx", headers=headers
    )
    wb = load_workbook(io.BytesIO(template.get_data()))
    ws = wb["Tilbud"]
    [row] = [c.row for c in ws["A"] if c.value == offer]
    ws[f"E{row}"] = "sikret"  # typed past the drop-down (Excel lets a paste through)
    for cell in ws["I"][1:]:  # what the registry does not know yet
        if ws[f"A{cell.row}"].value and cell.value is None:
            cell.value = "01-01-2017"
    out = io.BytesIO()
    wb.save(out)
    resp = _post(env, headers, periods["tilbud"], "tilbud", out.getvalue(), "tilbud.xlsx")
    [error] = _refused(env, resp, before)
    assert error["message"] == (
        "Tilbudstypen 'sikret' findes ikke for målgruppen 'Personer med psykisk handicap inkl. "
        "autister'; den har dag og døgn."
    )
    assert (error["row"], error["column"]) == (row, "E")


# --- item 8: templates that know the registry ---------------------------------------------
def test_xlsx_template_is_prefilled_marked_greyed_and_explained(world) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    env, offer, periods, headers = world
    resp = env.client.get(
        f"/api/v1/periods/{periods['belaegning']}/templates/belaegning?format=xlsx",
        headers=headers,
    )
    wb = load_workbook(io.BytesIO(resp.get_data()))
    ws = wb["Belægning"]
    header = [c.value for c in ws[1]]
    assert header[0] == "Tilbuds-ID *" and header[4] == "Forbrug (dage) *"
    [row] = [c.row for c in ws["A"] if c.value == offer]
    assert Decimal(str(ws[f"D{row}"].value)) == 10  # the registry's normering for 2017
    assert ws[f"B{row}"].fill.fgColor.rgb.endswith("EDEDED")  # information only: grey
    assert ws.column_dimensions["A"].width >= 36  # the whole id is readable
    assert "skal udfyldes" in wb["Vejledning"]["A3"].value
    regnskab = env.client.get(
        f"/api/v1/periods/{periods['regnskab']}/templates/regnskab?format=xlsx", headers=headers
    )
    guide = load_workbook(io.BytesIO(regnskab.get_data()))["Vejledning"]
    texts = [c.value for c in guide["A"] if c.value]
    assert any(str(t).startswith("Totallinjen: en række uden Tilbuds-ID") for t in texts)
    # the filled-in template is read from its data sheet, not the guide
    for cell in ws["A"][1:]:
        if cell.value:
            ws[f"E{cell.row}"] = 300
    out = io.BytesIO()
    wb.save(out)
    stored = _post(env, headers, periods["belaegning"], "belaegning", out.getvalue(), "b.xlsx")
    [line] = [x for x in _lines(env, headers, stored) if x["tilbud_id"] == offer]
    assert (Decimal(line["normering"]), Decimal(line["forbrug"])) == (10, 300)


def test_parse_slower_than_the_limit_is_422_naming_the_limit(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The read stops when the time bound is spent, with a Danish message that names the
    limit and the row reached. The clock is made to run 40 s per look, so a file of a few
    thousand rows is "slow" without the test waiting."""
    from backend.submissions.intake import validation

    class Clock:
        now = 0.0

        @classmethod
        def monotonic(cls) -> float:
            cls.now += 40.0
            return cls.now

    monkeypatch.setattr(validation, "time", Clock)
    env, offer, periods, headers = world
    before = tenant_checksum(env.database)
    data = ("Tilbuds-ID;Forbrug (dage)\r\n" + f"{offer};1\r\n" * 3000).encode()
    [error] = _refused(
        env, _post(env, headers, periods["belaegning"], "belaegning", data, "b.csv"), before
    )
    assert error["code"] == "for_lang_indlaesning"
    assert error["message"].startswith(
        "Filen tager for lang tid at læse: efter 30 sekunder var kun række 1.024 nået."
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("[" * 5000 + "]" * 5000, "Ugyldig JSON: filen er indlejret for mange niveauer."),
        (
            '[{"Tilbuds-ID": "x", "Forbrug (dage)": ' + "9" * 5000 + "}]",
            "Ugyldig JSON: et tal har for mange cifre.",
        ),
    ],
    ids=["nested", "digits"],
)
def test_json_file_the_decoder_cannot_hold_is_refused_as_ugyldig_json(
    world, document: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13 item 5 for the upload itself: an uploaded JSON file nested 5.000 levels deep,
    or with an integer literal beyond Python's 4.300 digits, is a 422 naming the problem."""
    env, _offer, periods, headers = world
    before = tenant_checksum(env.database)
    resp = _post(env, headers, periods["belaegning"], "belaegning", document.encode(), "b.json")
    [error] = _refused(env, resp, before)
    assert (error["code"], error["message"]) == ("ugyldig_json", message)


def test_belaegning_template_falls_back_to_last_years_approved_normering(world) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    env, offer, periods, headers = world  # the registry has 10 places for 2017
    registry_2016 = make_offer(
        env.database, org="751", historik=[{"aar": 2016, "normering": 44, "omfattet": True}]
    )
    approved_2016 = make_offer(env.database, org="751", historik=[])
    _approve_belaegning(env, headers, approved_2016, "7,5")
    url = f"/api/v1/periods/{periods['belaegning']}/templates/belaegning"
    wb = load_workbook(io.BytesIO(env.client.get(f"{url}?format=xlsx", headers=headers).data))
    ws = wb["Belægning"]
    rows = {c.value: c.row for c in ws["A"][1:] if c.value}
    cells = {o: ws[f"D{rows[o]}"] for o in (offer, registry_2016, approved_2016)}
    assert {o: Decimal(str(c.value)) for o, c in cells.items()} == {
        offer: 10,
        registry_2016: 44,
        approved_2016: Decimal("7.5"),
    }
    assert cells[offer].comment is None  # this year's registry value needs no remark
    for fallback in (registry_2016, approved_2016):
        assert cells[fallback].comment.text == (
            "Sidste års normering: det er den godkendte normering for 2016; registret har "
            "ingen for 2017. Ret den, hvis tilbuddet har fået et andet antal pladser."
        )
    guide = [c.value for c in wb["Vejledning"]["A"] if c.value]
    assert any("er den godkendte normering for 2016 udfyldt" in str(t) for t in guide)
    csv_rows = env.client.get(f"{url}?format=csv", headers=headers).data.decode("utf-8-sig")
    by_id = {line.split(";")[0]: line.split(";")[3] for line in csv_rows.splitlines()[1:]}
    assert (by_id[offer], by_id[registry_2016], by_id[approved_2016]) == ("10", "44", "7,5")
