"""Bad input gets a 4xx problem+json in Danish and writes nothing (row counts before/after)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.db.base import tenant_owned_tables
from backend.db.tenancy import TenantScope, scoped
from backend.organisations.models import Organisation
from tests.conftest import Env
from tests.factories import make_offer, make_token

GOOD = {
    "navn": "Godt tilbud",
    "maalgruppe": "misbrug",
    "tilbudstype": "dag",
    "historik": [{"aar": 2018, "normering": "4.5"}],
}


def _counts(env: Env) -> dict[str, int]:
    with env.database.unit_of_work() as session:
        all_orgs = session.scalars(sa.select(Organisation.id)).all()
        with scoped(session, TenantScope.many(None, all_orgs)):
            return {
                t: session.scalar(sa.text(f"SELECT count(*) FROM {t}"))
                for t in tenant_owned_tables()
            }


CASES = {
    "malformed_json": (
        dict(data='{"navn": "x",', content_type="application/json"),
        400,
        "ugyldig_json",
    ),
    "wrong_types": (
        dict(json={**GOOD, "historik": [{"aar": "i år", "normering": "mange"}]}),
        422,
        "ugyldige_data",
    ),
    "unknown_field": (dict(json={**GOOD, "farve": "blå"}), 422, "ugyldige_data"),
    "foreign_org_id": (dict(json={**GOOD, "org_id": 2}), 422, "ugyldige_data"),
    "foreign_organisation": (dict(json={**GOOD, "organisation": "751"}), 422, "ugyldige_data"),
    "negative_places": (
        dict(json={**GOOD, "historik": [{"aar": 2018, "normering": -1}]}),
        422,
        "ugyldige_data",
    ),
    "ukendt_maalgruppe": (dict(json={**GOOD, "maalgruppe": "ukendt"}), 422, "ugyldige_data"),
    "secure_type_for_adults": (dict(json={**GOOD, "tilbudstype": "sikret"}), 422, "ugyldige_data"),
    "missing_fields": (dict(json={"navn": "x"}), 422, "ugyldige_data"),
    "dates_reversed": (
        dict(json={**GOOD, "gyldig_fra": "2018-01-01", "gyldig_til": "2017-01-01"}),
        422,
        "ugyldige_data",
    ),
    "not_json": (dict(data="navn=x", content_type="text/plain"), 415, "forkert_medietype"),
    "oversized": (
        dict(data='{"navn": "' + "x" * (2 * 1024 * 1024) + '"}', content_type="application/json"),
        413,
        "for_stor",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_offer_input_changes_nothing(env: Env, case: str) -> None:
    kwargs, status, code = CASES[case]
    headers = make_token(env.database, org="657", role="reporter")
    before = _counts(env)
    resp = env.client.post("/api/v1/offers", headers=headers, **kwargs)
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/problem+json"
    body = resp.json
    assert body["code"] == code and body["status"] == status
    assert set(body) >= {"type", "title", "status", "detail", "code"}
    assert any(ch in body["detail"] for ch in "æøåÆØÅ") or body["detail"].split()[0] in {
        "Data",
        "Anmodningens",
        "Anmodningen",
        "Ukendt",
        "Ugyldig",
    }
    if status == 422:
        assert body["errors"] and all("field" in e and "message" in e for e in body["errors"])
    assert _counts(env) == before


def test_field_errors_are_danish_and_name_the_field(sqlite_env: Env) -> None:
    headers = make_token(sqlite_env.database, org="657", role="reporter")
    resp = sqlite_env.client.post("/api/v1/offers", headers=headers, json={**GOOD, "farve": "blå"})
    assert {"field": "farve", "location": "json", "message": "Ukendt felt."} in resp.json["errors"]


def test_bad_update_changes_nothing(env: Env) -> None:
    offer = make_offer(env.database, org="657")
    headers = make_token(env.database, org="657", role="reporter")
    before = _counts(env)
    resp = env.client.patch(
        f"/api/v1/offers/{offer}",
        headers={**headers, "If-Match": '"1"'},
        json={"historik": [{"aar": 2018, "normering": 1}, {"aar": 2018, "normering": 2}]},
    )
    assert resp.status_code == 422 and "2018" in resp.json["errors"][0]["message"]
    resp = env.client.patch(
        f"/api/v1/offers/{offer}",
        headers={**headers, "If-Match": '"1"'},
        json={"tilbudstype": "aaben"},
    )
    assert resp.status_code == 422
    assert _counts(env) == before


def test_unexpected_error_is_a_bare_500(sqlite_env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.offers import service

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(service, "list_offers", boom)
    headers = make_token(sqlite_env.database, org="657", role="reporter")
    resp = sqlite_env.client.get("/api/v1/offers", headers=headers)
    assert resp.status_code == 500 and resp.mimetype == "application/problem+json"
    assert "hunter2" not in resp.get_data(as_text=True) and "Traceback" not in resp.get_data(
        as_text=True
    )
    assert resp.json["code"] == "intern_fejl"


def test_unknown_route_and_wrong_method_are_problems(sqlite_env: Env) -> None:
    headers = make_token(sqlite_env.database, org="657", role="reporter")
    missing = sqlite_env.client.get("/api/v1/findes-ikke", headers=headers)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert missing.json["detail"] == "Ressourcen findes ikke."
    wrong = sqlite_env.client.delete("/api/v1/offers", headers=headers)
    assert wrong.status_code == 405 and wrong.json["code"] == "metode_ikke_tilladt"
    assert "GET" in wrong.headers["Allow"]
    bad_id = sqlite_env.client.get("/api/v1/offers/ikke-et-id", headers=headers)
    assert bad_id.status_code == 404
