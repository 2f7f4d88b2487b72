"""Reference data through the CLI, as the secretariat."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from backend.cli import main
from tests.conftest import Env

DATA = Path(__file__).resolve().parents[2] / "data" / "reference"


def _run(env: Env, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RAMMETAL_DATABASE_URL", env.url)
    return CliRunner().invoke(main, ["reference", *args])


def test_load_population_pl_index_and_indicators(
    sqlite_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _run(sqlite_env, monkeypatch, "load-population", str(DATA / "folk1a_alder_dst.csv"))
    assert out.exit_code == 0 and "Befolkningstal indlæst" in out.output
    out = _run(
        sqlite_env, monkeypatch, "load-pl-index", str(DATA / "pl_indeks.csv"), "--kilde", "KL"
    )
    assert out.exit_code == 0 and "4 år" in out.output
    out = _run(
        sqlite_env,
        monkeypatch,
        "load-indicators",
        str(DATA / "indikatorer_2017_2018.csv"),
        "--definitioner",
        str(DATA / "indikatorer_definitioner.csv"),
        "--kilde",
        "Test",
    )
    assert out.exit_code == 0, out.output


def test_a_bad_file_lists_every_error_and_fails(
    sqlite_env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "folk1a.csv"
    bad.write_text(
        "OMRÅDE;ALDER;TID;INDHOLD\nXby;I alt;2017K1;12\nAarhus;0 år;2017K1;mange\n",
        encoding="utf-8",
    )
    out = _run(sqlite_env, monkeypatch, "load-population", str(bad))
    assert out.exit_code != 0
    assert "række 2" in out.output and "række 3" in out.output and "ikke indlæst" in out.output


def test_fetch_says_when_statistikbanken_cannot_be_reached(
    sqlite_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.reference import sources

    def offline(*_a: object, **_k: object) -> bytes:
        raise sources.StatbankUnavailableError(
            "Statistikbanken kan ikke nås (ingen netværksforbindelse)."
        )

    monkeypatch.setattr(sources, "fetch_folk1a", offline)
    out = _run(sqlite_env, monkeypatch, "fetch-population", "--omraade", "751", "--aar", "2017")
    assert out.exit_code != 0 and "Statistikbanken kan ikke nås" in out.output
