from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from benchmark.frames import (
    AccountFrame,
    OccupancyFrame,
    PlacesFrame,
    money,
    quarter_days,
    to_fixed,
)
from tests.benchmark.factories import make_account_line, make_occupancy_line, make_offer_places


def test_fixed_point_is_exact_for_decimals_floats_and_ints() -> None:
    for values in ([Decimal("1.25"), Decimal("-3")], [1.25, -3.0], [1, -3]):
        series = pd.Series(values, dtype=object if isinstance(values[0], Decimal) else None)
        out = to_fixed(series, 4, "x")
        assert [money(v) for v in out] in (
            [Decimal("1.25"), Decimal(-3)],
            [Decimal(1), Decimal(-3)],
        )
    assert list(to_fixed(pd.Series([Decimal("0.00005")], dtype=object), 4, "x")) == [0]  # half-even


def test_missing_or_infinite_numbers_are_errors() -> None:
    with pytest.raises(ValueError, match="manglende"):
        to_fixed(pd.Series([1.0, np.nan]), 4, "regnskab_kr")


def test_records_and_dataframe_give_the_same_frame() -> None:
    lines = [make_account_line(regnskab_kr=Decimal("10.5")), make_account_line(driftsherre="751")]
    frame = pd.DataFrame(
        {
            "driftsherre": ["657", "751"],
            "year": [2017, 2017],
            "regnskab_kr": [10.5, 1_000_000.0],
            "belaegning_aarspladser": [4.0, 4.0],
            "price_year": [2017, 2017],
        }  # fmt: skip
    )
    keys = ("driftsherre", "year")
    columns = ("regnskab_kr", "belaegning_aarspladser", "tillaeg_kr")
    a = AccountFrame.of(lines).sums(keys, columns)
    b = AccountFrame.of(frame).sums(keys, columns)
    assert a.to_numpy().tolist() == b.to_numpy().tolist()


def test_missing_column_is_named() -> None:
    with pytest.raises(ValueError, match="normering"):
        PlacesFrame.of(pd.DataFrame({"driftsherre": ["657"], "maalgruppe": ["x"],
                                     "tilbudstype": ["dag"], "year": [2017]}))  # fmt: skip


def test_quarter_days_follow_the_calendar() -> None:
    years = np.array([2016, 2017, 2017, 2017, 2017, 2000, 1900])
    quarters = np.array([1, 1, 2, 3, 4, 1, 1])
    assert quarter_days(years, quarters).tolist() == [91, 90, 91, 92, 92, 91, 90]


def test_buyer_lines_count_normering_once_and_flag_disagreement() -> None:
    lines = [
        make_occupancy_line(koeberkommune="751", normering=Decimal(10), forbrug_dage=Decimal(400)),
        make_occupancy_line(koeberkommune="657", normering=Decimal(10), forbrug_dage=Decimal(300)),
        make_occupancy_line(
            koeberkommune="615", normering=Decimal(12), forbrug_dage=Decimal(100), quarter=2
        ),
        make_occupancy_line(
            koeberkommune="657", normering=Decimal(11), forbrug_dage=Decimal(100), quarter=2
        ),
    ]
    frame = OccupancyFrame.of(lines)
    q = frame.offer_quarters.sort_values("quarter")
    assert q["normering"].tolist() == [10_000_000, 12_000_000]
    assert q["forbrug_dage"].tolist() == [700_000_000, 200_000_000]
    assert int(frame.inconsistent_buyer_normering[2017]) == 1


def test_places_map_secure_types_to_doegn() -> None:
    frame = PlacesFrame.of([make_offer_places(tilbudstype=t) for t in ("dag", "aaben", "sikret")])
    assert frame.data["doegn_dag"].astype(str).tolist() == ["dag", "doegn", "doegn"]
