"""Reference data through the API: import as the secretariat, read as anyone, all-or-nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.reference.models import PopulationCount, ReferenceImport
from tests.conftest import Env
from tests.factories import make_token

DATA = Path(__file__).resolve().parents[2] / "data" / "reference"


def _upload(env: Env, path: str, headers: dict[str, str], content: bytes, **files: bytes):  # type: ignore[no-untyped-def]
    data = {"fil": (io.BytesIO(content), "fil.csv")}
    data.update({k: (io.BytesIO(v), f"{k}.csv") for k, v in files.items()})
    return env.client.post(path, headers=headers, data=data, content_type="multipart/form-data")


def _count(env: Env, model: type) -> int:
    with env.database.unit_of_work() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model))


def test_demo_population_is_loaded_and_readable_by_everyone(env: Env) -> None:
    for role, org in (("viewer", "791"), ("reporter", "657")):
        h = make_token(env.database, org=org, role=role)
        rows = env.client.get(
            "/api/v1/reference/population?aar=2017&omraade=657&omraade=082", headers=h
        ).json
        totals = {(r["omraade_kode"], r["aldersgruppe"]): r["antal"] for r in rows}
        assert totals[("082", "total")] == 1304253 and ("657", "total") in totals


def test_folk1a_by_age_is_summed_into_bands(env: Env) -> None:
    h = make_token(env.database, org="sekretariat-midt", role="admin")
    resp = _upload(
        env,
        "/api/v1/reference/population?format=folk1a",
        h,
        (DATA / "folk1a_alder_dst.csv").read_bytes(),
    )
    assert resp.status_code == 201, resp.json
    rows = env.client.get("/api/v1/reference/population?aar=2017&omraade=751", headers=h).json
    bands = {r["aldersgruppe"]: r["antal"] for r in rows}
    assert set(bands) == {"0-17", "18-64", "65+", "total"}
    assert bands["0-17"] + bands["18-64"] + bands["65+"] == bands["total"] == 335684


def test_bad_file_is_refused_with_rows_and_changes_nothing(env: Env) -> None:
    h = make_token(env.database, org="sekretariat-midt", role="admin")
    before = (_count(env, ReferenceImport), _count(env, PopulationCount))
    bad = "OMRÅDE;ALDER;TID;INDHOLD\nAarhus;I alt;2017K1;335684\nXby;I alt;2017K1;12\nAarhus;0 år;2017K1;mange\n"
    resp = _upload(env, "/api/v1/reference/population?format=folk1a", h, bad.encode())
    assert resp.status_code == 422 and resp.json["code"] == "ugyldig_fil"
    rows = {e["row"] for e in resp.json["errors"]}
    assert {3, 4} <= rows and any("Xby" in e["message"] for e in resp.json["errors"])
    assert (_count(env, ReferenceImport), _count(env, PopulationCount)) == before


def test_a_new_import_becomes_current_and_the_old_one_is_kept(sqlite_env: Env) -> None:
    h = make_token(sqlite_env.database, org="sekretariat-midt", role="admin")
    fixed = "omraade_kode,omraade,aar,folketal_1_januar\n657,Herning,2017,88000\n"
    assert (
        _upload(
            sqlite_env, "/api/v1/reference/population?format=totaler", h, fixed.encode()
        ).status_code
        == 201
    )
    rows = sqlite_env.client.get(
        "/api/v1/reference/population?aar=2017&omraade=657", headers=h
    ).json
    assert [r["antal"] for r in rows if r["aldersgruppe"] == "total"] == [88000]
    with sqlite_env.database.unit_of_work() as s:
        history = s.scalars(
            sa.select(PopulationCount.antal)
            .where(
                PopulationCount.omraade_kode == "657",
                PopulationCount.aar == 2017,
                PopulationCount.aldersgruppe == "total",
            )
            .order_by(PopulationCount.import_id)
        ).all()
    assert len(history) == 2 and history[-1] == 88000


def test_pl_index_and_indicators(env: Env) -> None:
    h = make_token(env.database, org="sekretariat-midt", role="admin")
    assert (
        _upload(
            env, "/api/v1/reference/pl-index?kilde=KL", h, (DATA / "pl_indeks.csv").read_bytes()
        ).status_code
        == 201
    )
    index = {
        r["aar"]: r["indeks"] for r in env.client.get("/api/v1/reference/pl-index", headers=h).json
    }
    assert index[2017] == "101.600000"
    resp = _upload(
        env,
        "/api/v1/reference/indicators?kilde=Test",
        h,
        (DATA / "indikatorer_2017_2018.csv").read_bytes(),
        definitioner=(DATA / "indikatorer_definitioner.csv").read_bytes(),
    )
    assert resp.status_code == 201, resp.json
    values = env.client.get(
        "/api/v1/reference/indicators?aar=2017&indikator=socioindeks", headers=h
    ).json
    assert {(v["omraade_kode"], v["vaerdi"]) for v in values} >= {("751", "0.97000000")}
    defs = env.client.get("/api/v1/reference/indicators/definitions", headers=h).json
    assert {d["kode"]: d["enhed"] for d in defs}["udgift_pr_indbygger"] == "kr."


@pytest.mark.parametrize("role", ["reporter", "org_admin", "viewer", "secretariat"])
def test_only_the_platform_admin_imports(sqlite_env: Env, role: str) -> None:
    """Reference data is platform-wide: no rammeaftale's secretariat replaces it (item 19)."""
    org = {
        "reporter": "657",
        "org_admin": "657",
        "viewer": "791",
        "secretariat": "sekretariat-midt",
    }[role]
    h = make_token(sqlite_env.database, org=org, role=role)
    for path in (
        "/api/v1/reference/population",
        "/api/v1/reference/pl-index?kilde=x",
        "/api/v1/reference/indicators?kilde=x",
    ):
        assert _upload(sqlite_env, path, h, b"x").status_code == 403


def test_statbank_fetch_uses_the_api_and_says_so_when_offline(
    sqlite_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.reference import sources

    h = make_token(sqlite_env.database, org="sekretariat-midt", role="admin")
    replay = (DATA / "statbank_folk1a_response.csv").read_bytes()
    monkeypatch.setattr(sources, "fetch_folk1a", lambda *a, **k: replay)
    resp = sqlite_env.client.post(
        "/api/v1/reference/population/statbank",
        headers=h,
        json={"omraader": ["751", "741", "082"], "aar": [2017, 2018]},
    )
    assert resp.status_code == 201 and "Statistikbanken" in resp.json["kilde"]

    def offline(*_a: object, **_k: object) -> bytes:
        raise sources.StatbankUnavailableError(
            "Statistikbanken kan ikke nås (ingen netværksforbindelse)."
        )

    monkeypatch.setattr(sources, "fetch_folk1a", offline)
    resp = sqlite_env.client.post(
        "/api/v1/reference/population/statbank",
        headers=h,
        json={"omraader": ["751"], "aar": [2017]},
    )
    assert resp.status_code == 503 and resp.json["code"] == "statistikbanken_utilgaengelig"


def test_folk1a_count_beyond_64_bits_is_422_with_its_row(sqlite_env: Env) -> None:
    env = sqlite_env
    h = make_token(env.database, org="sekretariat-midt", role="admin")
    before = (_count(env, ReferenceImport), _count(env, PopulationCount))
    bad = "OMRÅDE;ALDER;TID;INDHOLD\nAarhus;I alt;2017K1;99999999999999999999\n"
    resp = _upload(env, "/api/v1/reference/population?format=folk1a", h, bad.encode())
    assert resp.status_code == 422 and resp.json["code"] == "ugyldig_fil"
    [error] = resp.json["errors"]
    assert error["row"] == 2
    assert "er større end 100.000.000, mere end et folketal kan være" in error["message"]
    assert (_count(env, ReferenceImport), _count(env, PopulationCount)) == before
