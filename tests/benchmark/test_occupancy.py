from __future__ import annotations

from decimal import Decimal

import pytest

from benchmark.occupancy import belaegning_table, splits_for
from benchmark.presentation import present_belaegning
from tests.benchmark.factories import make_occupancy_line


def test_quarter_and_year_use_real_days() -> None:
    lines = [
        make_occupancy_line(year=2016, quarter=q, normering=Decimal(1), forbrug_dage=Decimal(90))
        for q in (1, 2, 3, 4)
    ]
    row = belaegning_table(lines, 2016).row("psykisk_handicap", "doegn")
    q1 = row.aktuel.kvartaler[0].value
    assert q1 is not None and q1 == Decimal(90) / 91 * 100  # 2016 is a leap year
    assert row.aktuel.aar.value == Decimal(360) / 366 * 100
    assert row.forrige.aar.value is None


def test_occupancy_above_100_is_kept() -> None:
    lines = [make_occupancy_line(normering=Decimal(1), forbrug_dage=Decimal(180))]
    assert belaegning_table(lines, 2017).row(
        "psykisk_handicap", "samlede"
    ).aktuel.aar.value == Decimal(200)


def test_forbrug_without_normering_is_excluded_and_reported() -> None:
    lines = [
        make_occupancy_line(normering=Decimal(1), forbrug_dage=Decimal(45)),
        make_occupancy_line(normering=Decimal(0), forbrug_dage=Decimal(30), offer_ref="T2"),
    ]
    table = belaegning_table(lines, 2017)
    assert table.row("psykisk_handicap", "doegn").aktuel.aar.value == Decimal(50)
    diagnostics = table.diagnostics[1]
    assert (diagnostics.year, diagnostics.lines_without_normering) == (2017, 1)
    assert diagnostics.forbrug_excluded.value == Decimal(30)


def test_splits_and_samlede() -> None:
    lines = [
        make_occupancy_line(tilbudstype="dag", normering=Decimal(1), forbrug_dage=Decimal(45)),
        make_occupancy_line(tilbudstype="doegn", normering=Decimal(3), forbrug_dage=Decimal(270)),
        make_occupancy_line(
            maalgruppe="sikrede_institutioner",
            tilbudstype="aaben",
            normering=Decimal(1),
            forbrug_dage=Decimal(90),
        ),
        make_occupancy_line(
            maalgruppe="sikrede_institutioner",
            tilbudstype="sikret",
            normering=Decimal(1),
            forbrug_dage=Decimal(45),
        ),
    ]
    table = belaegning_table(lines, 2017)
    assert [(r.maalgruppe, r.split) for r in table.rows] == [
        ("psykisk_handicap", "samlede"), ("psykisk_handicap", "doegn"), ("psykisk_handicap", "dag"),
        ("sikrede_institutioner", "samlede"), ("sikrede_institutioner", "aaben"), ("sikrede_institutioner", "sikret"),
    ]  # fmt: skip
    assert (
        table.row("psykisk_handicap", "samlede").aktuel.kvartaler[0].value
        == Decimal(315) / 360 * 100
    )
    assert table.row("sikrede_institutioner", "samlede").aktuel.aar.value == Decimal(75)
    assert table.row("sikrede_institutioner", "sikret").label == "Sikrede"
    assert splits_for("misbrug") == ("samlede", "doegn", "dag")


def test_buyer_lines_do_not_multiply_the_normering() -> None:
    lines = [
        make_occupancy_line(koeberkommune=k, normering=Decimal(1), forbrug_dage=Decimal(45))
        for k in ("751", "615")
    ]
    assert belaegning_table(lines, 2017).row(
        "psykisk_handicap", "doegn"
    ).aktuel.aar.value == Decimal(100)


def test_derived_lines_are_noted() -> None:
    table = belaegning_table([make_occupancy_line(derived=True, derivation_note="x")], 2017)
    assert table.notes == ("1 belægningslinjer er afledte, ikke indberettede",)


def test_each_quarter_shows_its_own_occupancy_and_the_year_is_labelled() -> None:
    # 2017: Q1 90, Q2 91, Q3 92, Q4 92 days; one place at 50 %, 100 %, 25 %, 75 %.
    lines = [
        make_occupancy_line(quarter=q, normering=Decimal(1), forbrug_dage=Decimal(f))
        for q, f in ((1, 45), (2, 91), (3, 23), (4, 69))
    ] + [make_occupancy_line(year=2016, normering=Decimal(1), forbrug_dage=Decimal(91))]
    table = belaegning_table(lines, 2017)
    row = table.row("psykisk_handicap", "doegn")
    assert [q.value for q in row.aktuel.kvartaler] == [Decimal(50), Decimal(100), 25, 75]
    assert row.aktuel.aar.value == Decimal(228) / 365 * 100
    assert (row.forrige.year, row.aktuel.year) == (2016, 2017)
    assert row.forrige.kvartaler[0].value == Decimal(100)  # Q1 2016 has 91 days
    assert (table.previous_year, table.year) == (2016, 2017)
    assert present_belaegning(table).columns == ("Belægning 2016 (%)", "Belægning 2017 (%)")
    assert table.notes == ()


def test_requested_maalgrupper_are_listed_in_order_even_without_lines() -> None:
    table = belaegning_table(
        [make_occupancy_line()], 2017, maalgrupper=["misbrug", "psykisk_handicap"]
    )
    assert [(r.maalgruppe, r.split) for r in table.rows] == [
        ("misbrug", "samlede"), ("misbrug", "doegn"), ("misbrug", "dag"),
        ("psykisk_handicap", "samlede"), ("psykisk_handicap", "doegn"), ("psykisk_handicap", "dag"),
    ]  # fmt: skip
    assert table.row("misbrug", "samlede").aktuel.aar.value is None  # shown as "-"


def test_the_secure_maalgrupper_can_be_chosen() -> None:
    lines = [make_occupancy_line(maalgruppe="misbrug", tilbudstype="sikret")]
    table = belaegning_table(lines, 2017, secure_maalgrupper=("misbrug",))
    assert [r.label for r in table.rows] == ["Samlede", "Åbne", "Sikrede"]


def test_the_previous_year_has_its_own_diagnostics() -> None:
    lines = [
        make_occupancy_line(year=2016, normering=Decimal(0), forbrug_dage=Decimal(30)),
        make_occupancy_line(year=2016, koeberkommune="751", normering=Decimal(2), offer_ref="T2"),
        make_occupancy_line(year=2016, koeberkommune="615", normering=Decimal(3), offer_ref="T2"),
        make_occupancy_line(),
    ]
    previous, current = belaegning_table(lines, 2017).diagnostics
    assert (previous.year, previous.lines_without_normering) == (2016, 1)
    assert previous.forbrug_excluded.value == Decimal(30)
    assert previous.inconsistent_buyer_normering == 1
    assert (current.year, current.lines_without_normering) == (2017, 0)
    assert current.inconsistent_buyer_normering == 0


def test_an_unknown_row_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="ingen række for misbrug/doegn"):
        belaegning_table([make_occupancy_line()], 2017).row("misbrug", "doegn")
