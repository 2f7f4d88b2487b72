from __future__ import annotations

from decimal import Decimal

from backend.demo.occupancy import derive_quarterly_occupancy, secure_aaben_share
from benchmark.occupancy import belaegning_table
from tests.benchmark.factories import make_offer_places


def test_secure_share_reproduces_samlede() -> None:
    share = secure_aaben_share(Decimal("85.6"), Decimal("82.2"), Decimal("96.7"))
    assert share * Decimal("82.2") + (1 - share) * Decimal("96.7") == Decimal("85.6")
    assert secure_aaben_share(Decimal(90), Decimal(90), Decimal(90)) == Decimal("0.5")
    assert secure_aaben_share(Decimal(99), Decimal(80), Decimal(90)) == Decimal(0)  # clamped


def test_derived_stream_reproduces_split_rows() -> None:
    places = [
        make_offer_places(tilbudstype="dag", normering=Decimal(10)),
        make_offer_places(tilbudstype="doegn", normering=Decimal(30)),
        make_offer_places(
            maalgruppe="sikrede_institutioner", normering=Decimal(50), driftsherre="1082"
        ),
        make_offer_places(
            maalgruppe="sikrede_institutioner",
            tilbudstype="dag",
            normering=Decimal(2),
            driftsherre="1082",
        ),
        make_offer_places(maalgruppe="misbrug", normering=Decimal(0)),
    ]
    published = {
        ("psykisk_handicap", "dag", 2017): Decimal("103.5"),
        ("psykisk_handicap", "doegn", 2017): Decimal("97.3"),
        ("sikrede_institutioner", "samlede", 2017): Decimal("86.2"),
        ("sikrede_institutioner", "aaben", 2017): Decimal("80.9"),
        ("sikrede_institutioner", "sikret", 2017): Decimal("99.3"),
        ("misbrug", "samlede", 2017): Decimal("110.2"),
    }
    derived = derive_quarterly_occupancy(places, published)
    assert len(derived.lines) == 4 * (1 + 1 + 2 + 1)
    assert all(line.derived for line in derived.lines)
    table = belaegning_table(derived.lines, 2017)

    def pct(maalgruppe: str, split: str) -> Decimal:
        value = table.row(maalgruppe, split).aktuel.aar.value
        assert value is not None
        return value.quantize(Decimal("0.001"))

    assert pct("psykisk_handicap", "dag") == Decimal("103.500")
    assert pct("psykisk_handicap", "samlede") == (
        (Decimal("103.5") * 10 + Decimal("97.3") * 30) / 40
    ).quantize(Decimal("0.001"))
    assert (pct("sikrede_institutioner", "samlede"), pct("sikrede_institutioner", "sikret")) == (
        Decimal("86.200"),
        Decimal("99.300"),
    )
    assert derived.aaben_share[("sikrede_institutioner", 2017)] == secure_aaben_share(
        Decimal("86.2"), Decimal("80.9"), Decimal("99.3")
    )
    assert "misbrug 2017: trykt belægning men ingen pladser i pladsoversigten" in derived.notes
