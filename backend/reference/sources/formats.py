"""The reference file formats, declared like the upload streams.

A `SourceFormat` names the columns a file has (the header spellings accepted, folded with
`backend.tabular.fold`, in order of preference), what each column holds (`Kind`) and how
its rows become records; the parsers read a file through `backend.tabular` and find
their columns with `SourceFormat.locate`, which also reports every missing column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .common import SourceError, Table


class Kind(StrEnum):
    """What one column holds (and so how its cells are read)."""

    AREA = "area"  # area code, code and name, or a name resolved through the aliases
    NAME = "name"  # the area's name next to its code; checked against the code
    YEAR = "year"  # 1900-2100
    TIME = "time"  # 2017K1 or 2017
    AGE = "age"  # 0 år, 0-4 år, 100 år og derover, I alt
    COUNT = "count"  # a non-negative whole number (12.345 = 12345)
    NUMBER = "number"  # a number, decimals as the file writes them
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class SourceColumn:
    """``name`` is how messages call the column; ``headers`` the folded spellings."""

    name: str
    headers: tuple[str, ...]
    kind: Kind
    required: bool = True


@dataclass(frozen=True, slots=True)
class SourceFormat:
    """One reference format: its columns and how its rows fold into records.

    ``expected`` is the header a user is shown when a column is missing; ``where`` names
    the header in that message; ``comment_prefix`` marks lines above the header that are
    kept (indicator definitions); ``further_columns`` says what the columns not declared
    are (``"indicators"``: one indicator each; ``"breakdown"``: allowed only when they
    hold their total; ``""``: ignored).
    """

    key: str
    label: str
    columns: tuple[SourceColumn, ...]
    records: str
    expected: str | None = None
    where: str = "overskriften"
    comment_prefix: str | None = None
    further_columns: str = ""

    def column(self, name: str) -> SourceColumn:
        return next(c for c in self.columns if c.name == name)

    def locate(self, table: Table) -> tuple[dict[str, int | None], list[SourceError]]:
        """Position of every column (None when absent) and an error per missing required
        column. Each header serves one column: the first declared column that accepts it."""
        taken: set[int] = set()
        positions: dict[str, int | None] = {}
        for column in self.columns:
            position = _first_free(table, column.headers, taken)
            if position is not None:
                taken.add(position)
            positions[column.name] = position
        hint = f" (forventet {self.expected})" if self.expected else ""
        missing = [
            SourceError(
                f"Kolonnen '{c.name}' mangler i {self.where}{hint}.", table.header_row, c.name
            )
            for c in self.columns
            if c.required and positions[c.name] is None
        ]
        return positions, missing

    def used(self, positions: Mapping[str, int | None]) -> frozenset[int]:
        return frozenset(p for p in positions.values() if p is not None)


def _first_free(table: Table, headers: tuple[str, ...], taken: set[int]) -> int | None:
    for header in headers:
        position = table.index(header)
        if position is not None and position not in taken:
            return position
    return None


_AREA_CODES = ("omraade_kode", "kommunekode", "kode", "omraade")
_AREA_NAMES = ("omraade", "kommune", "navn")
_LABELS = ("kommune", "kommunenavn", "omraade", "navn")

FOLK1A = SourceFormat(
    key="folk1a",
    label="Befolkning efter område, alder og tid (Danmarks Statistik, FOLK1A)",
    columns=(
        SourceColumn("OMRÅDE", ("omraade", "omrade", "area"), Kind.AREA),
        SourceColumn("ALDER", ("alder", "age"), Kind.AGE, required=False),
        SourceColumn("TID", ("tid", "time"), Kind.TIME),
        SourceColumn("INDHOLD", ("indhold", "content", "value"), Kind.COUNT),
    ),
    records="single ages summed into the bands 0-17, 18-64, 65+ and the total, one "
    "PopulationRecord per area × time × band",
    expected="OMRÅDE;ALDER;TID;INDHOLD",
    further_columns="breakdown",
)
POPULATION_TOTALS = SourceFormat(
    key="totaler",
    label="Folketal 1. januar pr. område og år",
    columns=(
        SourceColumn("omraade_kode", _AREA_CODES, Kind.AREA),
        SourceColumn("navn", _AREA_NAMES, Kind.NAME, required=False),
        SourceColumn("aar", ("aar", "tid"), Kind.YEAR),
        SourceColumn("folketal_1_januar", ("folketal_1_januar", "folketal", "indhold"), Kind.COUNT),
    ),
    records="one 'total' PopulationRecord per row (area × year, quarter 1)",
)
AGE_BAND_COLUMNS = (
    ("0-17", "alder_0_17"),
    ("18-64", "alder_18_64"),
    ("65+", "alder_65_plus"),
)
AGE_BANDS_FILE = SourceFormat(
    key="aldersgrupper",
    label="Folketal i aldersgrupper pr. kommune (året angives ved indlæsning)",
    columns=(
        SourceColumn("kommunekode", _AREA_CODES, Kind.AREA),
        SourceColumn("navn", _AREA_NAMES, Kind.NAME, required=False),
        *(SourceColumn(name, (name,), Kind.COUNT) for _, name in AGE_BAND_COLUMNS),
        SourceColumn("i_alt", ("i_alt",), Kind.COUNT, required=False),
    ),
    records="four PopulationRecords per row (the three bands and their sum, which must "
    "equal i_alt when given)",
)
PL_INDEX = SourceFormat(
    key="pl_indeks",
    label="KL's pris- og lønindeks pr. år",
    columns=(
        SourceColumn("aar", ("aar", "year"), Kind.YEAR),
        SourceColumn("indeks", ("indeks", "pl_indeks", "plindeks", "pl", "index"), Kind.NUMBER),
    ),
    records="year → index (positive, each year once)",
    expected="aar;indeks",
)
INDICATOR_FIELDS = ("indikator", "navn", "definition", "enhed", "kilde")
INDICATOR_DEFINITIONS = SourceFormat(
    key="definitioner",
    label="Definitioner af strukturelle indikatorer",
    columns=tuple(SourceColumn(name, (name,), Kind.TEXT) for name in INDICATOR_FIELDS),
    records="one IndicatorDefinition per row (every field filled, each code once)",
    expected=";".join(INDICATOR_FIELDS),
    where="definitionernes overskrift",
)
INDICATORS = SourceFormat(
    key="indikatorer",
    label="Strukturelle indikatorer pr. kommune og år",
    columns=(
        SourceColumn("kommunekode", ("kommunekode", "omraade_kode", "kode", *_LABELS), Kind.AREA),
        SourceColumn("aar", ("aar", "tid", "year"), Kind.YEAR),
        SourceColumn("navn", _LABELS, Kind.NAME, required=False),
    ),
    records="one IndicatorValue per area × year × indicator column; an empty cell or "
    "'..' is a missing value, not 0",
    comment_prefix="#",
    further_columns="indicators",
)

FORMATS: dict[str, SourceFormat] = {
    spec.key: spec
    for spec in (
        FOLK1A,
        POPULATION_TOTALS,
        AGE_BANDS_FILE,
        PL_INDEX,
        INDICATOR_DEFINITIONS,
        INDICATORS,
    )
}
