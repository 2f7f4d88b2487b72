"""Versions and workflow: every upload is a new version with its file; submit → approve or
reject with a comment; a correction after approval is a new version and the approved one
stays readable; every step is in the audit log."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from backend.audit.models import AuditEntry
from backend.db.tenancy import TenantScope, scoped
from backend.organisations.service import get_by_code
from tests.conftest import Env
from tests.factories import make_offer, make_period, make_token


def _csv(offer: str, forbrug: int) -> bytes:
    return f"tilbud_id;normering;forbrug\r\n{offer};10;{forbrug}\r\n".encode()


def _upload(env: Env, headers: dict[str, str], period_id: int, data: bytes, **extra: str):  # type: ignore[no-untyped-def]
    return env.client.post(
        f"/api/v1/periods/{period_id}/submissions/belaegning",
        headers={**headers, **extra},
        data=data,
        content_type="text/csv",
    )


def _audit(env: Env, org: str) -> list[tuple[str, str | None]]:
    with env.database.unit_of_work() as session:
        org_id = get_by_code(session, org).id
        with scoped(session, TenantScope.single(org_id)):
            rows = session.execute(
                sa.select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.after)
                .where(AuditEntry.entity == "submission")
                .order_by(AuditEntry.at)
            ).all()
    return [(a, e, after) for a, e, after in rows]


def test_versions_submit_approve_correct_reject(env: Env) -> None:
    offer = make_offer(
        env.database, org="657", historik=[{"aar": 2017, "normering": 10, "omfattet": True}]
    )
    period_id = make_period(env.database, stream="belaegning", aar=2017, kvartal=1)
    reporter = make_token(env.database, org="657", role="reporter")
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")

    files = [_csv(offer, 800), _csv(offer, 810), _csv(offer, 820)]
    v1, v2 = (_upload(env, reporter, period_id, files[i]).json for i in (0, 1))
    assert (v1["version"], v2["version"]) == (1, 2)
    for body, data in ((v1, files[0]), (v2, files[1])):
        got = env.client.get(f"/api/v1/submissions/{body['id']}/file", headers=reporter)
        assert got.data == data and body["file_sha256"] == hashlib.sha256(data).hexdigest()

    assert (
        env.client.post(f"/api/v1/submissions/{v1['id']}/submit", headers=reporter).json["code"]
        == "ikke_nyeste_version"
    )
    submitted = env.client.post(f"/api/v1/submissions/{v2['id']}/submit", headers=reporter)
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"
    assert (
        env.client.post(
            f"/api/v1/submissions/{v2['id']}/approve", headers=reporter, json={}
        ).status_code
        == 403
    )
    approved = env.client.post(
        f"/api/v1/submissions/{v2['id']}/approve", headers=secretariat, json={"kommentar": "Fint."}
    )
    assert approved.status_code == 200
    assert (approved.json["status"], approved.json["kommentar"]) == ("approved", "Fint.")
    assert approved.json["decided_at"] and approved.json["decided_by"]

    v3 = _upload(env, reporter, period_id, files[2]).json
    assert (v3["version"], v3["status"]) == (3, "draft")
    still = env.client.get(f"/api/v1/submissions/{v2['id']}", headers=reporter).json
    assert still["status"] == "approved"
    lines = env.client.get(f"/api/v1/submissions/{v2['id']}/lines", headers=reporter).json["items"]
    assert [line["forbrug"] for line in lines] == ["810"]

    assert (
        env.client.post(f"/api/v1/submissions/{v3['id']}/submit", headers=reporter).status_code
        == 200
    )
    no_reason = env.client.post(
        f"/api/v1/submissions/{v3['id']}/reject", headers=secretariat, json={}
    )
    assert no_reason.status_code == 422
    rejected = env.client.post(
        f"/api/v1/submissions/{v3['id']}/reject",
        headers=secretariat,
        json={"kommentar": "Forbruget er for højt i 1. kvartal."},
    )
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    again = env.client.post(f"/api/v1/submissions/{v3['id']}/approve", headers=secretariat, json={})
    assert again.status_code == 409 and again.json["code"] == "forkert_status"

    listing = env.client.get(f"/api/v1/submissions?period_id={period_id}", headers=reporter).json
    assert [(s["version"], s["status"]) for s in listing["items"]] == [
        (3, "rejected"),
        (2, "approved"),
        (1, "draft"),
    ]
    assert (
        env.client.get("/api/v1/submissions?status=approved", headers=secretariat).json["total"]
        == 1
    )

    actions = [(a, e) for a, e, _after in _audit(env, "657")]
    ids = {v1["id"]: 1, v2["id"]: 2, v3["id"]: 3}
    assert [(a, ids[e]) for a, e in actions] == [
        ("upload", 1),
        ("upload", 2),
        ("submit", 2),
        ("approve", 2),
        ("upload", 3),
        ("submit", 3),
        ("reject", 3),
    ]
    uploads = [after for a, _e, after in _audit(env, "657") if a == "upload"]
    assert [u["file_sha256"] for u in uploads] == [hashlib.sha256(f).hexdigest() for f in files]
    assert all(u["row_count"] == 1 for u in uploads)


def test_if_match_on_a_stale_version_is_412_and_recorded(sqlite_env: Env) -> None:
    env = sqlite_env
    offer = make_offer(
        env.database, org="657", historik=[{"aar": 2017, "normering": 10, "omfattet": True}]
    )
    period_id = make_period(env.database, stream="belaegning", aar=2017, kvartal=1)
    reporter = make_token(env.database, org="657", role="reporter")
    first = _upload(env, reporter, period_id, _csv(offer, 1), **{"If-Match": '"0"'})
    assert first.status_code == 201 and first.headers["ETag"] == '"1"'
    stale = _upload(env, reporter, period_id, _csv(offer, 2), **{"If-Match": '"0"'})
    assert stale.status_code == 412 and stale.json["code"] == "foraeldet_version"
    rejected = [after for a, _e, after in _audit(env, "657") if a == "upload_rejected"]
    assert [r["file_sha256"] for r in rejected] == [hashlib.sha256(_csv(offer, 2)).hexdigest()]
    assert (
        _upload(env, reporter, period_id, _csv(offer, 3), **{"If-Match": '"1"'}).status_code == 201
    )


def test_approving_a_registry_upload_applies_it_to_the_offers(env: Env) -> None:
    offer = make_offer(
        env.database,
        org="657",
        navn="Eksisterende",
        historik=[{"aar": 2017, "normering": 10, "omfattet": True}],
    )
    period_id = make_period(env.database, stream="tilbud", aar=2018)
    reporter = make_token(env.database, org="657", role="reporter")
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")
    data = (
        "tilbud_id;navn;maalgruppe;tilbudstype;normering;omfattet;gyldig_fra\r\n"
        f"{offer};Eksisterende omdøbt;psykisk_handicap;døgn;11,5;ja;2015-01-01\r\n"
        ";Helt nyt tilbud;misbrug;dag;4;nej;2018-01-01\r\n"
    ).encode()
    sub = env.client.post(
        f"/api/v1/periods/{period_id}/submissions/tilbud",
        headers=reporter,
        data=data,
        content_type="text/csv",
    ).json
    env.client.post(f"/api/v1/submissions/{sub['id']}/submit", headers=reporter)
    names = {
        o["navn"]
        for o in env.client.get("/api/v1/offers?limit=1000", headers=reporter).json["items"]
    }
    assert "Helt nyt tilbud" not in names  # nothing applied before approval
    assert (
        env.client.post(
            f"/api/v1/submissions/{sub['id']}/approve", headers=secretariat, json={}
        ).status_code
        == 200
    )
    offers = {
        o["navn"]: o
        for o in env.client.get("/api/v1/offers?limit=1000", headers=reporter).json["items"]
    }
    assert {h["aar"]: str(h["normering"]) for h in offers["Eksisterende omdøbt"]["historik"]} == {
        2017: "10.00",
        2018: "11.50",
    }
    new = offers["Helt nyt tilbud"]
    assert (new["maalgruppe"], new["tilbudstype"], new["historik"][0]["omfattet"]) == (
        "misbrug",
        "dag",
        False,
    )
