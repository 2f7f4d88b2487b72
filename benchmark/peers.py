"""Peer groups: the k most similar municipalities on standardised structural indicators.

Each indicator is turned into z-scores across the municipalities given (one row per
municipality, typically one year): z = (x − mean) ÷ SD, SD with divisor n (population
SD), so the unit of an indicator does not matter. An indicator with SD 0 gets z = 0
everywhere and does not separate anyone. The distance between municipalities a and b is

    d(a, b) = √(Σ_j w_j (z_aj − z_bj)²)                  (dimensionless)

with indicator weights w_j ≥ 0 (default 1). Peers are ordered by distance, ties broken
by area code, so the result is stable for the same input. KL's voksenhandicap tool uses
10 peers and RKA's "Liknande kommuner" 20; the default here is 5.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from benchmark.expected_need.hashing import model_input_hash

DEFAULT_K = 5
# Distances equal to this many decimals count as tied and are ordered by area code.
_TIE_DECIMALS = 12


@dataclass(frozen=True)
class Peer:
    """One peer municipality and its distance (dimensionless, see module docstring)."""

    area_code: str
    distance: float


@dataclass(frozen=True)
class PeerGroup:
    """The ordered peers (nearest first) of one municipality; never itself."""

    area_code: str
    peers: tuple[Peer, ...]


@dataclass(frozen=True)
class PeerGroups:
    """Peer groups of all municipalities with the parameters that produced them."""

    k: int
    indicators: tuple[str, ...]
    weights: tuple[float, ...]
    year: int | None
    groups: tuple[PeerGroup, ...]
    input_hash: str

    def of(self, area_code: str) -> tuple[Peer, ...]:
        """The peers of ``area_code`` (KeyError when unknown)."""
        for group in self.groups:
            if group.area_code == area_code:
                return group.peers
        raise KeyError(area_code)


def standardise(values: np.ndarray) -> np.ndarray:
    """Column z-scores (x − mean) ÷ SD (divisor n); columns with SD 0 become 0."""
    centred = values - values.mean(axis=0)
    sd = values.std(axis=0)
    return np.divide(centred, sd, out=np.zeros_like(centred), where=sd > 0)


def _select(
    data: pd.DataFrame, indicators: Sequence[str], area: str, year_column: str, year: int | None
) -> pd.DataFrame:
    missing = [c for c in (area, *indicators) if c not in data.columns]
    if missing:
        raise ValueError(f"data lacks columns {missing}")
    if year is not None:
        data = data[data[year_column].astype(int) == int(year)]
    frame = data[[area, *indicators]].copy()
    frame[area] = frame[area].astype(str)
    if frame[area].duplicated().any():
        raise ValueError("more than one row per area: choose a year")
    values = frame[list(indicators)].astype(float)
    if not np.isfinite(values.to_numpy()).all():
        raise ValueError("indicator values must be finite numbers")
    frame[list(indicators)] = values
    return frame.sort_values(area).reset_index(drop=True)


def nearest_peers(
    data: pd.DataFrame | Iterable[Mapping[str, Any]],
    indicators: Sequence[str],
    k: int = DEFAULT_K,
    weights: Mapping[str, float] | None = None,
    year: int | None = None,
    area: str = "area_code",
    year_column: str = "year",
) -> PeerGroups:
    """Return the k nearest municipalities of every municipality.

    ``data`` has one row per municipality (or per municipality-year; then ``year``
    selects one year) with the ``indicators`` as columns. ``weights`` maps indicator →
    weight w_j ≥ 0 (missing: 1). Distance: module docstring. Raises ValueError when k is
    not between 1 and the number of municipalities − 1.
    """
    frame = _select(pd.DataFrame(data), indicators, area, year_column, year)
    n = len(frame)
    if not 1 <= k <= n - 1:
        raise ValueError(f"k must be between 1 and {n - 1} (number of areas - 1), got {k}")
    weight_vector = np.array([(weights or {}).get(name, 1.0) for name in indicators], float)
    if (weight_vector < 0).any() or not np.isfinite(weight_vector).all():
        raise ValueError("indicator weights must be finite and non-negative")
    z = standardise(frame[list(indicators)].to_numpy()) * np.sqrt(weight_vector)
    distance = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=2))
    codes = frame[area].tolist()
    groups = []
    for i, code in enumerate(codes):
        order = sorted(
            (j for j in range(n) if j != i),
            key=lambda j: (round(float(distance[i, j]), _TIE_DECIMALS), codes[j]),
        )
        peers = tuple(Peer(codes[j], float(distance[i, j])) for j in order[:k])
        groups.append(PeerGroup(code, peers))
    parameters = {"k": k, "indicators": list(indicators), "weights": weight_vector, "year": year}
    return PeerGroups(
        k=k,
        indicators=tuple(indicators),
        weights=tuple(float(w) for w in weight_vector),
        year=year,
        groups=tuple(groups),
        input_hash=model_input_hash(frame.to_dict(orient="records"), parameters),
    )
