from __future__ import annotations

from decimal import Decimal

from benchmark.places import NOTE_FRACTIONAL, NOTE_OVERALL, pladsoversigt
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
