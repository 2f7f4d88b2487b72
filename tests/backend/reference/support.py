"""Shared paths and factories for the reference-data tests."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "reference"
REFERENCE = ROOT / "tenants" / "reference"
MIDTJYLLAND_TOML = ROOT / "tenants" / "rammeaftaler" / "midtjylland.toml"
REGION = "082"
COUNTRY = "000"


def make_aliases(**extra: str) -> dict[str, str]:
    """Name → Statistics Denmark area code, as the lead builds it from the tenant file."""
    config = tomllib.loads(MIDTJYLLAND_TOML.read_text(encoding="utf-8"))
    aliases = {"Hele landet": COUNTRY}
    for organisation in config["organisation"]:
        code = organisation.get("dst_omraade")
        if code is None:
            continue
        for name in [organisation["navn"], *organisation.get("aliases", [])]:
            aliases[name] = code
    aliases.update(extra)
    return aliases


def midtjylland_codes() -> set[str]:
    """The 19 municipalities' codes."""
    config = tomllib.loads(MIDTJYLLAND_TOML.read_text(encoding="utf-8"))
    return {o["dst_omraade"] for o in config["organisation"] if o["type"] == "kommune"}


def folk1a_text(*rows: str, header: str = "OMRÅDE;ALDER;TID;INDHOLD") -> str:
    return "\n".join([header, *rows]) + "\n"


def single_ages(
    area: str, time: str, counts: dict[int, int] | None = None, top: int = 99
) -> list[str]:
    """Rows for ages 0..top plus '<top+1> år og derover', each 1 unless ``counts`` says otherwise."""
    counts = counts or {}
    rows = [f"{area};{age} år;{time};{counts.get(age, 1)}" for age in range(top + 1)]
    rows.append(f"{area};{top + 1} år og derover;{time};{counts.get(top + 1, 1)}")
    return rows
