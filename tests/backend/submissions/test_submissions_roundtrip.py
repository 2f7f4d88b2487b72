"""Round trip for every stream: download the template through the API, fill it, upload it as
XLSX and as CSV, and read the same values back through the lines endpoint."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import Env
from tests.factories import make_offer, make_period, make_token

PERIODS = {
    "belaegning": (2017, 1),
    "regnskab": (2017, None),
    "takster": (2018, None),
    "tilbud": (2018, None),
}
KEYS = {  # template column key -> column index, per stream (the template's order)
    "belaegning": ["tilbud_id", "tilbudsnavn", "kvartal", "normering", "forbrug", "koeberkommune"],
    "regnskab": [
        "tilbud_id",
        "tilbudsnavn",
        "regnskab",
        "belaegning",
        "over_underskud",
        "tillaeg",
        "takst",
        "prisaar",
    ],
    "takster": ["tilbud_id", "tilbudsnavn", "basistakst", "takstgruppe", "belaegningsprocent"],
    "tilbud": [
        "tilbud_id",
        "navn",
        "tilbudsportalen_id",
        "maalgruppe",
        "tilbudstype",
        "sel_paragraf",
        "normering",
        "omfattet",
        "gyldig_fra",
        "gyldig_til",
    ],
}


def _fill(stream: str, i: int) -> dict[str, Any]:
    """Values written into prefilled row ``i`` (as typed numbers; CSV writes them in Danish)."""
    if stream == "belaegning":
        return {
            "normering": Decimal("10.5") + i,
            "forbrug": Decimal(800 + i) + Decimal("0.5"),
            "koeberkommune": "751" if i % 2 else None,
        }
    if stream == "regnskab":
        return {
            "regnskab": Decimal(3_000_000 + 1000 * i),
            "belaegning": Decimal("9.25"),
            "over_underskud": Decimal(-120_000 + i),
            "tillaeg": Decimal("15000.5"),
            "takst": Decimal("2500.75"),
            "prisaar": 2017,
        }
    if stream == "takster":
        return {
            "basistakst": Decimal(2600 + i),
            "belaegningsprocent": Decimal("97.5"),
            "takstgruppe": "Gruppe 1" if i == 0 else None,
        }
    return {
        "normering": Decimal("12.5") + i,
        "gyldig_fra": date(2018, 1, 1),
        "sel_paragraf": "§ 108",
        "tilbudsportalen_id": f"TP{i}",
    }


def _expected(stream: str, row: dict[str, Any]) -> dict[str, Any]:
    """What the lines endpoint shows for a filled row."""
    out: dict[str, Any] = {"tilbud_id": row["tilbud_id"]}
    for key, value in row.items():
        if key in ("tilbud_id", "tilbudsnavn"):
            continue
        if isinstance(value, Decimal):
            out[key] = format(value.normalize(), "f")
        elif isinstance(value, date):
            out[key] = value.isoformat()
        elif key in ("kvartal", "prisaar"):
            out[key] = int(value)
        else:
            out[key] = value
    if stream == "tilbud":  # the template writes målgruppe and tilbudstype as Danish labels
        out["omfattet"] = True
        for key in ("maalgruppe", "tilbudstype", "gyldig_til"):
            out.pop(key, None)
    return out


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _fill_xlsx(data: bytes, stream: str) -> tuple[bytes, list[dict[str, Any]]]:
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    keys = KEYS[stream]
    rows = []
    for i, cells in enumerate(ws.iter_rows(min_row=2)):
        if cells[0].value is None:
            break
        for key, value in _fill(stream, i).items():
            cell = cells[keys.index(key)]
            cell.value = float(value) if isinstance(value, Decimal) else value
        rows.append({k: cells[j].value for j, k in enumerate(keys)} | _fill(stream, i))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), rows


def _fill_csv(data: bytes, stream: str) -> tuple[bytes, list[dict[str, Any]]]:
    reader = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    keys = KEYS[stream]
    header, body, rows = reader[0], reader[1:], []
    for i, cells in enumerate(body):
        values = _fill(stream, i)
        for key, value in values.items():
            cells[keys.index(key)] = _csv_text(value)
        rows.append({k: cells[j] or None for j, k in enumerate(keys)} | values)
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([header, *body])
    return out.getvalue().encode("utf-8-sig"), rows


def _lines(env: Env, headers: dict[str, str], submission_id: str) -> list[dict[str, Any]]:
    resp = env.client.get(f"/api/v1/submissions/{submission_id}/lines?limit=10000", headers=headers)
    assert resp.status_code == 200, resp.json
    return resp.json["items"]


@pytest.mark.parametrize("stream", sorted(PERIODS))
def test_template_fill_upload_read_back(env: Env, stream: str) -> None:
    aar, kvartal = PERIODS[stream]
    for navn in ("Roundtrip Bo", "Roundtrip Hus"):
        make_offer(
            env.database,
            org="657",
            navn=navn,
            historik=[{"aar": aar, "normering": 10, "omfattet": True}],
        )
    period_id = make_period(env.database, stream=stream, aar=aar, kvartal=kvartal)
    headers = make_token(env.database, org="657", role="reporter")
    for version, (fmt, fill) in enumerate((("xlsx", _fill_xlsx), ("csv", _fill_csv)), start=1):
        template = env.client.get(
            f"/api/v1/periods/{period_id}/templates/{stream}?format={fmt}", headers=headers
        )
        assert template.status_code == 200
        assert template.headers["Content-Disposition"].startswith("attachment;")
        data, rows = fill(template.data, stream)
        assert len(rows) >= 2
        resp = env.client.post(
            f"/api/v1/periods/{period_id}/submissions/{stream}",
            headers=headers,
            data={"fil": (io.BytesIO(data), f"udfyldt.{fmt}")},
            content_type="multipart/form-data",
        )
        assert resp.status_code == 201, resp.get_data(as_text=True)[:2000]
        body = resp.json
        assert (body["version"], body["status"], body["file_format"]) == (version, "draft", fmt)
        assert body["row_count"] == len(rows)
        lines = _lines(env, headers, body["id"])
        got = [{k: v for k, v in line.items() if k != "line_no"} for line in lines]
        want = [_expected(stream, row) for row in rows]
        for g, w in zip(got, want, strict=True):
            assert {k: g.get(k) for k in w} == w
        assert [line["line_no"] for line in lines] == list(range(2, len(rows) + 2))
        if stream == "tilbud":
            [bo] = [g for g in got if g["navn"] == "Roundtrip Bo"]
            assert (bo["maalgruppe"], bo["tilbudstype"]) == ("psykisk_handicap", "doegn")
        original = env.client.get(f"/api/v1/submissions/{body['id']}/file", headers=headers)
        assert original.data == data


def test_raw_body_upload_of_json(sqlite_env: Env) -> None:
    env = sqlite_env
    offer = make_offer(
        env.database, org="657", historik=[{"aar": 2017, "normering": 4, "omfattet": True}]
    )
    period_id = make_period(env.database, stream="belaegning", aar=2017, kvartal=2)
    headers = make_token(env.database, org="657", role="reporter")
    rows = [{"tilbud_id": offer, "normering": "4", "forbrug": "300,5", "koeberkommune": "Århus"}]
    resp = env.client.post(
        f"/api/v1/periods/{period_id}/submissions/belaegning", headers=headers, json=rows
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["file_format"] == "json"
    [line] = _lines(env, headers, resp.json["id"])
    assert line == {
        "line_no": 1,
        "tilbud_id": offer,
        "kvartal": 2,
        "normering": "4",
        "forbrug": "300.5",
        "koeberkommune": "751",
    }


def test_warnings_are_kept_with_the_submission(sqlite_env: Env) -> None:
    env = sqlite_env
    offer = make_offer(
        env.database, org="657", historik=[{"aar": 2017, "normering": 1, "omfattet": True}]
    )
    period_id = make_period(env.database, stream="belaegning", aar=2017, kvartal=1)
    headers = make_token(env.database, org="657", role="reporter")
    data = f"tilbud_id;normering;forbrug\r\n{offer};1;200\r\n".encode()
    resp = env.client.post(
        f"/api/v1/periods/{period_id}/submissions/belaegning",
        headers=headers,
        data=data,
        content_type="text/csv",
    )
    assert resp.status_code == 201
    assert [w["code"] for w in resp.json["warnings"]] == ["hoej_belaegning"]
    assert resp.json["warnings"][0]["row"] == 2
