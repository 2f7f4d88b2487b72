"""Demo data: a quarterly occupancy stream derived from table E places and table D
percentages of a published ledelsesinformation.

The published tables do not contain the quarterly occupancy stream; the demo needs one so
that table D can be shown. The derived lines are marked ``derived=True`` and carry a
``derivation_note``; they are not reported data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from benchmark.frames import quarter_days
from benchmark.occupancy import SECURE_MAALGRUPPER
from benchmark.records import OccupancyLine, OfferPlaces

Published = Mapping[tuple[str, str, int], Decimal]


@dataclass(frozen=True)
class DerivedOccupancy:
    """Derived occupancy lines, the åben share used per secure målgruppe and year, and
    notes on what could not be derived."""

    lines: tuple[OccupancyLine, ...]
    aaben_share: Mapping[tuple[str, int], Decimal]
    notes: tuple[str, ...]


def secure_aaben_share(samlede: Decimal, aaben: Decimal, sikret: Decimal) -> Decimal:
    """Share a of døgn places that are åben so that a × p_åben + (1 − a) × p_sikret =
    p_samlede: a = (p_sikret − p_samlede) ÷ (p_sikret − p_åben), clamped to [0, 1];
    ½ when the two percentages are equal (any split reproduces them)."""
    if sikret == aaben:
        return Decimal("0.5")
    share = (sikret - samlede) / (sikret - aaben)
    return min(max(share, Decimal(0)), Decimal(1))


def _quarters(
    place: OfferPlaces, tilbudstype: str, normering: Decimal, pct: Decimal, note: str
) -> list[OccupancyLine]:
    years = np.full(4, place.year, dtype=np.int64)
    days = quarter_days(years, np.arange(1, 5, dtype=np.int64))
    return [
        OccupancyLine(
            driftsherre=place.driftsherre,
            maalgruppe=place.maalgruppe,
            tilbudstype=tilbudstype,
            year=place.year,
            quarter=quarter,
            normering=normering,
            forbrug_dage=normering * int(day_count) * pct / 100,
            offer_ref=place.offer_ref or f"{place.driftsherre}:{place.maalgruppe}:{tilbudstype}",
            derived=True,
            derivation_note=note,
        )
        for quarter, day_count in zip((1, 2, 3, 4), days, strict=True)
    ]


def derive_quarterly_occupancy(
    places: Iterable[OfferPlaces],
    published_pct: Published,
    *,
    secure_maalgrupper: Collection[str] = SECURE_MAALGRUPPER,
) -> DerivedOccupancy:
    """Quarterly OccupancyLines (``derived=True``) from places and published percentages.

    ``published_pct`` maps (målgruppe, split, year) to a belægningsprocent (%), split one of
    "samlede", "doegn", "dag", "aaben", "sikret". Rule, per offer with normering > 0 and each
    quarter q of its year: normering as in the registry, forbrug = normering × days(q) ×
    p ÷ 100, where p is

    * the published percentage of the offer's own split (døgn/dag) when printed, else the
      målgruppe's Samlede (noted), so table D reproduces every printed split row;
    * for secure målgrupper: dag places get Samlede; døgn places are split into an åben part
      (share a, see ``secure_aaben_share``) at p_åben and a sikret part (1 − a) at p_sikret,
      so Åbne, Sikrede and Samlede all reproduce. The split is derived, not reported: the
      registry has only dag/døgn. Each line's ``derivation_note`` says so.

    The same p is used for all four quarters. Samlede of the other målgrupper is whatever
    the registry's normering weights give; it is not forced to the print.
    """
    lines: list[OccupancyLine] = []
    shares: dict[tuple[str, int], Decimal] = {}
    notes: set[str] = set()
    for place in places:
        if place.normering <= 0:
            continue
        key = (place.maalgruppe, place.year)
        samlede = published_pct.get((place.maalgruppe, "samlede", place.year))
        if place.tilbudstype in ("aaben", "sikret"):
            # Already split in the registry (the demo registry splits with the same share).
            pct = published_pct.get((place.maalgruppe, place.tilbudstype, place.year), samlede)
            if pct is not None:
                note = (
                    f"Afledt af pladsoversigtens normering og trykt belægning ({place.tilbudstype})"
                )
                lines += _quarters(place, place.tilbudstype, place.normering, pct, note)
            continue
        if place.maalgruppe in secure_maalgrupper and place.tilbudstype != "dag":
            aaben = published_pct.get((place.maalgruppe, "aaben", place.year))
            sikret = published_pct.get((place.maalgruppe, "sikret", place.year))
            if samlede is not None and aaben is not None and sikret is not None:
                share = shares.setdefault(key, secure_aaben_share(samlede, aaben, sikret))
                note = (
                    "Afledt: døgnpladser fordelt på åben/sikret med andel åben "
                    f"{share:.4f}, som gengiver den trykte samlede belægning"
                )
                lines += _quarters(place, "aaben", place.normering * share, aaben, note)
                lines += _quarters(place, "sikret", place.normering * (1 - share), sikret, note)
                continue
        split = "dag" if place.tilbudstype == "dag" else "doegn"
        secure = place.maalgruppe in secure_maalgrupper
        pct = None if secure else published_pct.get((place.maalgruppe, split, place.year))
        source = split
        if pct is None:
            pct, source = samlede, "samlede"
            if not secure and pct is not None:
                notes.add(f"{place.maalgruppe} {place.year} {split}: Samlede brugt (ikke trykt)")
        if pct is None:
            notes.add(f"Ingen trykt belægning for {place.maalgruppe} {place.year}: ikke afledt")
            continue
        note = f"Afledt af pladsoversigtens normering og trykt belægning ({source})"
        lines += _quarters(place, place.tilbudstype, place.normering, pct, note)
    derived = {(line.maalgruppe, line.year) for line in lines}
    for maalgruppe, split, year in published_pct:
        if split == "samlede" and (maalgruppe, year) not in derived:
            notes.add(f"{maalgruppe} {year}: trykt belægning men ingen pladser i pladsoversigten")
    return DerivedOccupancy(tuple(lines), shares, tuple(sorted(notes)))
