from __future__ import annotations

from decimal import Decimal

import pytest

from benchmark.places import NOTE_FRACTIONAL, NOTE_OVERALL, PladsRow, pladsoversigt
from benchmark.presentation import present_pladser
from tests.benchmark.factories import make_offer_places


def test_places_per_maalgruppe_and_overall() -> None:
    places = [
        make_offer_places(tilbudstype="dag", normering=Decimal(5), year=2016),
        make_offer_places(tilbudstype="doegn", normering=Decimal(7)),
        make_offer_places(
            maalgruppe="sikrede_institutioner",
            tilbudstype="sikret",
            normering=Decimal(3),
            driftsherre="1082",
        ),
        make_offer_places(
            maalgruppe="sikrede_institutioner",
            tilbudstype="aaben",
            normering=Decimal(2),
            driftsherre="1082",
        ),
    ]
    e = pladsoversigt(places, 2017, driftsherrer=["1082", "657", "751"])
    secure = e.table("sikrede_institutioner").row("1082")
    assert (secure.dag.value, secure.doegn.value) == (Decimal(0), Decimal(5))
    overall = e.overall
    assert [r.driftsherre for r in overall.rows] == ["1082", "657", "751"]
    assert overall.row("657").dag_forrige.value == Decimal(5)
    assert overall.total.doegn.value == Decimal(12)
    assert overall.notes == (NOTE_OVERALL,)
    assert e.table("psykisk_handicap").notes == ()


def test_fractional_places_get_a_note_on_the_total() -> None:
    e = pladsoversigt([make_offer_places(normering=Decimal("2.5"))], 2017)
    assert NOTE_FRACTIONAL in e.table("psykisk_handicap").notes
    assert e.table("psykisk_handicap").total.doegn.value == Decimal("2.5")


def _slots(row: PladsRow) -> tuple[Decimal | None, ...]:
    """Dag t−1, døgn t−1, dag t, døgn t as printed left to right."""
    return tuple(f.value for f in (row.dag_forrige, row.doegn_forrige, row.dag, row.doegn))


def test_offers_of_one_operator_are_summed_in_each_cell_and_the_overall_table() -> None:
    places = [
        make_offer_places(normering=Decimal(4), offer_ref="T1"),
        make_offer_places(normering=Decimal(6), offer_ref="T2"),
        make_offer_places(tilbudstype="dag", normering=Decimal(1), offer_ref="T3", year=2016),
        make_offer_places(tilbudstype="dag", normering=Decimal(2), offer_ref="T4", year=2016),
        make_offer_places(maalgruppe="misbrug", normering=Decimal(5), offer_ref="T5"),
        make_offer_places(
            maalgruppe="misbrug", tilbudstype="dag", normering=Decimal(7), offer_ref="T6", year=2016
        ),
        make_offer_places(driftsherre="751", normering=Decimal(20), offer_ref="T7", year=2016),
    ]
    e = pladsoversigt(places, 2017)
    assert _slots(e.table("psykisk_handicap").row("657")) == (3, 0, 0, 10)
    assert _slots(e.overall.row("657")) == (10, 0, 0, 15)
    assert _slots(e.overall.total) == (10, 20, 0, 15)


def test_operators_are_ordered_by_code_and_tables_and_labels_name_the_years() -> None:
    places = [make_offer_places(driftsherre=d, offer_ref=d) for d in ("1082", "751", "657", "615")]
    e = pladsoversigt(places, 2017)
    assert [r.driftsherre for r in e.overall.rows] == ["615", "657", "751", "1082"]
    assert (e.previous_year, e.year) == (2016, 2017)
    for table in (e.table("psykisk_handicap"), e.overall):
        assert (table.previous_year, table.year) == (2016, 2017)
        assert present_pladser(table).columns == ("Dag 2016", "Døgn 2016", "Dag 2017", "Døgn 2017")


def test_requested_maalgrupper_give_the_tables_in_that_order() -> None:
    places = [make_offer_places(), make_offer_places(maalgruppe="misbrug", offer_ref="T2")]
    e = pladsoversigt(places, 2017, maalgrupper=["misbrug", "forsorgshjem"])
    assert [t.maalgruppe for t in e.maalgrupper] == ["misbrug", "forsorgshjem"]
    assert e.table("forsorgshjem").total.doegn.value == 0
    assert e.overall.total.doegn.value == Decimal(10)  # only the requested målgrupper
    with pytest.raises(KeyError, match="ingen tabel for målgruppe psykisk_handicap"):
        e.table("psykisk_handicap")
