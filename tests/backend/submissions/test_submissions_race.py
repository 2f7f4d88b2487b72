"""Two uploads racing for the same organisation × period × stream: exactly one wins, the
other gets 409 or 412, and both files are accounted for (one version row, one audit entry
``upload_rejected`` with the loser's SHA-256)."""

from __future__ import annotations

import hashlib
import threading

import pytest
import sqlalchemy as sa

from backend.audit.models import AuditEntry
from backend.db.tenancy import TenantScope, scoped
from backend.organisations.service import get_by_code
from backend.submissions import service
from backend.submissions.models import Submission
from tests.conftest import Env
from tests.factories import make_offer, make_period, make_token


def _files(offer: str) -> list[bytes]:
    return [f"tilbud_id;normering;forbrug\r\n{offer};10;{n}\r\n".encode() for n in (801, 802)]


def _accounting(env: Env) -> tuple[list[str], list[dict]]:
    with env.database.unit_of_work() as session:
        org_id = get_by_code(session, "657").id
        with scoped(session, TenantScope.single(org_id)):
            versions = session.scalars(sa.select(Submission.file_sha256)).all()
            rejected = session.scalars(
                sa.select(AuditEntry.after).where(
                    AuditEntry.entity == "submission", AuditEntry.action == "upload_rejected"
                )
            ).all()
    return list(versions), list(rejected)


def _race(
    env: Env,
    files: list[bytes],
    period_id: int,
    headers: list[dict[str, str]],
    extra: dict[str, str],
) -> list[tuple[int, str | None, bytes]]:
    """Each file uploaded by its own user (a shared token's last_used_at update would
    serialise the two requests on PostgreSQL before they reach the upload)."""
    start = threading.Barrier(len(files), timeout=30)
    results: list[tuple[int, str | None, bytes]] = []

    def run(data: bytes, auth: dict[str, str]) -> None:
        client = env.client
        start.wait()
        resp = client.post(
            f"/api/v1/periods/{period_id}/submissions/belaegning",
            headers={**auth, **extra},
            data=data,
            content_type="text/csv",
        )
        results.append((resp.status_code, (resp.json or {}).get("code"), data))

    threads = [
        threading.Thread(target=run, args=(f, h)) for f, h in zip(files, headers, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(results, key=lambda r: r[0])


def _assert_one_winner(env: Env, results, loser_codes: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert [r[0] for r in results][0] == 201 and results[1][0] in (409, 412), results
    assert results[1][1] in loser_codes
    versions, rejected = _accounting(env)
    assert versions == [hashlib.sha256(results[0][2]).hexdigest()]
    assert [r["file_sha256"] for r in rejected] == [hashlib.sha256(results[1][2]).hexdigest()]
    assert rejected[0]["file_size"] == len(results[1][2]) and rejected[0]["status"] == results[1][0]


@pytest.fixture
def race_world(env: Env):  # type: ignore[no-untyped-def]
    offer = make_offer(
        env.database, org="657", historik=[{"aar": 2017, "normering": 10, "omfattet": True}]
    )
    period_id = make_period(env.database, stream="belaegning", aar=2017, kvartal=1)
    users = [make_token(env.database, org="657", role=role) for role in ("reporter", "org_admin")]
    return env, _files(offer), period_id, users


def test_two_clients_with_if_match_exactly_one_wins(race_world) -> None:  # type: ignore[no-untyped-def]
    """Both expect no version yet (If-Match "0"). SQLite serialises the two requests (the
    loser sees version 1: 412); on PostgreSQL they overlap (412, or 409 from the constraint)."""
    env, files, period_id, headers = race_world
    results = _race(env, files, period_id, headers, {"If-Match": '"0"'})
    _assert_one_winner(env, results, {"foraeldet_version", "samtidig_indberetning"})


def test_same_next_version_is_decided_by_the_unique_constraint(race_world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Both uploads compute version 1; only the database's UNIQUE constraint stops the second.

    PostgreSQL: two real concurrent requests held at a barrier right after reading the latest
    version. SQLite takes the write lock at BEGIN, so requests cannot overlap; there the second
    upload is made to read the stale version the first one read."""
    env, files, period_id, headers = race_world
    original = service.latest_version
    if env.kind == "postgres":
        after_read = threading.Barrier(2, timeout=30)

        def held(*args, **kwargs):  # type: ignore[no-untyped-def]
            value = original(*args, **kwargs)
            after_read.wait()
            return value

        monkeypatch.setattr(service, "latest_version", held)
        results = _race(env, files, period_id, headers, {})
    else:
        monkeypatch.setattr(service, "latest_version", lambda *a, **k: 0)
        results = []
        for data in files:
            resp = env.client.post(
                f"/api/v1/periods/{period_id}/submissions/belaegning",
                headers=headers[0],
                data=data,
                content_type="text/csv",
            )
            results.append((resp.status_code, resp.json.get("code"), data))
    assert results[1][:2] == (409, "samtidig_indberetning")
    _assert_one_winner(env, results, {"samtidig_indberetning"})


def test_rounds_of_races_leave_consecutive_versions(race_world) -> None:  # type: ignore[no-untyped-def]
    """Three rounds; in each both clients send their own (different) file with If-Match the
    version they just read. Each round has exactly one winner, every loser is refused and
    audited, and the stored versions are 1, 2, 3 with no gap and no duplicate."""
    env, _files_, period_id, headers = race_world
    offer = _files_[0].decode().split("\r\n")[1].split(";")[0]
    winners: list[bytes] = []
    for round_ in range(3):
        files = [
            f"tilbud_id;normering;forbrug\r\n{offer};10;{700 + 10 * round_ + n}\r\n".encode()
            for n in (1, 2)
        ]
        results = _race(env, files, period_id, headers, {"If-Match": f'"{round_}"'})
        assert [r[0] for r in results][0] == 201 and results[1][0] in (409, 412), results
        assert results[1][1] in {"foraeldet_version", "samtidig_indberetning"}
        winners.append(results[0][2])
    with env.database.unit_of_work() as session:
        org_id = get_by_code(session, "657").id
        with scoped(session, TenantScope.single(org_id)):
            stored = session.execute(
                sa.select(Submission.version, Submission.file_sha256).order_by(Submission.version)
            ).all()
    assert [tuple(s) for s in stored] == [
        (i + 1, hashlib.sha256(w).hexdigest()) for i, w in enumerate(winners)
    ]
    _versions, rejected = _accounting(env)
    assert len(rejected) == 3
