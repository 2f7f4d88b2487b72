"""Peer groups: k nearest municipalities on standardised indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmark.peers import nearest_peers


def make_indicators(n: int = 19, seed: int = 3, year: int | None = None) -> pd.DataFrame:
    """One row per municipality with three indicators on very different scales."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "area_code": [str(700 + i) for i in range(n)],
            "andel_65_plus": rng.uniform(0.15, 0.30, n),
            "log_folketal": rng.uniform(8.0, 12.0, n),
            "udgift_pr_indbygger": rng.uniform(1000.0, 9000.0, n),
        }
    )
    if year is not None:
        frame["year"] = year
    return frame


INDICATORS = ("andel_65_plus", "log_folketal", "udgift_pr_indbygger")


def peer_codes(groups, area: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.area_code for p in groups.of(area)]


def test_never_own_peer_and_k_respected() -> None:
    groups = nearest_peers(make_indicators(), INDICATORS, k=7)
    assert len(groups.groups) == 19
    for group in groups.groups:
        assert len(group.peers) == 7
        assert group.area_code not in [p.area_code for p in group.peers]
        distances = [p.distance for p in group.peers]
        assert distances == sorted(distances)


def test_matches_brute_force_distances() -> None:
    frame = make_indicators()
    values = frame[list(INDICATORS)].to_numpy()
    z = (values - values.mean(axis=0)) / values.std(axis=0)
    groups = nearest_peers(frame, INDICATORS, k=3)
    first = groups.of("700")
    brute = np.sqrt(((z - z[0]) ** 2).sum(axis=1))
    order = np.argsort(brute)[1:4]
    assert peer_codes(groups, "700") == frame.area_code.iloc[order].tolist()
    assert [p.distance for p in first] == pytest.approx(brute[order].tolist())


def test_ties_broken_by_code_and_order_independent_of_input_order() -> None:
    frame = pd.DataFrame({"area_code": ["730", "710", "720", "740"], "x": [0.0, 1.0, -1.0, 5.0]})
    groups = nearest_peers(frame, ("x",), k=2)
    assert peer_codes(groups, "730") == ["710", "720"]  # equal distance, lower code first
    shuffled = nearest_peers(frame.iloc[::-1], ("x",), k=2)
    assert shuffled == groups


def test_units_do_not_matter() -> None:
    frame = make_indicators()
    scaled = frame.assign(udgift_pr_indbygger=frame.udgift_pr_indbygger * 1000)
    base = nearest_peers(frame, INDICATORS)
    other = nearest_peers(scaled, INDICATORS)
    for a, b in zip(base.groups, other.groups, strict=True):
        assert [p.area_code for p in a.peers] == [p.area_code for p in b.peers]
        assert [p.distance for p in a.peers] == pytest.approx([p.distance for p in b.peers])


def test_weights_matter() -> None:
    frame = make_indicators()
    plain = nearest_peers(frame, INDICATORS)
    only_size = nearest_peers(
        frame, INDICATORS, weights={"andel_65_plus": 0.0, "udgift_pr_indbygger": 0.0}
    )
    assert plain.groups != only_size.groups
    alone = nearest_peers(frame, ("log_folketal",))
    assert [g.peers for g in only_size.groups] == [g.peers for g in alone.groups]


def test_year_selection_and_invalid_k() -> None:
    frame = pd.concat([make_indicators(year=2016), make_indicators(seed=4, year=2017)])
    groups = nearest_peers(frame, INDICATORS, year=2017)
    assert groups.groups == nearest_peers(make_indicators(seed=4), INDICATORS).groups
    assert groups.groups != nearest_peers(make_indicators(seed=3), INDICATORS).groups
    with pytest.raises(ValueError, match="choose a year"):
        nearest_peers(frame, INDICATORS)
    with pytest.raises(ValueError, match="k must be"):
        nearest_peers(make_indicators(n=5), INDICATORS, k=5)


def test_hash_changes_with_parameters() -> None:
    frame = make_indicators()
    assert (
        nearest_peers(frame, INDICATORS).input_hash == nearest_peers(frame, INDICATORS).input_hash
    )
    assert (
        nearest_peers(frame, INDICATORS, k=4).input_hash
        != nearest_peers(frame, INDICATORS).input_hash
    )
