"""The installed package: a wheel, installed non-editable, migrates, syncs, loads the demo
and serves, from a folder that is not the checkout; and the next migration has a dated name.
"""

from __future__ import annotations

import json
import os
import re
import site
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, headers: dict[str, str] | None = None, data: bytes | None = None):
    req = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), "."],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (path,) = out.glob("rammetal-*.whl")
    return path


def test_wheel_carries_migrations_tenants_and_reference_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "backend/_data/migrations/env.py" in names
    assert "backend/_data/migrations/script.py.mako" in names
    assert any(re.match(r"backend/_data/migrations/versions/\d{8}_\d{4}_", n) for n in names)
    assert "backend/_data/tenants/rammeaftaler/midtjylland.toml" in names
    assert "backend/_data/tenants/reference/municipalities.csv" in names
    assert not any("__pycache__" in n for n in names)


def test_installed_wheel_runs_from_an_unrelated_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # The fresh venv gets the wheel itself; its dependencies are borrowed from the test's own
    # environment by a plain path entry (which does not run that environment's editable hook);
    # that environment's own rammetal (editable) is then visible too: --ignore-installed.
    (purelib,) = Path(env_dir / "lib").glob("python3*/site-packages")
    (purelib / "deps.pth").write_text(site.getsitepackages()[0] + "\n", encoding="utf-8")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--ignore-installed",
            "-q",
        ]
        + [str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAMMETAL_", "PYTHONPATH"))}
    where = subprocess.run(
        [str(python), "-c", "import backend; print(backend.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(env_dir) in where.stdout  # the installed copy, not the checkout

    rammetal = str(env_dir / "bin" / "rammetal")
    for step in (["db", "upgrade"], ["tenants", "sync"], ["demo", "load"]):
        done = subprocess.run(
            [rammetal, *step], cwd=work, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
    assert (work / "var" / "rammetal.sqlite3").is_file()  # created where the command ran

    port = _free_port()
    proc = subprocess.Popen(
        [rammetal, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        status = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, _ = _request(base + "/readyz")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert status == 200, "the installed server never became ready"
        login = json.dumps({"email": "herning@rammetal.demo", "password": "demo-herning"})
        status, body = _request(
            base + "/api/v1/auth/tokens", {"Content-Type": "application/json"}, login.encode()
        )
        assert status == 201
        token = json.loads(body)["token"]
        status, body = _request(
            base + "/api/v1/offers?aar=2017", {"Authorization": f"Bearer {token}"}
        )
        assert status == 200 and json.loads(body)["total"] == 11
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_db_revision_writes_a_dated_migration(tmp_path: Path) -> None:
    # A copy of the migrations folder, so the checkout is not touched.
    data = tmp_path / "data"
    (data / "migrations").mkdir(parents=True)
    src = REPO_ROOT / "migrations"
    for path in [*src.glob("*.py"), *src.glob("*.mako")]:
        (data / "migrations" / path.name).write_bytes(path.read_bytes())
    (data / "migrations" / "versions").mkdir()
    for path in (src / "versions").glob("*.py"):
        (data / "migrations" / "versions" / path.name).write_bytes(path.read_bytes())
    env = {
        **os.environ,
        "RAMMETAL_DATA_DIR": str(data),
        "RAMMETAL_DATABASE_URL": f"sqlite:///{tmp_path / 'rev.sqlite3'}",
    }
    env.pop("RAMMETAL_MIGRATION_DATABASE_URL", None)
    rammetal = str(Path(sys.executable).with_name("rammetal"))
    done = subprocess.run(
        [rammetal, "db", "revision", "-m", "Tilføj takstnote"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    new = sorted((data / "migrations" / "versions").glob("*.py"))[-1]
    assert re.fullmatch(r"\d{8}_\d{4}_[0-9a-f]{12}_tilføj_takstnote\.py", new.name), new.name
    from backend import migrate

    head = migrate.head_revision()  # the checkout's head: the new file chains onto it
    assert f"Revises: {head}\n" in new.read_text(encoding="utf-8")
    assert str(new) in done.stdout
