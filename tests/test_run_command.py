"""The README's run command, end to end: migrate, sync, demo, serve, log in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(
    url: str, headers: dict[str, str] | None = None, data: bytes | None = None
) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_run_command_serves_ready_docs_and_demo_offers(tmp_path: Path) -> None:
    import json

    port = _free_port()
    env = {
        **os.environ,
        "RAMMETAL_DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "RAMMETAL_BIND": f"127.0.0.1:{port}",
        "RAMMETAL_WORKERS": "1",
    }
    env.pop("RAMMETAL_MIGRATION_DATABASE_URL", None)
    rammetal = Path(sys.executable).with_name("rammetal")
    proc = subprocess.Popen(
        [str(rammetal), "run"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        status = 0
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, _ = _get(base + "/readyz")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert status == 200, "server never became ready"
        assert _get(base + "/api/docs")[0] == 200
        login = json.dumps({"email": "herning@rammetal.demo", "password": "demo-herning"}).encode()
        status, body = _get(
            base + "/api/v1/auth/tokens", {"Content-Type": "application/json"}, login
        )
        assert status == 201
        token = json.loads(body)["token"]
        status, body = _get(base + "/api/v1/offers?aar=2017", {"Authorization": f"Bearer {token}"})
        assert status == 200 and json.loads(body)["total"] == 11  # Herning's demo offers
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "herning@rammetal.demo" in out and "demo-herning" in out  # how to log in


def test_each_step_is_its_own_command_and_idempotent(tmp_path: Path) -> None:
    """``db upgrade``, ``tenants sync`` and ``demo load`` each run alone, in order, and a
    second run of each changes nothing and succeeds (one database, every step twice)."""
    env = {**os.environ, "RAMMETAL_DATABASE_URL": f"sqlite:///{tmp_path / 'steps.sqlite3'}"}
    env.pop("RAMMETAL_MIGRATION_DATABASE_URL", None)
    rammetal = str(Path(sys.executable).with_name("rammetal"))
    for step in (["db", "upgrade"], ["tenants", "sync"], ["demo", "load"]):
        for attempt in ("first", "again"):
            done = subprocess.run(
                [rammetal, *step], env=env, capture_output=True, text=True, check=False
            )
            assert done.returncode == 0, f"{' '.join(step)} ({attempt}): {done.stderr}"
