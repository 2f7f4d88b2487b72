"""Bad input through the HTTP API is a Danish 4xx problem+json and writes nothing (issue 13,
items 2, 3, 5, 6, 7, 8, 9, 12, 17 and 18): what the happy path never sends."""

from __future__ import annotations

import hashlib
import io
import json
import re
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from backend.audit.models import AuditEntry
from backend.reference.models import ReferenceImport
from tests.conftest import Env
from tests.factories import make_offer, make_period, make_token, tenant_checksum

GOOD = {
    "navn": "Godt tilbud",
    "maalgruppe": "misbrug",
    "tilbudstype": "dag",
    "historik": [{"aar": 2018, "normering": "4.5"}],
}
ENGLISH = re.compile(
    r"\b(Must|Not a valid|Expecting|Invalid|Length|Shorter|Longer|field|required|value)\b"
)


def _danish_problem(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:500])
    assert resp.mimetype == "application/problem+json"
    body = resp.json
    assert body["status"] == status and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    for text in [body["detail"], *(e["message"] for e in body.get("errors", []))]:
        assert not ENGLISH.search(text), text
    return body


@pytest.fixture
def reporter(env: Env) -> dict[str, str]:
    return make_token(env.database, org="657", role="reporter")


def _post_raw(env: Env, path: str, text: str, headers: dict[str, str] | None = None) -> Any:
    return env.client.post(
        path,
        headers=headers or {},
        data=text.encode("utf-8", "surrogatepass"),
        content_type="application/json",
    )


def test_json_the_decoder_cannot_hold_is_400_ugyldig_json(env: Env, reporter) -> None:  # type: ignore[no-untyped-def]
    """Deep nesting and huge integer literals (item 5), lone surrogates (item 6), NaN:
    on login (unauthenticated) and on an authenticated write."""
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")
    before = tenant_checksum(env.database)
    login = "/api/v1/auth/tokens"
    cases = [
        (login, "[" * 1000 + "]" * 1000, {}),
        (login, '{"email": ' + "[" * 100 + "]" * 100 + ', "password": "x"}', {}),
        (login, '{"email": "a@b.dk", "password": ' + "9" * 5000 + "}", {}),
        (login, '{"email": "a@b.dk", "password": "\\ud800"}', {}),
        (login, '{"email": "a@b.dk", "\\udfff": "x"}', {}),
        ("/api/v1/offers", json.dumps(GOOD)[:-1] + ', "navn": "x\\ud83d"}', reporter),
        ("/api/v1/offers", '{"historik": [{"aar": 2018, "normering": NaN}]}', reporter),
        (
            "/api/v1/periods",
            '{"stream": "regnskab", "aar": ' + "1" * 4301 + ', "frist": "2018-04-30"}',
            secretariat,
        ),
        ("/api/v1/periods", '{"stream": "regnskab",', secretariat),
    ]
    for path, text, headers in cases:
        body = _danish_problem(_post_raw(env, path, text, headers), 400, "ugyldig_json")
        assert "JSON" in body["detail"], body
    assert tenant_checksum(env.database) == before


def test_a_decoder_message_is_danish_with_its_position(sqlite_env: Env) -> None:
    resp = _post_raw(sqlite_env, "/api/v1/auth/tokens", '{"email": }')
    body = _danish_problem(resp, 400, "ugyldig_json")
    assert body["detail"] == (
        "Anmodningens indhold er ikke gyldig JSON: der mangler en værdi (linje 1, tegn 11)."
    )


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x1b[31m", "\x0b", "\x1f", "\ufffe", "\uffff"])
def test_control_characters_in_json_text_are_refused(env: Env, reporter, bad: str) -> None:  # type: ignore[no-untyped-def]
    """Item 2 and 7: a control character (NUL included, which PostgreSQL cannot store)
    in any JSON text of any operation is a 422 naming the field."""
    offer = make_offer(env.database, org="657")
    before = tenant_checksum(env.database)
    created = env.client.post(
        "/api/v1/offers", headers=reporter, json={**GOOD, "navn": f"Tilbud {bad} A"}
    )
    body = _danish_problem(created, 422, "ugyldige_tegn")
    assert [e["field"] for e in body["errors"]] == ["navn"]
    etag = env.client.get(f"/api/v1/offers/{offer}", headers=reporter).headers["ETag"]
    patched = env.client.patch(
        f"/api/v1/offers/{offer}",
        headers={**reporter, "If-Match": etag},
        json={"note": "ok", "sel_paragraf": f"§ 10{bad}7"},
    )
    assert [e["field"] for e in _danish_problem(patched, 422)["errors"]] == ["sel_paragraf"]
    login = env.client.post("/api/v1/auth/tokens", json={"email": "a@b.dk", "password": f"x{bad}"})
    assert _danish_problem(login, 422)["errors"][0]["field"] == "password"
    assert tenant_checksum(env.database) == before


def test_tab_and_newlines_are_still_text(sqlite_env: Env) -> None:
    headers = make_token(sqlite_env.database, org="657", role="reporter")
    resp = sqlite_env.client.post(
        "/api/v1/offers", headers=headers, json={**GOOD, "note": "linje 1\r\nlinje 2\tslut"}
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["note"] == "linje 1\r\nlinje 2\tslut"


def test_control_characters_in_the_query_and_path_are_refused(env: Env, reporter) -> None:  # type: ignore[no-untyped-def]
    """Item 7: NUL in a query parameter or a path part never reaches SQL."""
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")
    for headers, path in (
        (reporter, "/api/v1/offers?maalgruppe=mis%00brug"),
        (reporter, "/api/v1/offers?organisation=%00"),
        (reporter, "/api/v1/reference/population?omraade=7%0051"),
        (secretariat, "/api/v1/submissions?organisation=657%01"),
        (secretariat, "/api/v1/noegletal?noegletal=%00"),
    ):
        body = _danish_problem(env.client.get(path, headers=headers), 422, "ugyldige_tegn")
        assert body["errors"][0]["location"] == "query", path
    resp = env.client.get("/api/v1/udgiftsbehov/1/kommuner/7%0051", headers=secretariat)
    _danish_problem(resp, 404)


def test_json_sent_as_another_media_type_is_415(env: Env, reporter) -> None:  # type: ignore[no-untyped-def]
    """Item 12: not 'Feltet skal udfyldes' for every field."""
    before = tenant_checksum(env.database)
    for path, headers, kwargs in (
        ("/api/v1/offers", reporter, dict(data=json.dumps(GOOD), content_type="text/plain")),
        ("/api/v1/offers", reporter, dict(data={"navn": "x"})),
        (
            "/api/v1/auth/tokens",
            {},
            dict(data='{"email": "a@b.dk", "password": "x"}', content_type="text/plain"),
        ),
    ):
        resp = env.client.post(path, headers=headers, **kwargs)
        _danish_problem(resp, 415, "forkert_medietype")
    assert tenant_checksum(env.database) == before


@pytest.mark.parametrize("navn", ["   ", "\u200b", " \u200b\u2060\ufeff ", "\t\n"])
def test_names_of_only_spaces_or_invisible_characters_are_refused(
    env: Env,
    reporter,
    navn: str,  # type: ignore[no-untyped-def]
) -> None:
    before = tenant_checksum(env.database)
    resp = env.client.post("/api/v1/offers", headers=reporter, json={**GOOD, "navn": navn})
    body = _danish_problem(resp, 422, "ugyldige_data")
    assert body["errors"] == [
        {"field": "navn", "location": "json", "message": "Feltet må ikke være tomt."}
    ]
    assert tenant_checksum(env.database) == before


def test_names_are_stored_trimmed(sqlite_env: Env) -> None:
    headers = make_token(sqlite_env.database, org="657", role="reporter")
    resp = sqlite_env.client.post(
        "/api/v1/offers",
        headers=headers,
        json={**GOOD, "navn": "\u200b Bostedet Åen  ", "sel_paragraf": " ", "note": ""},
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["navn"] == "Bostedet Åen"
    assert resp.json["sel_paragraf"] is None and resp.json["note"] is None


def test_validator_messages_are_danish(sqlite_env: Env) -> None:
    """Item 17: marshmallow's validators (OneOf, Email, Length, Range) in Danish."""
    headers = make_token(sqlite_env.database, org="657", role="reporter")
    resp = sqlite_env.client.post(
        "/api/v1/offers",
        headers=headers,
        json={
            **GOOD,
            "tilbudstype": "ukendt",
            "navn": "x" * 301,
            "historik": [{"aar": 1999, "normering": -1}],
        },
    )
    messages = {e["field"]: e["message"] for e in _danish_problem(resp, 422)["errors"]}
    assert messages["tilbudstype"].startswith("Skal være en af: ")
    assert messages["navn"] == "Længden skal være mellem 1 og 300 tegn."
    assert messages["historik.0.aar"] == "Skal være mindst 2000 og højst 2100."
    assert messages["historik.0.normering"] == "Skal være mindst 0 og højst 100000."
    login = sqlite_env.client.post(
        "/api/v1/auth/tokens", json={"email": "ikke-en-adresse", "password": "x"}
    )
    assert _danish_problem(login, 422)["errors"] == [
        {"field": "email", "location": "json", "message": "Ikke en gyldig e-mailadresse."}
    ]


def test_a_login_email_longer_than_the_column_is_422(env: Env) -> None:
    """Item 8: an e-mail over 254 characters is refused before it reaches SQL."""
    before = tenant_checksum(env.database)
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".dk"
    resp = env.client.post("/api/v1/auth/tokens", json={"email": email, "password": "x"})
    body = _danish_problem(resp, 422)
    assert body["errors"][0]["field"] == "email"
    assert tenant_checksum(env.database) == before


def _audit_request_ids(env: Env) -> dict[str, str | None]:
    from backend.db.tenancy import TenantScope, scoped
    from backend.organisations.models import Organisation

    with env.database.unit_of_work() as s:
        orgs = s.scalars(sa.select(Organisation.id)).all()
        with scoped(s, TenantScope.many(None, orgs)):
            rows = s.execute(sa.select(AuditEntry.id, AuditEntry.request_id)).all()
            return {str(i): r for i, r in rows}


def test_a_long_or_odd_request_id_does_not_break_writes(env: Env, reporter) -> None:  # type: ignore[no-untyped-def]
    """Items 8 and 18: a proxy's 100-character trace id (or one with spaces) is replaced by
    an id of our own; a valid one is kept and echoed."""
    before = _audit_request_ids(env)
    for sent in ("x" * 100, "has spaces", "æøå"):
        resp = env.client.post(
            "/api/v1/offers",
            headers={**reporter, "X-Request-ID": sent},
            json={**GOOD, "navn": f"Tilbud {sent[:10]}"},
        )
        assert resp.status_code == 201, resp.get_data(as_text=True)[:300]
        assert resp.headers["X-Request-ID"] != sent
        assert re.fullmatch(r"[0-9a-f]{32}", resp.headers["X-Request-ID"])
    resp = env.client.post(
        "/api/v1/offers",
        headers={**reporter, "X-Request-ID": "trace-" + "1" * 58},
        json={**GOOD, "navn": "Tilbud med sporing"},
    )
    assert resp.status_code == 201 and resp.headers["X-Request-ID"] == "trace-" + "1" * 58
    new = [r for i, r in _audit_request_ids(env).items() if i not in before]
    assert new and "trace-" + "1" * 58 in new
    assert all(r is not None and len(r) <= 64 for r in new)
    assert len(set(new)) == 4  # one id per request


def _upload(env: Env, period: int, headers: dict[str, str], filename: str, data: bytes) -> Any:
    """A multipart upload whose file name is sent as RFC 5987 ``filename*`` (which can
    carry any character: CR, LF and NUL included)."""
    body = (
        b"--B\r\nContent-Disposition: form-data; name=\"fil\"; filename*=UTF-8''"
        + quote(filename, safe="").encode()
        + b"\r\nContent-Type: text/csv\r\n\r\n"
        + data
        + b"\r\n--B--\r\n"
    )
    return env.client.post(
        f"/api/v1/periods/{period}/submissions/belaegning",
        headers=headers,
        data=body,
        content_type="multipart/form-data; boundary=B",
    )


def test_stored_file_names_are_base_names_without_control_or_bidi_characters(
    env: Env,
    reporter,  # type: ignore[no-untyped-def]
) -> None:
    """Item 9: path parts, CR/LF, NUL and bidi overrides are not stored; the file always
    downloads, byte for byte."""
    offer = make_offer(env.database, org="657")
    period = make_period(env.database, stream="belaegning", aar=2017, kvartal=1)
    names = {
        "../../../../etc/passwd.csv": "passwd.csv",
        "C:\\Users\\x\\belaegning.csv": "belaegning.csv",
        "regnskab\u202evsc.exe": "regnskabvsc.exe",
        "a\r\nSet-Cookie: x=1.csv": "aSet-Cookie: x=1.csv",
        "nul\x00.csv": "nul.csv",
        "x" * 400 + ".csv": "x" * 251 + ".csv",
    }
    for version, (sent, stored) in enumerate(names.items(), start=1):
        # a new file each time (the same file again is refused: 409 samme_fil)
        data = f"tilbud_id;normering;forbrug\r\n{offer};10;{800 + version}\r\n".encode()
        resp = _upload(env, period, {**reporter, "If-Match": f'"{version - 1}"'}, sent, data)
        assert resp.status_code == 201, (sent, resp.get_data(as_text=True)[:300])
        assert resp.json["file_name"] == stored
        download = env.client.get(f"/api/v1/submissions/{resp.json['id']}/file", headers=reporter)
        assert download.status_code == 200 and download.data == data
        assert "\r" not in download.headers["Content-Disposition"]
    # A name stored before names were cleaned still downloads.
    from backend.db.tenancy import TenantScope, scoped
    from backend.submissions.models import Submission

    with env.database.unit_of_work() as s:
        org_id = s.scalar(sa.text("SELECT id FROM organisation WHERE kode = '657'"))
        with scoped(s, TenantScope.single(org_id)):
            s.execute(sa.update(Submission).values(file_name="gammel\r\nfil\u202e.csv"))
    download = env.client.get(f"/api/v1/submissions/{resp.json['id']}/file", headers=reporter)
    assert download.status_code == 200 and download.data == data
    assert "gammelfil.csv" in download.headers["Content-Disposition"]


def test_a_reference_file_name_longer_than_the_column_is_cut(env: Env) -> None:
    """Item 8: a 400-character name of a reference file is stored as its first 255."""
    from tests.backend.reference.test_reference_api import DATA

    headers = make_token(env.database, org="sekretariat-midt", role="admin")
    resp = env.client.post(
        "/api/v1/reference/pl-index?kilde=KL",
        headers=headers,
        data={"fil": (io.BytesIO((DATA / "pl_indeks.csv").read_bytes()), "p" * 400 + ".csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_data(as_text=True)[:300]
    with env.database.unit_of_work() as s:
        name = s.scalars(sa.select(ReferenceImport.file_name).order_by(ReferenceImport.id)).all()
    assert name[-1] == "p" * 251 + ".csv"


def _chunked(env: Env, path: str, headers: dict[str, str], data: bytes) -> Any:
    return env.client.post(
        path,
        headers={**headers, "Transfer-Encoding": "chunked", "Content-Type": "text/csv"},
        input_stream=io.BytesIO(data),
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_upload_over_the_limit_is_413_not_truncated(env: Env, reporter) -> None:  # type: ignore[no-untyped-def]
    """Item 3: the limit (1 MiB in the tests) holds for a body without Content-Length."""
    offer = make_offer(env.database, org="657")
    period = make_period(env.database, stream="belaegning", aar=2017, kvartal=1)
    path = f"/api/v1/periods/{period}/submissions/belaegning"
    row = f"{offer};10;801\r\n".encode()
    big = b"tilbud_id;normering;forbrug\r\n" + row * (1024 * 1024 // len(row) + 10)
    before = tenant_checksum(env.database)
    _danish_problem(_chunked(env, path, reporter, big), 413, "for_stor")
    assert tenant_checksum(env.database) == before
    small = b"tilbud_id;normering;forbrug\r\n" + row
    resp = _chunked(env, path, reporter, small)
    assert resp.status_code == 201, resp.get_data(as_text=True)[:300]
    assert resp.json["file_sha256"] == hashlib.sha256(small).hexdigest()
    download = env.client.get(f"/api/v1/submissions/{resp.json['id']}/file", headers=reporter)
    assert download.data == small


def test_tenant_data_is_never_cached_and_csv_has_one_charset(env: Env, reporter) -> None:  # type: ignore[no-untyped-def]
    """Item 18."""
    period = make_period(env.database, stream="regnskab", aar=2017)
    for path in ("/api/v1/me", "/api/v1/offers", "/api/v1/nope"):
        assert env.client.get(path, headers=reporter).headers["Cache-Control"] == "no-store"
    template = env.client.get(
        f"/api/v1/periods/{period}/templates/regnskab?format=csv", headers=reporter
    )
    assert template.status_code == 200
    assert template.headers["Cache-Control"] == "no-store"
    assert template.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "Server" not in template.headers or "gunicorn" not in template.headers["Server"]
