"""The bad-file corpus through the API: every file gets a 4xx with the expected code and
location in ``errors``, and no tenant table changes (row counts and a checksum of the rows).

The corpus (tests/data/bad, see make_bad_files.py) is written against Aarhus' offers
A-101…A-104 and other organisations' offers V-201, V-202. Here those names are replaced by
the ids of real offers in the database (CSV/JSON bytes, or the XML parts of an XLSX), so
the files are validated against the database exactly as a user's upload would be.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Env
from tests.factories import make_offer, make_period, make_token, tenant_checksum

BAD = Path(__file__).resolve().parents[2] / "data" / "bad"
EXPECTED: dict[str, dict] = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
LOCATION_KEYS = ("sheet", "row", "column", "field", "header")
OWN = {  # corpus name -> offer of Aarhus (751) as in tests/backend/submissions/factories.py
    "A-101": {
        "navn": "Bostedet A-101",
        "maalgruppe": "psykisk_handicap",
        "tilbudstype": "doegn",
        "n": 10,
    },
    "A-102": {
        "navn": "Sølyst",
        "maalgruppe": "voksne_sindslidelse",
        "tilbudstype": "doegn",
        "n": "12.5",
    },
    "A-103": {
        "navn": "Dagcentret Åen",
        "maalgruppe": "psykisk_handicap",
        "tilbudstype": "dag",
        "n": 20,
    },
    "A-104": {
        "navn": "Krisecentret",
        "maalgruppe": "kvindekrisecentre",
        "tilbudstype": "doegn",
        "n": 10,
    },
}
PERIODS = {"belaegning": 1, "regnskab": None, "takster": None, "tilbud": None}


def _localise(data: bytes, name: str, ids: dict[str, str]) -> bytes:
    """Replace the corpus' offer names with database ids (only where the bytes can be edited)."""

    def swap(raw: bytes) -> bytes:
        for old, new in ids.items():
            raw = raw.replace(old.encode(), new.encode())
        return raw

    if not name.endswith(".xlsx"):
        return swap(data)
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        members = [(info, source.read(info)) for info in source.infolist()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return data  # corrupt on purpose: nothing to localise
    if not any(old.encode() in content for _info, content in members for old in ids):
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info, content in members:
            target.writestr(info, swap(content) if info.filename.endswith(".xml") else content)
    return out.getvalue()


@pytest.fixture
def corpus_world(env: Env):  # type: ignore[no-untyped-def]
    ids = {}
    for key, o in OWN.items():
        ids[key] = make_offer(
            env.database,
            org="751",
            navn=o["navn"],
            maalgruppe=o["maalgruppe"],
            tilbudstype=o["tilbudstype"],
            historik=[{"aar": 2017, "normering": o["n"], "omfattet": True}],
        )
    for key in ("V-201", "V-202"):
        ids[key] = make_offer(env.database, org="657", navn=f"Fremmed {key}")
    periods = {
        stream: make_period(env.database, stream=stream, aar=2017, kvartal=q)
        for stream, q in PERIODS.items()
    }
    headers = make_token(env.database, org="751", role="reporter")
    return env, ids, periods, headers


def _mismatch(name: str, spec: dict, resp) -> str | None:  # type: ignore[no-untyped-def]
    if not 400 <= resp.status_code < 500 or resp.mimetype != "application/problem+json":
        return f"{name}: {resp.status_code} {resp.get_data(as_text=True)[:300]}"
    body = resp.json
    if body["code"] != "ugyldig_fil" or body["status"] != 422:
        return f"{name}: code {body['code']}"
    matching = [e for e in body["errors"] if e["code"] == spec["code"]]
    if not matching:
        return f"{name}: no {spec['code']} in {body['errors'][:5]}"
    issue = matching[0]
    wrong = [k for k in LOCATION_KEYS if k in spec and issue.get(k) != spec[k]]
    if wrong or not issue["message"]:
        return f"{name}: location {wrong} in {issue}"
    return None


def test_every_bad_file_is_rejected_with_its_location_and_changes_nothing(corpus_world) -> None:  # type: ignore[no-untyped-def]
    env, ids, periods, headers = corpus_world
    assert len(EXPECTED) >= 30
    before = tenant_checksum(env.database)
    problems = []
    for name, spec in sorted(EXPECTED.items()):
        data = _localise((BAD / name).read_bytes(), name, ids)
        url = f"/api/v1/periods/{periods[spec['stream']]}/submissions/{spec['stream']}"
        resp = env.client.post(
            url,
            headers=headers,
            data={"fil": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        problems.append(_mismatch(name, spec, resp))
    assert [p for p in problems if p] == []
    assert tenant_checksum(env.database) == before


def test_many_bad_rows_are_all_reported(corpus_world) -> None:  # type: ignore[no-untyped-def]
    env, ids, periods, headers = corpus_world
    data = _localise((BAD / "many_bad_rows.csv").read_bytes(), "many_bad_rows.csv", ids)
    resp = env.client.post(
        f"/api/v1/periods/{periods['belaegning']}/submissions/belaegning",
        headers=headers,
        data=data,
        content_type="text/csv",
    )
    found = [[e["code"], e["row"], e.get("column")] for e in resp.json["errors"]]
    expected = EXPECTED["many_bad_rows.csv"]["all"]
    # the corpus was written for a yearly context; the quarterly period adds wrong_quarter
    assert [f for f in found if f[0] != "forkert_kvartal"] == expected
    assert all(
        e["message"] and "value" in e for e in resp.json["errors"] if e["code"] != "skal_udfyldes"
    )


def test_closed_period_is_409_and_changes_nothing(corpus_world) -> None:  # type: ignore[no-untyped-def]
    env, ids, periods, headers = corpus_world
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")
    closed = env.client.patch(
        f"/api/v1/periods/{periods['belaegning']}",
        json={"status": "lukket"},
        headers={**secretariat, "If-Match": '"1"'},
    )
    assert closed.status_code == 200
    before = tenant_checksum(env.database)
    good = f"tilbud_id;normering;forbrug\r\n{ids['A-101']};10;800\r\n".encode()
    resp = env.client.post(
        f"/api/v1/periods/{periods['belaegning']}/submissions/belaegning",
        headers=headers,
        data=good,
        content_type="text/csv",
    )
    assert resp.status_code == 409 and resp.json["code"] == "periode_lukket"
    assert "lukket" in resp.json["detail"]
    assert tenant_checksum(env.database) == before


@pytest.mark.parametrize("as_multipart", [True, False])
def test_file_over_the_size_limit_is_413_and_changes_nothing(
    corpus_world, as_multipart: bool
) -> None:  # type: ignore[no-untyped-def]
    env, ids, periods, headers = corpus_world
    line = f"{ids['A-101']};10;800\r\n".encode()
    big = b"tilbud_id;normering;forbrug\r\n" + line * (1024 * 1024 // len(line) + 10)
    before = tenant_checksum(env.database)
    url = f"/api/v1/periods/{periods['belaegning']}/submissions/belaegning"
    if as_multipart:  # encoded here: the test client spools a large body to an unclosed file
        boundary = "rammetal-test-boundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="fil"; filename="stor.csv"\r\n'
                f"Content-Type: text/csv\r\n\r\n"
            ).encode()
            + big
            + f"\r\n--{boundary}--\r\n".encode()
        )
        resp = env.client.post(
            url,
            headers=headers,
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
    else:
        resp = env.client.post(url, headers=headers, data=big, content_type="text/csv")
    assert resp.status_code == 413 and resp.mimetype == "application/problem+json"
    assert resp.json["code"] == "for_stor"
    assert resp.json["detail"] == "Filen er større end 1 MB, som er grænsen."
    assert tenant_checksum(env.database) == before


def test_wrong_stream_for_the_period_is_422(corpus_world) -> None:  # type: ignore[no-untyped-def]
    env, ids, periods, headers = corpus_world
    resp = env.client.post(
        f"/api/v1/periods/{periods['regnskab']}/submissions/takster",
        headers=headers,
        data=b"x",
        content_type="text/csv",
    )
    assert resp.status_code == 422 and resp.json["code"] == "forkert_datastroem"
    missing = env.client.post(
        f"/api/v1/periods/{periods['regnskab']}/submissions/regnskab",
        headers=headers,
        data=b"",
        content_type="text/csv",
    )
    assert missing.status_code == 422 and missing.json["code"] == "fil_mangler"
