"""Population records, age bands and Statistics Denmark's vocabulary for ages and time.

Shared by :mod:`.folk1a` (the DST extract) and :mod:`.population_files` (the
repository's own files), so both produce the same :class:`PopulationRecord`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from backend.organisations.aliases import AreaAliases

from .common import SourceFormatError

BAND_0_17 = "0-17"
BAND_18_64 = "18-64"
BAND_65_PLUS = "65+"
BAND_TOTAL = "total"
AGE_BANDS: tuple[str, ...] = (BAND_0_17, BAND_18_64, BAND_65_PLUS, BAND_TOTAL)

# Inclusive age limits; None is open-ended.
BAND_LIMITS: tuple[tuple[str, int, int | None], ...] = (
    (BAND_0_17, 0, 17),
    (BAND_18_64, 18, 64),
    (BAND_65_PLUS, 65, None),
)
# Without an open-ended group ("100 år og derover") or an "I alt" to check against,
# single ages must reach this age before 65+ counts as complete (FOLK1A goes to 125).
TOP_AGE_WITHOUT_OPEN_GROUP = 100


@dataclass(frozen=True)
class PopulationRecord:
    """Population of one area at one time in one age band.

    ``area_code`` is a Statistics Denmark area code; ``quarter`` is 1–4 (1 = 1 January) or
    ``None`` when the source gives only a year; ``age_band`` is one of :data:`AGE_BANDS`.
    """

    area_code: str
    year: int
    quarter: int | None
    age_band: str
    count: int


AliasesArg = Mapping[str, str] | AreaAliases | None


def as_aliases(aliases: AliasesArg) -> AreaAliases:
    return aliases if isinstance(aliases, AreaAliases) else AreaAliases(aliases)


# --- cell readers ---------------------------------------------------------------------

_TOTAL_WORDS = frozenset({"i alt", "ialt", "tot", "total", "alle", "all"})
_AGE_UNIT = r"(?:\s*(?:år|years?))?"
_SINGLE_AGE = re.compile(rf"^(\d{{1,3}}){_AGE_UNIT}$")
_AGE_RANGE = re.compile(rf"^(\d{{1,3}})\s*-\s*(\d{{1,3}}){_AGE_UNIT}$")
_OPEN_AGE = re.compile(rf"^(\d{{1,3}})(?:{_AGE_UNIT}\s+(?:og derover|and over)|\s*ov|\s*\+|\s*-)$")
_TIME = re.compile(r"^(\d{4})(?:\s*[kq]([1-4]))?$")


def is_total(value: str) -> bool:
    """``I alt``, ``IALT``, ``TOT``, ``Total``, ``Køn i alt`` …"""
    folded = " ".join(value.split()).casefold()
    return folded in _TOTAL_WORDS or folded.endswith(" i alt")


def parse_age(value: str) -> tuple[int, int | None] | None:
    """Inclusive age range of an ALDER value; ``None`` for the total, ``(100, None)`` open."""
    folded = " ".join(value.split()).casefold()
    if is_total(folded) or folded == "alder i alt":
        return None
    if match := _SINGLE_AGE.match(folded):
        return int(match.group(1)), int(match.group(1))
    if match := _AGE_RANGE.match(folded):
        low, high = int(match.group(1)), int(match.group(2))
        if low <= high:
            return low, high
    if match := _OPEN_AGE.match(folded):
        return int(match.group(1)), None
    raise SourceFormatError(f"Ukendt alder '{value}'")


def parse_time(value: str) -> tuple[int, int | None]:
    """``2017K1`` → (2017, 1); ``2017`` → (2017, None)."""
    match = _TIME.match(value.strip().casefold())
    if not match:
        raise SourceFormatError(f"Ukendt tidsangivelse '{value}' (forventet fx 2017K1 eller 2017)")
    year = int(match.group(1))
    return year, int(match.group(2)) if match.group(2) else None


def band_of(low: int, high: int | None) -> str | None:
    for band, band_low, band_high in BAND_LIMITS:
        if low >= band_low and (band_high is None or (high is not None and high <= band_high)):
            return band
    return None


def missing_ages(
    members: list[tuple[int, int | None, int, int]],
    band_low: int,
    band_high: int | None,
    *,
    accept_top: bool,
) -> str:
    """Danish description of the ages a band lacks, or ``""`` when it is complete."""
    gaps: list[str] = []
    expected: int | None = band_low
    for low, high, _, _ in members:
        if expected is not None and low > expected:
            gaps.append(age_span(expected, low - 1))
        expected = None if high is None else high + 1
    if expected is not None:
        if band_high is not None and expected <= band_high:
            gaps.append(age_span(expected, band_high))
        elif band_high is None and expected <= TOP_AGE_WITHOUT_OPEN_GROUP and not accept_top:
            gaps.append(f"alder {expected} år og derover")
    return ", ".join(gaps)


def age_span(low: int, high: int) -> str:
    return f"alder {low} år" if low == high else f"alder {low}-{high} år"


__all__ = [
    "AGE_BANDS",
    "BAND_0_17",
    "BAND_18_64",
    "BAND_65_PLUS",
    "BAND_LIMITS",
    "BAND_TOTAL",
    "TOP_AGE_WITHOUT_OPEN_GROUP",
    "AliasesArg",
    "PopulationRecord",
    "as_aliases",
    "band_of",
    "is_total",
    "missing_ages",
    "parse_age",
    "parse_time",
]
