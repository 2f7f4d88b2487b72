from __future__ import annotations

from decimal import Decimal

from benchmark.accounts import over_underskud_table, takstudvikling_table, tillaeg_table
from benchmark.units import TOTAL
from tests.benchmark.factories import make_account_line, make_price_index


def test_price_is_sum_over_sum_per_driftsherre_and_previous_year_is_restated() -> None:
    lines = [
        make_account_line(
            year=2016,
            price_year=2016,
            regnskab_kr=Decimal(980_000),
            belaegning_aarspladser=Decimal(4),
        ),
        make_account_line(
            year=2017,
            regnskab_kr=Decimal(600_000),
            belaegning_aarspladser=Decimal(2),
            offer_ref="a",
        ),
        make_account_line(
            year=2017,
            regnskab_kr=Decimal(500_000),
            belaegning_aarspladser=Decimal(2),
            offer_ref="b",
        ),
    ]
    index = make_price_index(y2016="98", y2017="100")
    row = takstudvikling_table(lines, 2017, price_index=index).row("657")
    assert row.regnskab_forrige.value == Decimal(1_000_000)
    assert row.regnskab_forrige.price_year == 2017
    assert row.pris_forrige.value == Decimal(250_000)
    assert row.pris.value == Decimal(275_000)
    assert row.takstudvikling.value == Decimal(10)


def test_zero_belaegning_after_a_price_is_minus_100_and_no_price() -> None:
    lines = [
        make_account_line(year=2016, driftsherre="766"),
        make_account_line(
            year=2017, driftsherre="766", regnskab_kr=Decimal(0), belaegning_aarspladser=Decimal(0)
        ),
    ]
    row = takstudvikling_table(lines, 2017).row("766")
    assert row.pris.value is None
    assert row.takstudvikling.value == Decimal(-100)
    assert row.note == "Belægning 0: ingen gennemsnitspris; takstudvikling −100 %"


def test_missing_year_gives_no_development() -> None:
    table = takstudvikling_table([make_account_line(year=2017)], 2017)
    row = table.row("657")
    assert row.pris_forrige.value is None and row.takstudvikling.value is None
    assert table.total.pris.value == Decimal(250_000)
    gone = takstudvikling_table([make_account_line(year=2016)], 2017).row("657")
    assert gone.takstudvikling.value is None and gone.note == "Intet regnskab indberettet for året"


def test_total_row_is_sum_over_sum_not_mean_of_prices() -> None:
    lines = [
        make_account_line(
            year=2017,
            driftsherre="657",
            regnskab_kr=Decimal(100),
            belaegning_aarspladser=Decimal(1),
        ),
        make_account_line(
            year=2017,
            driftsherre="751",
            regnskab_kr=Decimal(900),
            belaegning_aarspladser=Decimal(3),
        ),
    ]
    table = takstudvikling_table(lines, 2017)
    assert table.total.driftsherre == TOTAL
    assert table.total.pris.value == Decimal(250)  # mean of prices would be 200


def test_driftsherrer_fixes_rows_and_order() -> None:
    table = takstudvikling_table([make_account_line()], 2017, driftsherrer=["751", "657"])
    assert [r.driftsherre for r in table.rows] == ["751", "657"]
    assert table.row("751").belaegning.value is None


def test_over_underskud_and_tillaeg_tables_sum_and_restate() -> None:
    lines = [
        make_account_line(
            year=2016, price_year=2016, over_underskud_kr=Decimal(-49), tillaeg_kr=Decimal(98)
        ),
        make_account_line(year=2017, over_underskud_kr=Decimal(10), tillaeg_kr=Decimal(5)),
        make_account_line(
            year=2017, driftsherre="751", over_underskud_kr=Decimal(-30), tillaeg_kr=Decimal(7)
        ),
    ]
    index = make_price_index(y2016="98", y2017="100")
    b = over_underskud_table(lines, 2017, price_index=index)
    assert b.row("657").forrige.value == Decimal(-50)
    assert b.total.aktuel.value == Decimal(-20)
    c = tillaeg_table(lines, 2017, price_index=index)
    assert (c.total.forrige.value, c.total.aktuel.value) == (Decimal(100), Decimal(12))
    assert c.measure == "tillaeg_kr" and c.price_year == 2017
