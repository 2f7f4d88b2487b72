"""SQLite: reads never take the write lock, so no request waits behind another's long write,
and /readyz with a bearer token does not wait for its own lock (issue 13, items 13 and 14)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from backend.auth.models import ApiToken
from backend.submissions import service
from tests.conftest import Env
from tests.factories import make_offer, make_period, make_token

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "navn": "Nyt tilbud",
    "maalgruppe": "misbrug",
    "tilbudstype": "dag",
    "historik": [{"aar": 2018, "normering": "4.5"}],
}


def _timed(call: Any) -> tuple[Any, float]:
    start = time.monotonic()
    resp = call()
    return resp, time.monotonic() - start


def test_readyz_with_a_bearer_token_answers_at_once(sqlite_env: Env) -> None:
    headers = make_token(sqlite_env.database, org="657", role="reporter")
    resp, took = _timed(lambda: sqlite_env.client.get("/readyz", headers=headers))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert took < 2


class _SlowUpload:
    """An upload in a thread whose ``target`` (a service function) sleeps ``seconds``."""

    def __init__(self, env: Env, monkeypatch: pytest.MonkeyPatch, target: str, seconds: float):
        self.env = env
        self.inside = threading.Event()
        original = getattr(service, target)

        def slow(*args: Any, **kwargs: Any) -> Any:
            value = original(*args, **kwargs)
            self.inside.set()
            time.sleep(seconds)
            return value

        monkeypatch.setattr(service, target, slow)
        offer = make_offer(env.database, org="657")
        self.period = make_period(env.database, stream="belaegning", aar=2017, kvartal=1)
        self.headers = make_token(env.database, org="657", role="reporter")
        self.data = f"tilbud_id;normering;forbrug\r\n{offer};10;801\r\n".encode()
        self.status: int | None = None
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        resp = self.env.client.post(
            f"/api/v1/periods/{self.period}/submissions/belaegning",
            headers=self.headers,
            data=self.data,
            content_type="text/csv",
        )
        self.status = resp.status_code

    def __enter__(self) -> _SlowUpload:
        self.thread.start()
        assert self.inside.wait(10), "the upload never reached the slow step"
        return self

    def __exit__(self, *_exc: object) -> None:
        self.thread.join(30)
        assert self.status == 201


def _last_uses(env: Env) -> Any:
    with env.database.unit_of_work() as session:
        return session.scalars(sa.select(ApiToken.last_used_at).order_by(ApiToken.id)).all()


def test_reads_answer_while_an_upload_holds_the_write_lock(
    sqlite_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upload stores its lines slowly (holding SQLite's write lock); another tenant's
    reads, with a token never used before (its last-use stamp is due), answer within 2 s."""
    aarhus = make_token(sqlite_env.database, org="751", role="reporter")
    with _SlowUpload(sqlite_env, monkeypatch, "_insert_lines", 4):
        for path in ("/api/v1/me", "/api/v1/offers", "/readyz"):
            resp, took = _timed(lambda p=path: sqlite_env.client.get(p, headers=aarhus))
            assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])
            assert took < 2, (path, took)


def test_an_upload_parses_without_the_write_lock(
    sqlite_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow parse does not hold the lock: another tenant's write goes through meanwhile."""
    aarhus = make_token(sqlite_env.database, org="751", role="reporter")
    with _SlowUpload(sqlite_env, monkeypatch, "_parse", 4):
        resp, took = _timed(lambda: sqlite_env.client.get("/api/v1/me", headers=aarhus))
        assert resp.status_code == 200 and took < 2, took
        resp, took = _timed(
            lambda: sqlite_env.client.post("/api/v1/offers", headers=aarhus, json=GOOD)
        )
        assert resp.status_code == 201, resp.get_data(as_text=True)[:300]
        assert took < 2, took


def test_a_read_with_a_due_stamp_records_the_last_use(sqlite_env: Env) -> None:
    headers = make_token(sqlite_env.database, org="657", role="reporter")
    assert _last_uses(sqlite_env)[-1] is None
    assert sqlite_env.client.get("/api/v1/me", headers=headers).status_code == 200
    assert _last_uses(sqlite_env)[-1] is not None


@pytest.mark.slow
def test_a_worker_timeout_answers_problem_json(sqlite_env: Env, tmp_path: Path) -> None:
    """Under gunicorn (the settings of ``rammetal serve``) a request that runs into the worker
    timeout gets a Danish 503 problem+json, not gunicorn's HTML page; no Server: gunicorn."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "RAMMETAL_DATABASE_URL": sqlite_env.url,
        "RAMMETAL_WORKER_TIMEOUT": "4",
        "PYTHONPATH": str(ROOT),
    }
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:backend.gunicorn_conf"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "tests.backend.gunicorn_slow_app:app"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(base + "/test/slow", timeout=20)
        resp = info.value
        assert resp.code == 503
        assert resp.headers["Content-Type"] == "application/problem+json"
        assert "gunicorn" not in (resp.headers.get("Server") or "")
        body = json.loads(resp.read())
        resp.close()
        assert body["code"] == "tidsgraense_overskredet" and "for lang tid" in body["detail"]
        with urllib.request.urlopen(base + "/healthz", timeout=5) as ok:
            assert ok.status == 200 and "gunicorn" not in (ok.headers.get("Server") or "")
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()
