"""Structural indicators derived from population per municipality × year × age band.

The indicators are the explanatory variables of the expected-need model
(:mod:`benchmark.expected_need`) and the dimensions of the peer groups
(:mod:`benchmark.peers`). Everything here is pure computation: the caller loads the
population (FOLK1A extracts, summed into age bands) and passes plain records or a
DataFrame with the columns ``area_code``, ``year``, ``age_band`` and ``count``.

Age bands are ``"0-17"``, ``"18-64"`` and ``"65+"``; a row with age band ``"total"``
may be given instead of (or besides) the bands. When the three bands are present the
total is their sum (and a ``"total"`` row, if also given, must agree exactly); when only
the total is present the age-share indicators are not derived for that area and year.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

AGE_BANDS: tuple[str, ...] = ("0-17", "18-64", "65+")
TOTAL_BAND = "total"
DEFAULT_SOURCE = "Danmarks Statistik, FOLK1A (befolkning 1. januar)"


@dataclass(frozen=True)
class Indicator:
    """Definition of a structural indicator: what it is, its unit and its source."""

    id: str
    name_da: str
    definition: str
    unit: str
    source: str


@dataclass(frozen=True)
class IndicatorValue:
    """One derived indicator value for one area and year."""

    area_code: str
    year: int
    indicator_id: str
    value: float
    unit: str
    definition: str
    source: str


def indicator_catalogue(source: str = DEFAULT_SOURCE) -> dict[str, Indicator]:
    """Return the structural indicators this module derives, keyed by id.

    ``source`` names the population data the indicators are derived from; it is copied
    onto every indicator so that a published value always carries its source.
    """
    return {
        "log_folketal": Indicator(
            "log_folketal",
            "Folketal (naturlig logaritme)",
            "ln(folketal i alt)",
            "ln(personer)",
            source,
        ),
        "andel_0_17": Indicator(
            "andel_0_17",
            "Andel 0-17-årige",
            "folketal 0-17 år ÷ folketal i alt",
            "andel (0-1)",
            source,
        ),
        "andel_18_64": Indicator(
            "andel_18_64",
            "Andel 18-64-årige",
            "folketal 18-64 år ÷ folketal i alt",
            "andel (0-1)",
            source,
        ),
        "andel_65_plus": Indicator(
            "andel_65_plus",
            "Andel 65+-årige",
            "folketal 65 år og derover ÷ folketal i alt",
            "andel (0-1)",
            source,
        ),
        "befolkningsvaekst": Indicator(
            "befolkningsvaekst",
            "Befolkningstilvækst",
            "100 × (folketal år t ÷ folketal år t-1 − 1); kun når år t-1 findes",
            "%",
            source,
        ),
    }


_SHARE_IDS: dict[str, str] = {"0-17": "andel_0_17", "18-64": "andel_18_64", "65+": "andel_65_plus"}


def _population_frame(population: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(population).copy()
    missing = {"area_code", "year", "age_band", "count"} - set(frame.columns)
    if missing:
        raise ValueError(f"population is missing columns: {sorted(missing)}")
    frame["area_code"] = frame["area_code"].astype(str)
    frame["year"] = frame["year"].astype(int)
    frame["age_band"] = frame["age_band"].astype(str)
    unknown = set(frame["age_band"]) - set(AGE_BANDS) - {TOTAL_BAND}
    if unknown:
        raise ValueError(f"unknown age bands: {sorted(unknown)}; expected {AGE_BANDS} or 'total'")
    frame["count"] = frame["count"].astype(float)
    if (frame["count"] < 0).any() or frame["count"].isna().any():
        raise ValueError("population counts must be non-negative numbers")
    if frame.duplicated(["area_code", "year", "age_band"]).any():
        raise ValueError("population has duplicate (area_code, year, age_band) rows")
    return frame


def population_by_band(population: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Pivot population records to one row per (area_code, year) with band columns.

    Returns columns ``0-17``, ``18-64``, ``65+`` (NaN when not given) and ``total``
    (persons). ``total`` = 0-17 + 18-64 + 65+ when all three bands are given, else the
    ``"total"`` row. Raises ``ValueError`` when a given total disagrees with the bands.
    """
    frame = _population_frame(population)
    wide = frame.pivot(index=["area_code", "year"], columns="age_band", values="count")
    for band in (*AGE_BANDS, TOTAL_BAND):
        if band not in wide.columns:
            wide[band] = float("nan")
    bands_complete = wide[list(AGE_BANDS)].notna().all(axis=1)
    band_sum = wide[list(AGE_BANDS)].sum(axis=1)
    given = wide[TOTAL_BAND]
    clash = bands_complete & given.notna() & (given != band_sum)
    if clash.any():
        where = [f"{a}/{y}" for a, y in wide.index[clash]]
        raise ValueError(f"total disagrees with the sum of the age bands for {where}")
    wide[TOTAL_BAND] = band_sum.where(bands_complete, given)
    if wide[TOTAL_BAND].isna().any():
        where = [f"{a}/{y}" for a, y in wide.index[wide[TOTAL_BAND].isna()]]
        raise ValueError(f"neither all age bands nor a total for {where}")
    return wide[[*AGE_BANDS, TOTAL_BAND]].sort_index()


def derive_structural_indicators(
    population: pd.DataFrame | Iterable[Mapping[str, Any]],
    source: str = DEFAULT_SOURCE,
) -> tuple[IndicatorValue, ...]:
    """Derive the structural indicators per area and year from population records.

    Formulas (P = total population, P_b = population in age band b, t = year):

    * ``log_folketal`` = ln(P_t), unit ln(persons); undefined (omitted) when P_t = 0;
    * ``andel_<b>`` = P_b,t ÷ P_t for b in 0-17, 18-64, 65+, unit share 0-1 (the three
      shares sum to 1); only when all three bands are given and P_t > 0;
    * ``befolkningsvaekst`` = 100 × (P_t ÷ P_t−1 − 1), unit %, only when the same area
      has year t−1 with P_t−1 > 0.

    Returns the values ordered by area code, year and indicator id.
    """
    catalogue = indicator_catalogue(source)
    wide = population_by_band(population)
    values: list[IndicatorValue] = []

    def add(area: str, year: int, indicator_id: str, value: float) -> None:
        ind = catalogue[indicator_id]
        values.append(
            IndicatorValue(area, year, indicator_id, value, ind.unit, ind.definition, ind.source)
        )

    for (area, year), row in wide.iterrows():
        total = float(row[TOTAL_BAND])
        if total <= 0:
            continue
        add(area, year, "log_folketal", math.log(total))
        if all(pd.notna(row[band]) for band in AGE_BANDS):
            for band in AGE_BANDS:
                add(area, year, _SHARE_IDS[band], float(row[band]) / total)
        previous = (area, year - 1)
        if previous in wide.index:
            before = float(wide.loc[previous, TOTAL_BAND])
            if before > 0:
                add(area, year, "befolkningsvaekst", 100.0 * (total / before - 1.0))
    return tuple(sorted(values, key=lambda v: (v.area_code, v.year, v.indicator_id)))


def indicator_frame(values: Iterable[IndicatorValue]) -> pd.DataFrame:
    """Return indicator values as a tidy frame, one row per area × year × indicator.

    Columns: ``area_code, year, indicator_id, value, unit, definition, source``.
    """
    columns = ["area_code", "year", "indicator_id", "value", "unit", "definition", "source"]
    return pd.DataFrame([v.__dict__ for v in values], columns=columns)


def indicator_matrix(
    values: Iterable[IndicatorValue], indicator_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Return a wide frame: one row per (area_code, year), one column per indicator.

    This is the design-matrix layout the expected-need model and the peer groups take.
    Areas and years lacking one of the requested indicators get NaN in that column.
    """
    tidy = indicator_frame(values)
    wide = tidy.pivot(index=["area_code", "year"], columns="indicator_id", values="value")
    if indicator_ids is not None:
        wide = wide.reindex(columns=list(indicator_ids))
    wide.columns.name = None
    return wide.reset_index()
