"""A live server of a fresh demo: ``rammetal run`` (migrate, sync tenants, load the demo,
serve with gunicorn) on a free port and a new SQLite file, as on a fresh install."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return bool(resp.status == 200)
    except (OSError, urllib.error.URLError):
        return False


@contextlib.contextmanager
def demo_server(workdir: Path, *, timeout: float = 120) -> Iterator[str]:
    """The base URL (``http://127.0.0.1:<port>``) of a fresh demo, served while inside."""
    port = free_port()
    env = {
        **os.environ,
        "RAMMETAL_DATABASE_URL": f"sqlite:///{workdir / 'demo.sqlite3'}",
        "RAMMETAL_BIND": f"127.0.0.1:{port}",
        "RAMMETAL_WORKERS": "1",
    }
    env.pop("RAMMETAL_MIGRATION_DATABASE_URL", None)
    log = (workdir / "server.log").open("w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("rammetal")), "run"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _ready(base + "/readyz"):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    "the demo server never became ready:\n"
                    + (workdir / "server.log").read_text(errors="replace")[-3000:]
                )
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
