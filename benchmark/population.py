"""Population as denominator: age bands, the fallback to the whole population, and how
an organisation maps to a population area.

Region Midtjylland (org code 1082) operates offers for the whole region; it is not a
municipality with inhabitants of its own. Its per-inhabitant figures are computed against
the whole region's population (Statistics Denmark area 082, ``DEFAULT_AREA_OF_ORGANISATION``),
and in weighted agreement averages it adds its numerator but not its population (the
region's inhabitants are already counted by the 19 municipalities; see ``averages``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from benchmark.records import PopulationCount

CHILDREN = "0-17"
ADULTS = "18-64"
ELDERLY = "65+"
TOTAL_BAND = "total"

BAND_LABELS = {
    CHILDREN: "0-17-årige",
    ADULTS: "18-64-årige",
    ELDERLY: "65+-årige",
    TOTAL_BAND: "hele befolkningen",
}
LABEL_BANDS_MISSING = "hele befolkningen (aldersgrupper ikke indlæst)"

DEFAULT_AGE_BAND_BY_MAALGRUPPE: Mapping[str, str] = MappingProxyType(
    {
        "boern_unge_nedsat_funktionsevne": CHILDREN,
        "sikrede_institutioner": CHILDREN,
        "voksne_sindslidelse": ADULTS,
        "voksne_fysisk_handicap": ADULTS,
        "psykisk_handicap": ADULTS,
        "kvindekrisecentre": ADULTS,
        "forsorgshjem": ADULTS,
        "misbrug": ADULTS,
    }
)
"""Age band per målgruppe as in the agreement's catalogue (midtjylland.toml)."""

DEFAULT_AREA_OF_ORGANISATION: Mapping[str, str] = MappingProxyType({"1082": "082"})
"""Org code → population area where they differ; municipalities use their own code."""


def band_of_age(age: int) -> str:
    """The age band of a single age in years."""
    if age < 0:
        raise ValueError(f"negativ alder: {age}")
    if age <= 17:
        return CHILDREN
    return ADULTS if age <= 64 else ELDERLY


def sum_single_ages(rows: Iterable[tuple[str, int, int, int]]) -> list[PopulationCount]:
    """Sum single ages (area, year, age, count) — e.g. a FOLK1A extract by age — into the
    bands 0-17, 18-64, 65+ and total."""
    sums: dict[tuple[str, int, str], int] = {}
    for area, year, age, count in rows:
        for band in (band_of_age(age), TOTAL_BAND):
            sums[(area, year, band)] = sums.get((area, year, band), 0) + count
    return [PopulationCount(a, y, b, c) for (a, y, b), c in sorted(sums.items())]


@dataclass(frozen=True, slots=True)
class Denominator:
    """The population used as denominator: count (None if not loaded), band and the label
    a figure shows ("0-17-årige", "hele befolkningen (aldersgrupper ikke indlæst)")."""

    count: int | None
    age_band: str
    label: str


@dataclass(frozen=True)
class PopulationTable:
    """Population counts by (area, year, age band)."""

    counts: Mapping[tuple[str, int, str], int] = field(default_factory=dict)

    @classmethod
    def of(cls, records: PopulationTable | Iterable[PopulationCount]) -> PopulationTable:
        """Build from PopulationCount records (duplicates are an error)."""
        if isinstance(records, PopulationTable):
            return records
        counts: dict[tuple[str, int, str], int] = {}
        for r in records:
            key = (r.area, r.year, r.age_band)
            if key in counts:
                raise ValueError(f"folketal angivet to gange for {key}")
            counts[key] = r.count
        return cls(MappingProxyType(counts))

    def count(self, area: str, year: int, age_band: str) -> int | None:
        """The count of a band; ``total`` falls back to the sum of the three bands."""
        value = self.counts.get((area, year, age_band))
        if value is None and age_band == TOTAL_BAND:
            parts = [self.counts.get((area, year, b)) for b in (CHILDREN, ADULTS, ELDERLY)]
            if all(p is not None for p in parts):
                value = sum(p for p in parts if p is not None)
        return value

    def denominator(self, area: str, year: int, age_band: str) -> Denominator:
        """The denominator for ``age_band``; when that band is not loaded, the whole
        population, labelled "hele befolkningen (aldersgrupper ikke indlæst)"."""
        count = self.count(area, year, age_band)
        if count is not None or age_band == TOTAL_BAND:
            return Denominator(count, age_band, BAND_LABELS[age_band])
        return Denominator(self.count(area, year, TOTAL_BAND), TOTAL_BAND, LABEL_BANDS_MISSING)


def area_of(organisation: str, area_of_organisation: Mapping[str, str] | None = None) -> str:
    """The population area of an organisation (municipality: its own code; Region
    Midtjylland 1082 → 082)."""
    mapping = DEFAULT_AREA_OF_ORGANISATION if area_of_organisation is None else area_of_organisation
    return mapping.get(organisation, organisation)
