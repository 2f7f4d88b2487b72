"""The offer registry: history by year, ETag updates, audit with before and after."""

from __future__ import annotations

import sqlalchemy as sa

from backend.audit.models import AuditEntry
from backend.db.tenancy import TenantScope, scoped
from backend.organisations.service import get_by_code
from tests.conftest import Env
from tests.factories import make_token

NEW = {
    "navn": "Bostedet Åen",
    "tilbudsportalen_id": "TP-1234",
    "maalgruppe": "voksne_sindslidelse",
    "tilbudstype": "doegn",
    "sel_paragraf": "§ 108",
    "gyldig_fra": "2016-01-01",
    "historik": [{"aar": 2016, "normering": "12.5", "omfattet": True}],
}


def test_create_read_update_with_history(env: Env) -> None:
    h = make_token(env.database, org="657", role="reporter")
    created = env.client.post("/api/v1/offers", json=NEW, headers=h)
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    oid = created.json["id"]
    assert created.headers["Location"].endswith(f"/api/v1/offers/{oid}")
    got = env.client.get(f"/api/v1/offers/{oid}", headers=h)
    assert got.json["historik"] == [{"aar": 2016, "normering": "12.50", "omfattet": True}]
    upd = env.client.patch(
        f"/api/v1/offers/{oid}",
        headers={**h, "If-Match": got.headers["ETag"]},
        json={"historik": [{"aar": 2017, "normering": "14", "omfattet": False}]},
    )
    assert upd.status_code == 200 and upd.headers["ETag"] == '"2"'
    assert [(y["aar"], y["normering"], y["omfattet"]) for y in upd.json["historik"]] == [
        (2016, "12.50", True),
        (2017, "14.00", False),
    ]
    # the stale ETag is refused, and nothing changes
    stale = env.client.patch(
        f"/api/v1/offers/{oid}", headers={**h, "If-Match": '"1"'}, json={"navn": "Nyt"}
    )
    assert stale.status_code == 412
    assert env.client.get(f"/api/v1/offers/{oid}", headers=h).json["navn"] == "Bostedet Åen"
    assert (
        env.client.patch(f"/api/v1/offers/{oid}", headers=h, json={"navn": "Nyt"}).status_code
        == 428
    )


def test_list_filters_by_year_and_maalgruppe(env: Env) -> None:
    h = make_token(env.database, org="657", role="reporter")
    env.client.post("/api/v1/offers", json=NEW, headers=h)
    only_2016 = env.client.get(
        "/api/v1/offers?aar=2016&maalgruppe=voksne_sindslidelse&limit=500", headers=h
    ).json
    assert "Bostedet Åen" in {o["navn"] for o in only_2016["items"]}
    assert only_2016["total"] == len(only_2016["items"])
    none_2030 = env.client.get("/api/v1/offers?aar=2030", headers=h).json
    assert none_2030["total"] == 0 and none_2030["items"] == []
    paged = env.client.get("/api/v1/offers?limit=2&offset=1", headers=h).json
    assert len(paged["items"]) == 2 and paged["total"] > 2


def test_duplicate_offer_is_a_conflict(env: Env) -> None:
    h = make_token(env.database, org="657", role="reporter")
    assert env.client.post("/api/v1/offers", json=NEW, headers=h).status_code == 201
    dup = env.client.post("/api/v1/offers", json=NEW, headers=h)
    assert dup.status_code == 409 and dup.json["code"] == "tilbud_findes"


def test_every_change_is_audited_with_before_and_after(env: Env) -> None:
    h = make_token(env.database, org="657", role="reporter")
    oid = env.client.post("/api/v1/offers", json=NEW, headers=h).json["id"]
    env.client.patch(
        f"/api/v1/offers/{oid}",
        headers={**h, "If-Match": '"1"'},
        json={"navn": "Bostedet Åen II", "historik": [{"aar": 2016, "normering": "11"}]},
    )
    with env.database.unit_of_work() as s:
        org = get_by_code(s, "657")
        with scoped(s, TenantScope.single(org.id)):
            rows = s.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.entity_id.like(f"{oid}%"))
                .order_by(AuditEntry.at)
            ).all()
            entries = [(r.action, r.entity, r.before, r.after, r.actor) for r in rows]
    kinds = [(a, e) for a, e, *_ in entries]
    assert kinds.count(("create", "offer")) == 1 and kinds.count(("update", "offer")) == 1
    assert ("update", "offer_year") in kinds
    update = next(x for x in entries if x[:2] == ("update", "offer"))
    assert update[2]["navn"] == "Bostedet Åen" and update[3]["navn"] == "Bostedet Åen II"
    year = next(x for x in entries if x[:2] == ("update", "offer_year"))
    assert (year[2]["normering"], year[3]["normering"]) == ("12.50", "11.00")
    assert all(x[4].endswith("@test.dk") for x in entries)


def test_list_items_are_exactly_what_the_item_route_returns(env: Env) -> None:
    """The list is a column-level read model; it must not drift from the item schema."""
    h = make_token(env.database, org="657", role="reporter")
    env.client.post(
        "/api/v1/offers", json={**NEW, "gyldig_til": "2030-12-31", "note": "Æ"}, headers=h
    )
    page = env.client.get("/api/v1/offers?limit=1000", headers=h).json
    assert page["total"] == len(page["items"]) > 10
    for item in page["items"]:
        assert item == env.client.get(f"/api/v1/offers/{item['id']}", headers=h).json


def test_pages_add_up_to_the_whole_list_and_the_total_holds_past_the_end(env: Env) -> None:
    h = make_token(env.database, org="657", role="reporter")
    whole = env.client.get("/api/v1/offers?limit=1000", headers=h).json
    pages = [
        env.client.get(f"/api/v1/offers?limit=7&offset={o}", headers=h).json
        for o in range(0, whole["total"], 7)
    ]
    assert [i["id"] for p in pages for i in p["items"]] == [i["id"] for i in whole["items"]]
    assert {p["total"] for p in pages} == {whole["total"]}
    beyond = env.client.get(f"/api/v1/offers?offset={whole['total'] + 5}", headers=h).json
    assert beyond["items"] == [] and beyond["total"] == whole["total"]


def test_secretariat_lists_every_organisation_and_filters_by_one(env: Env) -> None:
    h = make_token(env.database, org="sekretariat-midt", role="secretariat")
    everything = env.client.get("/api/v1/offers?limit=1000", headers=h).json
    by_org = {}
    for item in everything["items"]:
        by_org.setdefault(item["organisation"], []).append(item["id"])
    assert {"657", "751"} <= set(by_org) and everything["total"] == len(everything["items"])
    herning = env.client.get("/api/v1/offers?organisation=657&limit=1000", headers=h).json
    assert [i["id"] for i in herning["items"]] == by_org["657"] and herning["total"] == len(
        by_org["657"]
    )
    dag = env.client.get(
        "/api/v1/offers?organisation=657&tilbudstype=dag&limit=1000", headers=h
    ).json
    assert dag["total"] == len(dag["items"]) > 0 and {i["tilbudstype"] for i in dag["items"]} == {
        "dag"
    }
    assert dag["total"] < herning["total"]
    # a reporter's total counts its own organisation's offers only (the count is scoped too)
    reporter = env.client.get(
        "/api/v1/offers?limit=1", headers=make_token(env.database, org="657", role="reporter")
    )
    assert reporter.json["total"] == herning["total"] < everything["total"]
