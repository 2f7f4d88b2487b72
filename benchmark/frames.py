"""Normalised columnar inputs: records or DataFrames → exact fixed-point frames.

Why fixed point: the tables are sums and ratios of sums. Summing ``Decimal`` objects is
slow, summing floats is inexact (splitting a line in two may change the last digit).
Every money column is held as int64 in units of 1/10.000 kr. and every quantity (places,
årspladser, place-days) in units of 1/1.000.000, so sums are exact and fast, and a sum
converts back to an exact ``Decimal``. Inputs with finer precision are rounded half-even
to that grid (documented limit; far below anything the tables print).

A frame is built once (``AccountFrame.of(...)``) and caches its group sums, so computing
several tables or years from the same input does the heavy work once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import numpy as np
import pandas as pd

from benchmark.records import (
    TAKST_PR,
    TILBUDSTYPER,
    AccountLine,
    OccupancyLine,
    OfferPlaces,
    TariffLine,
)

MONEY_DIGITS = 4
QUANTITY_DIGITS = 6
_SAFE_TOTAL = float(2**62)


def from_fixed(total: int | np.integer[Any], digits: int) -> Decimal:
    """An exact Decimal from a fixed-point integer with ``digits`` decimals."""
    return Decimal(int(total)).scaleb(-digits)


def money(total: int | np.integer[Any]) -> Decimal:
    """kr. as Decimal from a fixed-point money sum."""
    return from_fixed(total, MONEY_DIGITS)


def quantity(total: int | np.integer[Any]) -> Decimal:
    """Places / place-days as Decimal from a fixed-point quantity sum."""
    return from_fixed(total, QUANTITY_DIGITS)


def _decimal_to_fixed(value: object, digits: int, name: str) -> int:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name}: ikke-endelig værdi {value}")
        return int(value.scaleb(digits).to_integral_value(ROUND_HALF_EVEN))
    if isinstance(value, int | np.integer):
        return int(value) * 10**digits
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            raise ValueError(f"{name}: manglende eller ikke-endelig værdi")
        return round(float(value) * 10**digits)
    raise TypeError(f"{name}: forventede et tal, fik {type(value).__name__}")


def to_fixed(values: pd.Series, digits: int, name: str) -> np.ndarray:
    """Convert a numeric or Decimal column to int64 fixed point with ``digits`` decimals."""
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        out = values.to_numpy(dtype=np.int64) * np.int64(10**digits)
    elif pd.api.types.is_float_dtype(values.dtype):
        raw = values.to_numpy(dtype=np.float64)
        if not np.isfinite(raw).all():
            raise ValueError(f"{name}: manglende eller ikke-endelige værdier")
        out = np.rint(raw * 10.0**digits).astype(np.int64)
    else:
        out = np.fromiter(
            (_decimal_to_fixed(v, digits, name) for v in values), dtype=np.int64, count=len(values)
        )
    if np.abs(out.astype(np.float64)).sum() >= _SAFE_TOTAL:
        raise ValueError(f"{name}: summen er for stor til eksakt fastkommaregning")
    return out


def _key_column(values: pd.Series, name: str, optional: bool) -> pd.Series:
    if values.isna().any():
        if not optional:
            raise ValueError(f"{name}: manglende værdier")
        values = values.astype(object).where(values.notna(), "")
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.rename_categories([str(c) for c in values.cat.categories])
    if not pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        values = values.astype(str)
    return values.astype("category")


def _int_column(values: pd.Series, name: str) -> np.ndarray:
    if values.isna().any():
        raise ValueError(f"{name}: manglende værdier")
    return values.to_numpy(dtype=np.int64)


def _records_frame(records: Iterable[Any]) -> pd.DataFrame:
    rows = list(records)
    if not rows:
        return pd.DataFrame()
    if not is_dataclass(rows[0]):
        raise TypeError("forventede records (dataclasses) eller en DataFrame")
    names = [f.name for f in fields(rows[0])]
    return pd.DataFrame({n: [getattr(r, n) for r in rows] for n in names}, dtype=object)


@dataclass(frozen=True)
class _Spec:
    keys: tuple[str, ...]
    optional_keys: tuple[str, ...]
    ints: tuple[str, ...]
    money: tuple[str, ...]
    quantities: tuple[str, ...]
    defaults: tuple[tuple[str, object], ...] = ()


def _normalise(source: pd.DataFrame, spec: _Spec, record_type: type) -> pd.DataFrame:
    if source.empty and len(source.columns) == 0:
        source = pd.DataFrame({f.name: pd.Series(dtype=object) for f in fields(record_type)})
    data = source.copy()
    for name, default in spec.defaults:
        if name not in data.columns:
            data[name] = default
        else:
            data[name] = data[name].where(data[name].notna(), default)
    missing = [c for c in (*spec.keys, *spec.ints, *spec.money, *spec.quantities) if c not in data]
    missing = [c for c in missing if c not in spec.optional_keys]
    if missing:
        raise ValueError(f"manglende kolonner: {', '.join(missing)}")
    out: dict[str, Any] = {}
    for name in spec.keys:
        column = data[name] if name in data else pd.Series([""] * len(data), dtype=object)
        out[name] = _key_column(column, name, name in spec.optional_keys)
    for name in spec.ints:
        out[name] = _int_column(data[name], name)
    for name in spec.money:
        out[name] = to_fixed(data[name], MONEY_DIGITS, name)
    for name in spec.quantities:
        out[name] = to_fixed(data[name], QUANTITY_DIGITS, name)
    return pd.DataFrame(out, index=pd.RangeIndex(len(data)))


def _check_tilbudstype(frame: pd.DataFrame) -> None:
    unknown = set(frame["tilbudstype"].unique()) - set(TILBUDSTYPER)
    if unknown:
        raise ValueError(f"ukendte tilbudstyper: {sorted(unknown)}")


def _check_non_negative(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    for name in columns:
        if (frame[name] < 0).any():
            raise ValueError(f"{name} må ikke være negativ")


@dataclass(frozen=True, eq=False)
class _Frame:
    data: pd.DataFrame
    _cache: dict[tuple[Any, ...], pd.DataFrame] = field(default_factory=dict, repr=False)

    def sums(self, keys: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
        """Exact int64 sums of ``columns`` by ``keys`` (cached); keys in the index."""
        cache_key = ("sums", tuple(keys), tuple(columns))
        if cache_key not in self._cache:
            grouped = self.data.groupby(list(keys), observed=True, sort=False)[list(columns)]
            self._cache[cache_key] = grouped.sum()
        return self._cache[cache_key]


ACCOUNT_SPEC = _Spec(
    keys=("driftsherre", "offer_ref", "maalgruppe"),
    optional_keys=("offer_ref", "maalgruppe"),
    ints=("year", "price_year"),
    money=("regnskab_kr", "over_underskud_kr", "tillaeg_kr"),
    quantities=("belaegning_aarspladser",),
    defaults=(("over_underskud_kr", 0), ("tillaeg_kr", 0)),
)


@dataclass(frozen=True, eq=False)
class AccountFrame(_Frame):
    """Annual accounts in fixed point (see module docstring)."""

    @classmethod
    def of(cls, source: AccountFrame | pd.DataFrame | Iterable[AccountLine]) -> AccountFrame:
        """Normalise records or a DataFrame with the ``AccountLine`` field names."""
        if isinstance(source, AccountFrame):
            return source
        raw = source if isinstance(source, pd.DataFrame) else _records_frame(source)
        data = _normalise(raw, ACCOUNT_SPEC, AccountLine)
        _check_non_negative(data, ("belaegning_aarspladser",))
        return cls(data)


OCCUPANCY_SPEC = _Spec(
    keys=("driftsherre", "maalgruppe", "tilbudstype", "offer_ref", "koeberkommune"),
    optional_keys=("offer_ref", "koeberkommune"),
    ints=("year", "quarter"),
    money=(),
    quantities=("normering", "forbrug_dage"),
)


def quarter_days(year: np.ndarray, quarter: np.ndarray) -> np.ndarray:
    """Days in each quarter of each year: Q1 90 (91 in leap years), Q2 91, Q3 92, Q4 92."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    base = np.array([0, 90, 91, 92, 92], dtype=np.int64)[quarter]
    return base + ((quarter == 1) & leap).astype(np.int64)


@dataclass(frozen=True, eq=False)
class OccupancyFrame(_Frame):
    """Quarterly occupancy in fixed point, with buyer shares collapsed per offer-quarter.

    ``offer_quarters`` holds one row per reported line without buyer, and one row per
    offer-quarter for buyer lines (forbrug summed over buyers, normering counted once:
    the largest normering reported on the buyer lines). Columns ``forbrug_gyldig`` and
    ``normering_dage`` are zero where normering is 0: such lines count in no
    denominator and no numerator; their forbrug is counted as excluded.
    """

    offer_quarters: pd.DataFrame = field(default_factory=pd.DataFrame)
    inconsistent_buyer_normering: pd.Series = field(default_factory=pd.Series)
    derived_lines: int = 0

    def offer_quarter_sums(self, keys: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
        """Exact int64 sums over ``offer_quarters`` by ``keys`` (cached)."""
        cache_key = ("offer_quarters", tuple(keys), tuple(columns))
        if cache_key not in self._cache:
            grouped = self.offer_quarters.groupby(list(keys), observed=True, sort=False)
            self._cache[cache_key] = grouped[list(columns)].sum()
        return self._cache[cache_key]

    @classmethod
    def of(cls, source: OccupancyFrame | pd.DataFrame | Iterable[OccupancyLine]) -> OccupancyFrame:
        """Normalise records or a DataFrame with the ``OccupancyLine`` field names."""
        if isinstance(source, OccupancyFrame):
            return source
        raw = source if isinstance(source, pd.DataFrame) else _records_frame(source)
        data = _normalise(raw, OCCUPANCY_SPEC, OccupancyLine)
        _check_tilbudstype(data)
        _check_non_negative(data, ("normering", "forbrug_dage"))
        if len(data) and not data["quarter"].isin([1, 2, 3, 4]).all():
            raise ValueError("kvartal skal være 1-4")
        offer_quarters, inconsistent = _collapse_buyers(data)
        derived = int(raw["derived"].fillna(False).astype(bool).sum()) if "derived" in raw else 0
        return cls(
            data,
            offer_quarters=offer_quarters,
            inconsistent_buyer_normering=inconsistent,
            derived_lines=derived,
        )


_OFFER_QUARTER = ["driftsherre", "offer_ref", "maalgruppe", "tilbudstype", "year", "quarter"]


def _collapse_buyers(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    has_buyer = data["koeberkommune"].astype(str) != ""
    plain = data.loc[~has_buyer, [*_OFFER_QUARTER, "normering", "forbrug_dage"]]
    inconsistent = pd.Series(dtype=np.int64)
    if has_buyer.any():
        grouped = data.loc[has_buyer].groupby(_OFFER_QUARTER, observed=True, sort=False)
        buyers = grouped.agg(
            normering=("normering", "max"),
            normering_min=("normering", "min"),
            forbrug_dage=("forbrug_dage", "sum"),
        ).reset_index()
        differs = buyers["normering"] != buyers["normering_min"]
        inconsistent = differs.groupby(buyers["year"]).sum()
        plain = pd.concat([plain, buyers.drop(columns="normering_min")], ignore_index=True)
    plain = plain.reset_index(drop=True)
    days = quarter_days(plain["year"].to_numpy(), plain["quarter"].to_numpy())
    valid = plain["normering"].to_numpy() > 0
    forbrug = plain["forbrug_dage"].to_numpy()
    plain["normering_dage"] = plain["normering"].to_numpy() * days
    plain["forbrug_gyldig"] = np.where(valid, forbrug, 0)
    plain["forbrug_udeladt"] = np.where(valid, 0, forbrug)
    plain["linjer_udeladt"] = ((~valid) & (forbrug > 0)).astype(np.int64)
    for name in ("driftsherre", "offer_ref", "maalgruppe", "tilbudstype"):
        plain[name] = plain[name].astype("category")
    return plain, inconsistent


PLACES_SPEC = _Spec(
    keys=("driftsherre", "maalgruppe", "tilbudstype", "offer_ref"),
    optional_keys=("offer_ref",),
    ints=("year",),
    money=(),
    quantities=("normering",),
)


@dataclass(frozen=True, eq=False)
class PlacesFrame(_Frame):
    """Offer registry places in fixed point, with ``doegn_dag`` ("dag"/"doegn"):
    aaben and sikret count as døgn."""

    @classmethod
    def of(cls, source: PlacesFrame | pd.DataFrame | Iterable[OfferPlaces]) -> PlacesFrame:
        """Normalise records or a DataFrame with the ``OfferPlaces`` field names."""
        if isinstance(source, PlacesFrame):
            return source
        raw = source if isinstance(source, pd.DataFrame) else _records_frame(source)
        data = _normalise(raw, PLACES_SPEC, OfferPlaces)
        _check_tilbudstype(data)
        _check_non_negative(data, ("normering",))
        is_dag = data["tilbudstype"].astype(str) == "dag"
        data["doegn_dag"] = pd.Categorical(
            np.where(is_dag, "dag", "doegn"), categories=["dag", "doegn"]
        )
        return cls(data)


TARIFF_SPEC = _Spec(
    keys=("driftsherre", "offer_ref", "maalgruppe", "takstgruppe", "takst_pr"),
    optional_keys=("offer_ref", "maalgruppe", "takstgruppe"),
    ints=("year", "price_year"),
    money=("basistakst_kr",),
    quantities=(),
    defaults=(("takst_pr", "dag"),),
)


@dataclass(frozen=True, eq=False)
class TariffFrame(_Frame):
    """Budget tariffs in fixed point; ``normering`` is fixed point with ``har_normering``
    False where the line gave none (to be filled from the offer registry)."""

    @classmethod
    def of(cls, source: TariffFrame | pd.DataFrame | Iterable[TariffLine]) -> TariffFrame:
        """Normalise records or a DataFrame with the ``TariffLine`` field names."""
        if isinstance(source, TariffFrame):
            return source
        raw = source if isinstance(source, pd.DataFrame) else _records_frame(source)
        data = _normalise(raw, TARIFF_SPEC, TariffLine)
        unknown = set(data["takst_pr"].unique()) - set(TAKST_PR)
        if unknown:
            raise ValueError(f"ukendt takst_pr: {sorted(unknown)}")
        normering = raw["normering"] if "normering" in raw else pd.Series([None] * len(raw))
        present = normering.notna().to_numpy()
        filled = normering.where(normering.notna(), 0)
        data["normering"] = to_fixed(filled.reset_index(drop=True), QUANTITY_DIGITS, "normering")
        data["har_normering"] = present
        _check_non_negative(data, ("basistakst_kr", "normering"))
        return cls(data)
