from __future__ import annotations

from decimal import Decimal

import pytest

from benchmark.noegletal import REGISTRY, Retning, get
from benchmark.units import UNITS

REQUIRED = {
    "gennemsnitspris_pr_plads",
    "takstudvikling_regnskab",
    "takstudvikling_budget",
    "belaegningsprocent",
    "over_underskud_pct_af_regnskab",
    "tillaeg_pct_af_regnskab",
    "pladser_pr_10000",
    "regnskab_pr_indbygger",
    "forbrug_pr_10000",
}


def test_registry_declares_everything_a_noegletal_needs() -> None:
    assert set(REGISTRY) >= REQUIRED
    for spec in REGISTRY.values():
        assert spec.navn and spec.formel and spec.taeller and spec.naevner and spec.gennemsnit
        assert spec.unit in UNITS and isinstance(spec.retning, Retning)
        assert spec.per_indbygger == (spec.aldersgruppe is not None)


def test_over_underskud_is_flagged_beyond_5_pct() -> None:
    spec = get("over_underskud_pct_af_regnskab")
    components = {"over_underskud_kr": Decimal(-6), "regnskab_kr": Decimal(100)}
    fig = spec.figure(components, 2017)
    assert fig.value == Decimal(-6) and spec.flag(fig.value) == "Uden for ±5 %"
    assert spec.flag(Decimal(5)) is None


def test_takstudvikling_regnskab_minus_100_when_belaegning_drops_to_zero() -> None:
    spec = get("takstudvikling_regnskab")
    components = {"regnskab_kr": Decimal(0), "belaegning_aarspladser": Decimal(0),
                  "regnskab_kr_forrige": Decimal(100), "belaegning_aarspladser_forrige": Decimal(1)}  # fmt: skip
    assert spec.figure(components, 2017).value == Decimal(-100)
    budget = get("takstudvikling_budget")
    none = {"takst_x_normering": Decimal(0), "normering": Decimal(0),
            "takst_x_normering_forrige": Decimal(100), "normering_forrige": Decimal(1)}  # fmt: skip
    assert budget.figure(none, 2017).value is None


def test_money_figures_carry_price_year() -> None:
    fig = get("regnskab_pr_indbygger").figure(
        {"regnskab_kr": Decimal(10), "befolkning": Decimal(4)}, 2017
    )
    assert (fig.value, fig.unit, fig.price_year) == (Decimal("2.5"), "kr. pr. indbygger", 2017)


def test_unknown_id() -> None:
    with pytest.raises(KeyError, match="ukendt"):
        get("nope")
