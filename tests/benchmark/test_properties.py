"""Properties of the engine (hypothesis): Σ/Σ totals, invariance under splitting lines,
None for zero denominators, no capping above 100 %, price restatement round trips."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.accounts import over_underskud_table, takstudvikling_table, tillaeg_table
from benchmark.occupancy import belaegning_table
from benchmark.places import pladsoversigt
from benchmark.prices import restate
from benchmark.records import AccountLine, OccupancyLine, OfferPlaces, PriceIndex
from tests.benchmark.factories import make_account_line, make_occupancy_line, make_offer_places

pytestmark = pytest.mark.slow

ORGS = ("657", "751", "1082")
money = st.decimals(
    min_value=-(10**7), max_value=10**8, places=2, allow_nan=False, allow_infinity=False
)
positive_money = st.decimals(
    min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False
)
quantity = st.decimals(min_value=0, max_value=500, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def account_lines(draw: st.DrawFn) -> list[AccountLine]:
    lines = []
    for org in draw(st.lists(st.sampled_from(ORGS), min_size=1, max_size=5)):
        lines.append(
            make_account_line(
                driftsherre=org,
                year=draw(st.sampled_from((2016, 2017))),
                regnskab_kr=draw(positive_money),
                belaegning_aarspladser=draw(quantity),
                over_underskud_kr=draw(money),
                tillaeg_kr=draw(positive_money),
            )
        )
    return lines


def _halve(line: AccountLine) -> list[AccountLine]:
    def half(value: Decimal) -> tuple[Decimal, Decimal]:
        first = (value / 2).quantize(Decimal("0.01"))
        return first, value - first

    r, b, o, t = (half(v) for v in (line.regnskab_kr, line.belaegning_aarspladser,
                                     line.over_underskud_kr, line.tillaeg_kr))  # fmt: skip
    return [
        replace(
            line,
            regnskab_kr=r[i],
            belaegning_aarspladser=b[i],
            over_underskud_kr=o[i],
            tillaeg_kr=t[i],
            offer_ref=f"del{i}",
        )  # fmt: skip
        for i in (0, 1)
    ]


@settings(max_examples=60, deadline=None)
@given(account_lines())
def test_table_a_total_is_sum_over_sum_and_zero_gives_none(lines: list[AccountLine]) -> None:
    table = takstudvikling_table(lines, 2017)
    regnskab = sum((r.regnskab.value or Decimal(0) for r in table.rows), Decimal(0))
    belaegning = sum((r.belaegning.value or Decimal(0) for r in table.rows), Decimal(0))
    expected = None if belaegning == 0 else regnskab / belaegning
    assert table.total.pris.value == expected
    for row in table.rows:
        if row.belaegning.value == 0:
            assert row.pris.value is None


@settings(max_examples=60, deadline=None)
@given(account_lines(), st.data())
def test_splitting_an_account_line_changes_no_table(
    lines: list[AccountLine], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(lines) - 1))
    split = lines[:i] + _halve(lines[i]) + lines[i + 1 :]
    for build in (takstudvikling_table, over_underskud_table, tillaeg_table):
        assert build(split, 2017) == build(lines, 2017)


@st.composite
def occupancy_lines(draw: st.DrawFn) -> list[OccupancyLine]:
    return [
        make_occupancy_line(
            driftsherre=draw(st.sampled_from(ORGS)),
            maalgruppe=draw(st.sampled_from(("psykisk_handicap", "sikrede_institutioner"))),
            tilbudstype=draw(st.sampled_from(("dag", "doegn", "aaben", "sikret"))),
            year=draw(st.sampled_from((2016, 2017))),
            quarter=draw(st.integers(1, 4)),
            normering=draw(quantity),
            forbrug_dage=draw(st.decimals(min_value=0, max_value=90000, places=1)),
            offer_ref=f"T{n}",
        )
        for n in range(draw(st.integers(1, 8)))
    ]


@settings(max_examples=60, deadline=None)
@given(occupancy_lines(), st.data())
def test_splitting_an_occupancy_line_changes_no_table(
    lines: list[OccupancyLine], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(lines) - 1))
    line = lines[i]
    if line.normering == 0:
        return  # a line without normering is excluded whole; halves would be as well
    n0 = (line.normering / 2).quantize(Decimal("0.001"))
    f0 = (line.forbrug_dage / 2).quantize(Decimal("0.1"))
    if n0 == 0 or n0 == line.normering:
        return
    parts = [replace(line, normering=n0, forbrug_dage=f0, offer_ref="a"),
             replace(line, normering=line.normering - n0, forbrug_dage=line.forbrug_dage - f0,
                     offer_ref="b")]  # fmt: skip
    split = lines[:i] + parts + lines[i + 1 :]
    assert belaegning_table(split, 2017).rows == belaegning_table(lines, 2017).rows


@settings(max_examples=60, deadline=None)
@given(occupancy_lines())
def test_occupancy_is_never_capped_and_never_inf(lines: list[OccupancyLine]) -> None:
    table = belaegning_table(lines, 2017)
    for row in table.rows:
        for year in (row.forrige, row.aktuel):
            f, n = year.forbrug_dage.value, year.normering_dage.value
            assert f is not None and n is not None
            if n == 0:
                assert year.aar.value is None
            else:
                assert year.aar.value == f / n * 100  # may exceed 100


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(ORGS), quantity, st.sampled_from(("dag", "doegn", "sikret"))),
        min_size=1,
        max_size=6,
    ),
    st.data(),
)
def test_splitting_an_offer_changes_no_place_table(
    offers: list[tuple[str, Decimal, str]], data: st.DataObject
) -> None:
    places: list[OfferPlaces] = [
        make_offer_places(driftsherre=o, normering=n, tilbudstype=t, offer_ref=f"T{i}")
        for i, (o, n, t) in enumerate(offers)
    ]
    i = data.draw(st.integers(0, len(places) - 1))
    first = (places[i].normering / 3).quantize(Decimal("0.001"))
    split = places[:i] + [replace(places[i], normering=first),
                          replace(places[i], normering=places[i].normering - first)] + places[i + 1:]  # fmt: skip
    assert pladsoversigt(split, 2017) == pladsoversigt(places, 2017)
    overall = pladsoversigt(places, 2017).overall
    assert overall.total.doegn.value == sum(
        r.doegn.value for r in overall.rows if r.doegn.value is not None
    )


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(
        min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False
    ),
    st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3),
    st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3),
)
def test_restating_to_another_year_and_back_returns_the_input(
    amount: Decimal, a: Decimal, b: Decimal
) -> None:
    index = PriceIndex({2016: a, 2017: b})
    back = restate(restate(amount, 2016, 2017, index), 2017, 2016, index)
    assert abs(back - amount) <= abs(amount) * Decimal("1e-40")
