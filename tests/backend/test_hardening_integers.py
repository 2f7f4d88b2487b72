"""Integers beyond 64 bits in paths, queries and bodies are a 404 or 422, never a 500; an
integer field refuses 2017.9 instead of truncating it (issue 13, items 4 and 12)."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import Env
from tests.factories import make_period, make_token, tenant_checksum

HUGE = "99999999999999999999"
JUST_OVER = str(2**63)
SUB = uuid.uuid4()

# (role, method, path) of every operation with an integer in its path or query.
CASES = [
    ("secretariat", "GET", f"/api/v1/periods/{HUGE}"),
    ("secretariat", "PATCH", f"/api/v1/periods/{HUGE}"),
    ("secretariat", "GET", f"/api/v1/periods/{JUST_OVER}/status"),
    ("reporter", "GET", f"/api/v1/periods/{HUGE}/templates/regnskab"),
    ("reporter", "POST", f"/api/v1/periods/{HUGE}/submissions/regnskab"),
    ("reporter", "DELETE", f"/api/v1/auth/tokens/{HUGE}"),
    ("secretariat", "GET", f"/api/v1/reports/ledelsesinformation/{HUGE}"),
    ("secretariat", "POST", f"/api/v1/reports/ledelsesinformation/{HUGE}/publish"),
    ("secretariat", "GET", f"/api/v1/reports/ledelsesinformation/{HUGE}/snapshots"),
    ("secretariat", "GET", f"/api/v1/udgiftsbehov/{HUGE}"),
    ("secretariat", "POST", f"/api/v1/udgiftsbehov/{JUST_OVER}/publish"),
    ("secretariat", "GET", f"/api/v1/udgiftsbehov/{HUGE}/kommuner/751"),
    ("reporter", "GET", f"/api/v1/offers?offset={JUST_OVER}"),
    ("reporter", "GET", f"/api/v1/offers?limit={HUGE}"),
    ("reporter", "GET", f"/api/v1/offers?aar={HUGE}"),
    ("reporter", "GET", f"/api/v1/submissions?offset={JUST_OVER}"),
    ("reporter", "GET", f"/api/v1/submissions?period_id={HUGE}"),
    ("reporter", "GET", f"/api/v1/submissions/{SUB}/lines?offset={JUST_OVER}"),
    ("reporter", "GET", f"/api/v1/submissions/{SUB}/lines?limit={HUGE}"),
    ("reporter", "GET", f"/api/v1/submissions?limit={HUGE}"),
    ("admin", "POST", f"/api/v1/reference/population?aar={HUGE}"),
    ("secretariat", "GET", f"/api/v1/reference/population?aar=2017&aar={JUST_OVER}"),
    ("reporter", "GET", f"/api/v1/noegletal?aar=-{HUGE}"),
    ("secretariat", "GET", f"/api/v1/periods?aar={HUGE}"),
    ("secretariat", "GET", f"/api/v1/reports/ledelsesinformation/2017?version={JUST_OVER}"),
    ("reporter", "GET", f"/api/v1/noegletal?aar={HUGE}"),
    ("reporter", "GET", f"/api/v1/reference/population?aar={HUGE}"),
    ("reporter", "GET", f"/api/v1/reference/indicators?aar={JUST_OVER}"),
]


@pytest.fixture
def tokens(env: Env) -> dict[str, dict[str, str]]:
    return {
        "reporter": make_token(env.database, org="657", role="reporter"),
        "secretariat": make_token(env.database, org="sekretariat-midt", role="secretariat"),
        "admin": make_token(env.database, org="sekretariat-midt", role="admin"),
    }


def test_integers_beyond_64_bits_are_404_or_422(env: Env, tokens) -> None:  # type: ignore[no-untyped-def]
    before = tenant_checksum(env.database)
    for role, method, path in CASES:
        resp = env.client.open(path, method=method, headers=tokens[role], json={})
        assert resp.status_code in (404, 422), (method, path, resp.status_code, resp.data[:300])
        assert resp.mimetype == "application/problem+json", (method, path)
        assert resp.json["detail"], (method, path)
    assert tenant_checksum(env.database) == before


def test_a_huge_query_integer_names_the_field_in_danish(sqlite_env: Env) -> None:
    headers = make_token(sqlite_env.database, org="657", role="reporter")
    resp = sqlite_env.client.get(f"/api/v1/offers?offset={JUST_OVER}", headers=headers)
    assert resp.status_code == 422
    assert resp.json["errors"] == [
        {
            "field": "offset",
            "location": "query",
            "message": "Tallet er uden for det tilladte område.",
        }
    ]


@pytest.mark.parametrize(
    "aar", ["2017.9", "2017.0", "2.0179e3", "true", '"2017.9"', "1" + "0" * 30]
)
def test_integer_fields_are_strict(env: Env, aar: str) -> None:
    headers = make_token(env.database, org="sekretariat-midt", role="secretariat")
    before = tenant_checksum(env.database)
    resp = env.client.post(
        "/api/v1/periods",
        headers=headers,
        data='{"stream": "regnskab", "aar": ' + aar + ', "frist": "2018-04-30"}',
        content_type="application/json",
    )
    assert resp.status_code == 422, resp.data[:300]
    assert resp.mimetype == "application/problem+json"
    assert resp.json["errors"][0]["field"] == "aar"
    assert resp.json["errors"][0]["message"] in (
        "Ikke et gyldigt heltal.",
        "Tallet er uden for det tilladte område.",
    )
    assert tenant_checksum(env.database) == before


def test_a_whole_number_is_still_accepted(sqlite_env: Env) -> None:
    headers = make_token(sqlite_env.database, org="sekretariat-midt", role="secretariat")
    resp = sqlite_env.client.post(
        "/api/v1/periods",
        headers=headers,
        json={"stream": "regnskab", "aar": 2019, "frist": "2020-04-30"},
    )
    assert resp.status_code == 201, resp.data[:300]
    period = make_period(sqlite_env.database, aar=2020)
    listed = sqlite_env.client.get("/api/v1/periods?aar=+2020", headers=headers).json
    assert [p["id"] for p in listed] == [period]
