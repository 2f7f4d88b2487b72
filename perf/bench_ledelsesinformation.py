"""Benchmark: ledelsesinformation tables A–E and all nøgletal, national synthetic case.

98 municipalities with their real FOLK1A populations (2007–2016), 5 regions as operators,
10 years, 25.000 offers with quarterly occupancy rows (half of the offers split over two
buyers). The engine (``benchmark``) runs against a straightforward pandas groupby
implementation of the same tables in the same run; the script checks that both give the
same numbers and reports the time ratio engine ÷ baseline.

Run: .venv/bin/python perf/bench_ledelsesinformation.py [--offers 25000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import platform
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from benchmark.accounts import over_underskud_table, takstudvikling_table, tillaeg_table
from benchmark.averages import unweighted_average, weighted_average
from benchmark.frames import AccountFrame, OccupancyFrame, PlacesFrame, TariffFrame
from benchmark.noegletal_compute import compute_noegletal
from benchmark.occupancy import belaegning_table
from benchmark.places import pladsoversigt
from benchmark.population import DEFAULT_AGE_BAND_BY_MAALGRUPPE, PopulationTable
from benchmark.records import PopulationCount, PriceIndex

ROOT = Path(__file__).resolve().parents[1]
POPULATION = (
    ROOT / "tenants/reference/structural/folk1a_total_1jan_2007_2016_all_municipalities.csv"
)
YEARS = list(range(2007, 2017))
MAALGRUPPER = list(DEFAULT_AGE_BAND_BY_MAALGRUPPE)
REGIONS = {"1081": "Hovedstaden", "1082": "Midtjylland", "1083": "Syddanmark",
           "1084": "Nordjylland", "1085": "Sjælland"}  # fmt: skip


def region_of(code: int, midt: bool) -> str:
    """Synthetic but close to the real map: code ranges; Midtjylland from the file."""
    if midt:
        return "1082"
    if code < 250 or code == 400:
        return "1081"
    if code < 400:
        return "1085"
    return "1083" if code < 700 else "1084"


def load_population() -> tuple[pd.DataFrame, dict[str, str]]:
    rows, regions = [], {}
    with POPULATION.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["kommunekode"] == "411":  # Christiansø is not a municipality
                continue
            rows.append((r["kommunekode"], int(r["aar"]), int(r["folketal_1_januar"])))
            regions[r["kommunekode"]] = region_of(
                int(r["kommunekode"]), r["region_midtjylland"] == "Y"
            )
    pop = pd.DataFrame(rows, columns=["area", "year", "total"])
    rng = np.random.default_rng(7)
    share = rng.uniform(0.19, 0.24, len(pop))
    pop["0-17"] = (pop["total"] * share).round().astype(int)
    pop["18-64"] = (pop["total"] * 0.6).round().astype(int)
    pop["65+"] = pop["total"] - pop["0-17"] - pop["18-64"]
    regional = pop.assign(area=pop["area"].map(regions).str[-3:])
    regional = regional.groupby(["area", "year"], as_index=False).sum()
    return pd.concat([pop, regional], ignore_index=True), regions


def synthesise(offers: int, munis: list[str], weights: np.ndarray) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(42)
    operators = np.array(munis + list(REGIONS))
    p = np.concatenate([weights * 0.8, np.full(len(REGIONS), 0.2 / len(REGIONS))])
    off = pd.DataFrame({
        "offer_ref": [f"T{i}" for i in range(offers)],
        "driftsherre": rng.choice(operators, offers, p=p / p.sum()),
        "maalgruppe": rng.choice(MAALGRUPPER, offers),
        "base": np.round(rng.uniform(1, 40, offers), 1),
        "takst": np.round(rng.uniform(800, 6000, offers), 2),
    })  # fmt: skip
    secure = off["maalgruppe"] == "sikrede_institutioner"
    off["tilbudstype"] = np.where(rng.random(offers) < 0.4, "dag", "doegn")
    off.loc[secure, "tilbudstype"] = rng.choice(["aaben", "sikret"], int(secure.sum()))
    yearly = off.loc[off.index.repeat(len(YEARS))].reset_index(drop=True)
    yearly["year"] = np.tile(YEARS, offers)
    yearly["normering"] = np.maximum(yearly["base"] + rng.integers(-2, 3, len(yearly)), 0.0)
    occ_pct = rng.uniform(0.7, 1.15, len(yearly))
    belaegning = np.round(yearly["normering"] * occ_pct, 2)
    regnskab = np.round(yearly["takst"] * 365 * belaegning, 2)
    accounts = yearly[["driftsherre", "offer_ref", "maalgruppe", "year"]].assign(
        regnskab_kr=regnskab, belaegning_aarspladser=belaegning, price_year=yearly["year"],
        over_underskud_kr=np.round(regnskab * rng.normal(0, 0.04, len(yearly)), 2),
        tillaeg_kr=np.round(regnskab * rng.uniform(0, 0.08, len(yearly)), 2),
    )  # fmt: skip
    places = yearly[["driftsherre", "offer_ref", "maalgruppe", "tilbudstype", "year", "normering"]]
    tariffs = yearly[["driftsherre", "offer_ref", "maalgruppe", "year"]].assign(
        basistakst_kr=np.round(yearly["takst"] * (1 + 0.02 * (yearly["year"] - 2007)), 2),
        price_year=yearly["year"], normering=yearly["normering"], takst_pr="dag",
    )  # fmt: skip
    quarters = places.loc[places.index.repeat(4)].reset_index(drop=True)
    quarters["quarter"] = np.tile([1, 2, 3, 4], len(places))
    forbrug = np.round(quarters["normering"] * 91 * np.repeat(occ_pct, 4), 1)
    quarters["forbrug_dage"] = forbrug
    split = quarters["offer_ref"].str[1:].astype(int) % 2 == 0
    buyers = rng.choice(munis, (len(quarters), 2))
    first = quarters[split].assign(
        koeberkommune=buyers[split.to_numpy(), 0], forbrug_dage=np.round(forbrug[split] * 0.6, 1)
    )
    second = quarters[split].assign(
        koeberkommune=buyers[split.to_numpy(), 1],
        forbrug_dage=forbrug[split] - first["forbrug_dage"],
    )
    whole = quarters[~split].assign(koeberkommune=None)
    occupancy = pd.concat([whole, first, second], ignore_index=True)
    return {"accounts": accounts, "places": places, "tariffs": tariffs, "occupancy": occupancy}


def price_index() -> PriceIndex:
    return PriceIndex({y: Decimal(100) * Decimal("1.02") ** (y - 2007) for y in YEARS})


def days_in_quarter(year: pd.Series, quarter: pd.Series) -> np.ndarray:
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return np.choose(quarter - 1, [90 + leap.astype(int), 91, 92, 92])


# --- engine -------------------------------------------------------------------------------


def population_records(pop: pd.DataFrame) -> list[PopulationCount]:
    long = pop.melt(id_vars=["area", "year"], var_name="band", value_name="count")
    return [
        PopulationCount(str(a), int(y), str(b), int(c))
        for a, y, b, c in zip(long["area"], long["year"], long["band"], long["count"], strict=True)
    ]


def run_engine(
    data: dict[str, pd.DataFrame], pop: list[PopulationCount], regions: dict[str, str]
) -> dict:
    idx = price_index()
    accounts, occupancy = AccountFrame.of(data["accounts"]), OccupancyFrame.of(data["occupancy"])
    places, tariffs = PlacesFrame.of(data["places"]), TariffFrame.of(data["tariffs"])
    population = PopulationTable.of(pop)
    munis = sorted(regions)
    areas = {code: code[-3:] for code in REGIONS}
    out = {}
    for t in YEARS[1:]:
        n = compute_noegletal(
            t, accounts=accounts, occupancy=occupancy, places=places, tariffs=tariffs,
            population=population, price_index=idx, organisations=munis, area_of_organisation=areas,
        )  # fmt: skip
        averages = []
        groups: dict[tuple[str, str | None], list] = {}
        for v in n.values:
            groups.setdefault((v.noegletal, v.maalgruppe), []).append(v)
        for values in groups.values():
            averages.append(weighted_average(values, scope="hele landet", region_operators=REGIONS))
            for region in REGIONS:
                members = {m for m in munis if regions[m] == region}
                averages.append(unweighted_average(values, members, scope=REGIONS[region]))
        out[t] = {
            "A": takstudvikling_table(accounts, t, price_index=idx),
            "B": over_underskud_table(accounts, t, price_index=idx),
            "C": tillaeg_table(accounts, t, price_index=idx),
            "D": belaegning_table(occupancy, t, maalgrupper=MAALGRUPPER),
            "E": pladsoversigt(places, t, maalgrupper=MAALGRUPPER),
            "N": n,
            "avg": averages,
        }
    return out


# --- baseline: straightforward pandas groupby on floats ---------------------------------------


def baseline_occupancy(occ: pd.DataFrame) -> pd.DataFrame:
    keys = ["driftsherre", "offer_ref", "maalgruppe", "tilbudstype", "year", "quarter"]
    has = occ["koeberkommune"].notna()
    buyers = (
        occ[has]
        .groupby(keys, as_index=False)
        .agg(normering=("normering", "max"), forbrug_dage=("forbrug_dage", "sum"))
    )
    oq = pd.concat([occ.loc[~has, [*keys, "normering", "forbrug_dage"]], buyers], ignore_index=True)
    valid = oq["normering"] > 0
    oq["nd"] = np.where(valid, oq["normering"] * days_in_quarter(oq["year"], oq["quarter"]), 0.0)
    oq["fb"] = np.where(valid, oq["forbrug_dage"], 0.0)
    return oq


def baseline_year(data: dict[str, pd.DataFrame], oq: pd.DataFrame, pop: pd.DataFrame,
                  regions: dict[str, str], t: int) -> dict:  # fmt: skip
    idx = {y: 100 * 1.02 ** (y - 2007) for y in YEARS}
    acc = data["accounts"]
    acc = acc[acc["year"].isin([t - 1, t])]
    factor = idx[t] / acc["price_year"].map(idx)
    acc = acc.assign(r=acc["regnskab_kr"] * factor, ou=acc["over_underskud_kr"] * factor,
                     ti=acc["tillaeg_kr"] * factor)  # fmt: skip
    g = acc.groupby(["driftsherre", "year"])[["r", "belaegning_aarspladser", "ou", "ti"]].sum()
    wide = g.unstack("year").fillna(0.0)
    price = wide["r"] / wide["belaegning_aarspladser"].replace(0, np.nan)
    table_a = pd.DataFrame({"pris": price[t], "pris_forrige": price[t - 1]})
    table_a["takstudvikling"] = (table_a["pris"] / table_a["pris_forrige"] - 1) * 100
    tot = wide.sum()
    total_price = tot["r"][t] / tot["belaegning_aarspladser"][t]
    table_b = wide["ou"]
    table_c = wide["ti"]
    o = oq[oq["year"].isin([t - 1, t])]
    d = o.groupby(["maalgruppe", "tilbudstype", "year", "quarter"])[["fb", "nd"]].sum()
    samlede = d.groupby(["maalgruppe", "year"]).sum()
    table_d = (samlede["fb"] / samlede["nd"] * 100).unstack("year")
    pl = data["places"][data["places"]["year"].isin([t - 1, t])]
    pl = pl.assign(dd=np.where(pl["tilbudstype"] == "dag", "dag", "doegn"))
    table_e = pl.groupby(["driftsherre", "maalgruppe", "dd", "year"])["normering"].sum()
    overall_e = table_e.groupby(["dd", "year"]).sum()
    # nøgletal
    cur = g.xs(t, level="year")
    noegletal = {
        "over_underskud_pct": cur["ou"] / cur["r"] * 100,
        "tillaeg_pct": cur["ti"] / cur["r"] * 100,
        "gennemsnitspris": cur["r"] / cur["belaegning_aarspladser"],
    }
    occ_org = o[o["year"] == t].groupby("driftsherre")[["fb", "nd"]].sum()
    noegletal["belaegningsprocent"] = occ_org["fb"] / occ_org["nd"] * 100
    popt = pop[pop["year"] == t].set_index("area")
    areas = pd.Series({code: code[-3:] for code in REGIONS})
    band = pd.Series(DEFAULT_AGE_BAND_BY_MAALGRUPPE)
    plt = (
        pl[pl["year"] == t].groupby(["driftsherre", "maalgruppe"])["normering"].sum().reset_index()
    )
    area = plt["driftsherre"].map(lambda c: areas.get(c, c))
    den = [popt.at[a, b] for a, b in zip(area, plt["maalgruppe"].map(band), strict=True)]
    plt["v"] = plt["normering"] / np.array(den, dtype=float) * 10_000
    noegletal["pladser_pr_10000"] = plt.set_index(["driftsherre", "maalgruppe"])["v"]
    reg = cur["r"].rename(index=lambda c: areas.get(c, c))
    noegletal["regnskab_pr_indbygger"] = reg / popt.loc[reg.index, "total"]
    occ_t = data["occupancy"]
    occ_t = occ_t[(occ_t["year"] == t) & occ_t["koeberkommune"].notna()]
    days = 366 if t % 4 == 0 else 365
    bf = occ_t.groupby(["koeberkommune", "maalgruppe"])["forbrug_dage"].sum().reset_index()
    den = [
        popt.at[a, b] for a, b in zip(bf["koeberkommune"], bf["maalgruppe"].map(band), strict=True)
    ]
    bf["v"] = bf["forbrug_dage"] / days / np.array(den, dtype=float) * 10_000
    noegletal["forbrug_pr_10000"] = bf.set_index(["koeberkommune", "maalgruppe"])["v"]
    tf = data["tariffs"]
    tf = tf[tf["year"].isin([t - 1, t])]
    tf = tf.assign(
        p=tf["basistakst_kr"] * 365 * tf["normering"] * (idx[t] / tf["price_year"].map(idx))
    )
    tg = tf.groupby(["driftsherre", "year"])[["p", "normering"]].sum()
    mean = (tg["p"] / tg["normering"]).unstack("year")
    noegletal["takstudvikling_budget"] = (mean[t] / mean[t - 1] - 1) * 100
    # averages: weighted national places per 10.000 and unweighted per region
    muni_places = plt[~plt["driftsherre"].isin(list(REGIONS))]
    first = muni_places[muni_places["maalgruppe"] == MAALGRUPPER[0]].set_index("driftsherre")["v"]
    first = first.reindex(sorted(regions), fill_value=0.0)  # municipalities without places: 0
    by_region = {r: first[first.index.map(regions) == r].mean() for r in REGIONS}
    return {"A": table_a, "A_total": total_price, "B": table_b, "C": table_c, "D": table_d,
            "E": table_e, "E_overall": overall_e, "N": noegletal, "avg_region": by_region}  # fmt: skip


def run_baseline(data: dict[str, pd.DataFrame], pop: pd.DataFrame, regions: dict[str, str]) -> dict:
    oq = baseline_occupancy(data["occupancy"])
    return {t: baseline_year(data, oq, pop, regions, t) for t in YEARS[1:]}


# --- comparison and timing ------------------------------------------------------------------


def close(engine: Decimal | None, base: float, what: str) -> None:
    if engine is None:
        assert np.isnan(base), what
        return
    assert abs(float(engine) - base) <= 1e-9 * max(1.0, abs(base)), (what, engine, base)


def check(engine: dict, baseline: dict) -> int:
    checked = 0
    for t, e in engine.items():
        b = baseline[t]
        for row in e["A"].rows:
            close(row.pris.value, b["A"].at[row.driftsherre, "pris"], f"A pris {t}")
            close(row.takstudvikling.value, b["A"].at[row.driftsherre, "takstudvikling"], "A udv")
            close(e["B"].row(row.driftsherre).aktuel.value, b["B"].at[row.driftsherre, t], "B")
            close(e["C"].row(row.driftsherre).forrige.value, b["C"].at[row.driftsherre, t - 1], "C")
            checked += 4
        close(e["A"].total.pris.value, b["A_total"], "A total")
        for m in MAALGRUPPER:
            close(e["D"].row(m, "samlede").aktuel.aar.value, b["D"].at[m, t], f"D {m}")
        overall = e["E"].overall.total
        close(overall.doegn.value, b["E_overall"].at[("doegn", t)], "E døgn")
        close(overall.dag_forrige.value, b["E_overall"].at[("dag", t - 1)], "E dag")
        for v in e["N"].values:
            series = {"gennemsnitspris_pr_plads": "gennemsnitspris", "belaegningsprocent": "belaegningsprocent",
                      "over_underskud_pct_af_regnskab": "over_underskud_pct",
                      "tillaeg_pct_af_regnskab": "tillaeg_pct", "takstudvikling_budget": "takstudvikling_budget",
                      "regnskab_pr_indbygger": "regnskab_pr_indbygger"}.get(v.noegletal)  # fmt: skip
            if series is not None and v.maalgruppe is None:
                key = (
                    v.organisation
                    if series != "regnskab_pr_indbygger"
                    else REGION_AREA.get(v.organisation, v.organisation)
                )
                close(v.value.value, b["N"][series].at[key], v.noegletal)
                checked += 1
            elif (
                v.noegletal in ("pladser_pr_10000", "forbrug_pr_10000") and v.maalgruppe is not None
            ):
                index = b["N"][v.noegletal].index
                if (v.organisation, v.maalgruppe) in index:
                    close(
                        v.value.value,
                        b["N"][v.noegletal].at[(v.organisation, v.maalgruppe)],
                        v.noegletal,
                    )
                    checked += 1
        for avg in e["avg"]:
            first_group = avg.noegletal == "pladser_pr_10000" and avg.maalgruppe == MAALGRUPPER[0]
            if first_group and avg.scope in REGIONS.values():
                code = next(c for c, name in REGIONS.items() if name == avg.scope)
                close(avg.value.value, b["avg_region"][code], "uvægtet region")
                checked += 1
        checked += len(MAALGRUPPER) + 3
    return checked


REGION_AREA = {code: code[-3:] for code in REGIONS}


def timed(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    pop, regions = load_population()
    munis = sorted(regions)
    weights = pop[pop["area"].isin(munis) & (pop["year"] == 2016)].set_index("area")["total"]
    data = synthesise(args.offers, munis, weights.loc[munis].to_numpy() / weights.sum())
    records = population_records(pop)
    print(f"input: {len(munis)} municipalities, {len(REGIONS)} regions, {len(YEARS)} years, "
          f"{args.offers} offers; rows: " + ", ".join(f"{k} {len(v):,}" for k, v in data.items())
          + f" (built in {time.perf_counter() - start:.1f} s)")  # fmt: skip
    t_base, base = timed(lambda: run_baseline(data, pop, regions), args.repeat)
    t_engine, engine = timed(lambda: run_engine(data, records, regions), args.repeat)
    checked = check(engine, base)  # type: ignore[arg-type]
    values = sum(len(e["N"].values) for e in engine.values())  # type: ignore[union-attr]
    print(
        f"same numbers: {checked:,} figures compared (rel. 1e-9); engine nøgletal values: {values:,}"
    )
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"pandas {pd.__version__}, numpy {np.__version__}")  # fmt: skip
    print(f"baseline (pandas groupby): {t_base:.2f} s   engine: {t_engine:.2f} s   "
          f"ratio engine/baseline: {t_engine / t_base:.2f}   (best of {args.repeat})")  # fmt: skip


if __name__ == "__main__":
    main()
