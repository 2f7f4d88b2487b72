"""Test helper: inputs built from the published 2017 ledelsesinformation, the way the
product's demo loader builds them (one total account line per driftsherre and year,
places per driftsherre × målgruppe × dag/døgn), and the published tables to compare."""

from __future__ import annotations

import csv
import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path

from backend.demo.accounts import reconstruct_belaegning
from benchmark.records import AccountLine, OfferPlaces

ROOT = Path(__file__).resolve().parents[2]
TABLES = ROOT / "tenants" / "reference" / "ledelsesinformation_2017"
AGREEMENT = ROOT / "tenants" / "rammeaftaler" / "midtjylland.toml"

MAALGRUPPE_FILES = (
    "boern_unge_nedsat_funktionsevne",
    "sikrede_institutioner",
    "voksne_sindslidelse",
    "voksne_fysisk_handicap",
    "psykisk_handicap",
    "kvindekrisecentre",
    "forsorgshjem",
    "misbrug",
)
SPLIT_CODES = {
    "Samlede": "samlede",
    "Døgn": "doegn",
    "Dag": "dag",
    "Åbne": "aaben",
    "Sikrede": "sikret",
}
TOTAL_LABEL = "Hovedtotal"


@cache
def agreement() -> dict[str, list[dict[str, object]]]:
    with AGREEMENT.open("rb") as fh:
        return tomllib.load(fh)


@cache
def name_to_code() -> dict[str, str]:
    """Lower-cased names and aliases of every organisation → its code."""
    out: dict[str, str] = {}
    for org in agreement()["organisation"]:
        code = str(org["kode"])
        for name in [org["navn"], *org.get("aliases", [])]:  # type: ignore[list-item]
            out[str(name).lower()] = code
    return out


def code_of(name: str) -> str:
    return name_to_code()[name.lower()]


@cache
def maalgruppe_codes() -> dict[str, str]:
    """Printed målgruppe name → code."""
    return {str(m["navn"]): str(m["kode"]) for m in agreement()["maalgruppe"]}


def maalgruppe_order() -> list[str]:
    groups = sorted(agreement()["maalgruppe"], key=lambda m: int(m["sortering"]))  # type: ignore[arg-type]
    return [str(m["kode"]) for m in groups]


def read(name: str) -> list[dict[str, str]]:
    with (TABLES / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def number(text: str) -> Decimal | None:
    return None if text == "" else Decimal(text)


def by_code(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """Published rows keyed by org code (TOTAL_LABEL for the total row)."""
    return {
        (TOTAL_LABEL if r["driftsherre"] == TOTAL_LABEL else code_of(r["driftsherre"])): r
        for r in rows
    }


def operators_in_print_order() -> list[str]:
    return [code_of(r["driftsherre"]) for r in read("tabel1_takstudvikling.csv")[:-1]]


def accounts() -> list[AccountLine]:
    """One total AccountLine per driftsherre and year. Amounts = printed 1.000 kr. × 1000;
    2016 lines are stated in 2017 prices; belægning reconstructed (see backend.demo.accounts)."""
    tab_a = by_code(read("tabel1_takstudvikling.csv"))
    tab_b = by_code(read("tabel2_over_underskud.csv"))
    tab_c = by_code(read("tabel3_tillaegsydelser.csv"))
    lines = []
    for code, a in tab_a.items():
        if code == TOTAL_LABEL:
            continue
        for year, regnskab_col, suffix in (
            (2016, "regnskab_2016_tkr_2017priser", "2016_tkr_2017priser"),
            (2017, "regnskab_2017_tkr", "2017_tkr"),
        ):
            regnskab = Decimal(a[regnskab_col]) * 1000
            price = number(a[f"gennemsnitspris_pr_plads_{year}_kr"])
            belaegning = reconstruct_belaegning(regnskab, price, Decimal(a[f"belaegning_{year}"]))
            lines.append(
                AccountLine(
                    driftsherre=code,
                    year=year,
                    regnskab_kr=regnskab,
                    belaegning_aarspladser=belaegning,
                    price_year=2017,
                    over_underskud_kr=Decimal(tab_b[code][f"v{suffix}"]) * 1000,
                    tillaeg_kr=Decimal(tab_c[code][f"v{suffix}"]) * 1000,
                )
            )
    return lines


def places() -> list[OfferPlaces]:
    """One OfferPlaces per driftsherre × målgruppe × dag/døgn × year (zeros included)."""
    out = []
    for maalgruppe in MAALGRUPPE_FILES:
        for row in read(f"tabel5_pladser_{maalgruppe}.csv"):
            if row["driftsherre"] == TOTAL_LABEL:
                continue
            for tilbudstype in ("dag", "doegn"):
                for year in (2016, 2017):
                    out.append(
                        OfferPlaces(
                            driftsherre=code_of(row["driftsherre"]),
                            maalgruppe=maalgruppe,
                            tilbudstype=tilbudstype,
                            year=year,
                            normering=Decimal(row[f"{tilbudstype}_{year}"]),
                        )
                    )
    return out


def published_occupancy() -> dict[tuple[str, str, int], Decimal]:
    """Table D as printed: (målgruppe code, split code, year) → %."""
    out = {}
    for row in read("tabel4_belaegning.csv"):
        key = (maalgruppe_codes()[row["maalgruppe"]], SPLIT_CODES[row["split"]])
        for year in (2016, 2017):
            out[(*key, year)] = Decimal(row[f"belaegning_pct_{year}"])
    return out
