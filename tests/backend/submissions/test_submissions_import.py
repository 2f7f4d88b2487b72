"""``rammetal import``: a good file becomes a version (optionally submitted), a bad one lists
every error and exits non-zero, and an import killed half-way leaves no partial submission."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from backend.cli import PAUSE_AFTER_ROWS, main
from tests.conftest import Env
from tests.factories import make_offer, make_period, make_token, tenant_checksum

RAMMETAL = Path(sys.executable).with_name("rammetal")
ROWS = 20_000


def _registry_csv(rows: int) -> bytes:
    """An offer registry of ``rows`` new offers (no existing offers needed)."""
    lines = ["tilbud_id;navn;maalgruppe;tilbudstype;normering;omfattet;gyldig_fra"]
    lines += [f";Tilbud nr. {i};misbrug;dag;{i % 40},5;ja;2017-01-01" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _invoke(env: Env, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RAMMETAL_DATABASE_URL", env.url)
    return CliRunner().invoke(main, ["import", *args], catch_exceptions=False)


def test_import_good_file_and_submit(
    sqlite_env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = sqlite_env
    offer = make_offer(
        env.database, org="751", historik=[{"aar": 2017, "normering": 10, "omfattet": True}]
    )
    period_id = make_period(env.database, stream="belaegning", aar=2017, kvartal=1)
    path = tmp_path / "belaegning.csv"
    path.write_bytes(f"tilbud_id;normering;forbrug\r\n{offer};10;1100\r\n".encode())
    result = _invoke(
        env,
        monkeypatch,
        str(path),
        "--org",
        "Aarhus",
        "--period",
        str(period_id),
        "--stream",
        "belaegning",
        "--submit",
        "--note",
        "afledt",
    )
    assert result.exit_code == 0, result.output
    assert "Indlæst som version 1 (submitted)" in result.output
    assert "Advarsel:" in result.output  # 1100 days on 10 places in Q1 is above 110 %
    headers = make_token(env.database, org="751", role="reporter")
    [item] = env.client.get("/api/v1/submissions", headers=headers).json["items"]
    assert (item["status"], item["note"], item["uploaded_by"], item["row_count"]) == (
        "submitted",
        "afledt",
        None,
        1,
    )


def test_import_bad_file_lists_every_error(
    sqlite_env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = sqlite_env
    period_id = make_period(env.database, stream="tilbud", aar=2017)
    path = tmp_path / "tilbud.csv"
    path.write_bytes(
        b"navn;maalgruppe;tilbudstype;normering;omfattet;gyldig_fra\r\n"
        b"A;ukendt;dag;1;ja;2017-01-01\r\nB;misbrug;dag;-1;ja;2017-01-01\r\n"
    )
    before = tenant_checksum(env.database)
    result = _invoke(
        env,
        monkeypatch,
        str(path),
        "--org",
        "751",
        "--period",
        str(period_id),
        "--stream",
        "tilbud",
    )
    assert result.exit_code == 1
    assert "2 fejl" in result.output
    assert "række 2, kolonne B" in result.output and "række 3, kolonne D" in result.output
    assert tenant_checksum(env.database) == before
    wrong = _invoke(
        env, monkeypatch, str(path), "--org", "751", "--period", "999", "--stream", "tilbud"
    )
    assert wrong.exit_code != 0 and "findes ikke" in wrong.output


def _count(env: Env, table: str) -> int:
    return tenant_checksum(env.database)[table][0]


@pytest.mark.slow
def test_import_killed_while_storing_leaves_no_partial_submission(env: Env, tmp_path: Path) -> None:
    period_id = make_period(env.database, stream="tilbud", aar=2017)
    path = tmp_path / "stor.csv"
    path.write_bytes(_registry_csv(ROWS))
    before = tenant_checksum(env.database)
    args = [
        str(RAMMETAL),
        "import",
        str(path),
        "--org",
        "751",
        "--period",
        str(period_id),
        "--stream",
        "tilbud",
    ]
    environ = {**os.environ, "RAMMETAL_DATABASE_URL": env.url, PAUSE_AFTER_ROWS: "6000"}
    proc = subprocess.Popen(
        args, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    watchdog = threading.Timer(180, proc.kill)
    watchdog.start()
    try:
        paused = any(PAUSE_AFTER_ROWS in line for line in iter(proc.stderr.readline, ""))  # type: ignore[union-attr]
        assert paused, "the import never reached the storing step"
        os.kill(proc.pid, signal.SIGKILL)  # 6.000 of 20.000 lines inserted, not committed
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        watchdog.cancel()
        proc.stderr.close()  # type: ignore[union-attr]
    assert tenant_checksum(env.database) == before
    if env.kind == "sqlite":
        engine = sa.create_engine(env.url, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        engine.dispose()
    # the same import afterwards succeeds in full, as version 1
    done = subprocess.run(
        args, env={**environ, PAUSE_AFTER_ROWS: ""}, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Indlæst som version 1" in done.stdout
    assert _count(env, "submission_tilbud_line") == ROWS and _count(env, "submission") == 1
