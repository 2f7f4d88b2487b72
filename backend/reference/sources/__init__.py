"""Parsers and a client for the secretariat's reference data.

Pure code: bytes or text in, frozen dataclasses out; no Flask, no database. Every parser
collects all problems of a file at once as :class:`SourceError` (Danish message, 1-based
row with the header as row 1, column name) and returns no records when there is any.

* :mod:`.folk1a`: Statistics Denmark FOLK1A CSV (``OMRÅDE;ALDER;TID;INDHOLD``) → age bands
* :mod:`.population_files`: the repository's totals and age-band files → the same records
* :mod:`.statbank`: Statistikbank API client (standard library, injectable transport)
* :mod:`.pl_index`: PL index per year
* :mod:`.indicators`: structural indicators per municipality × year with definitions
* :mod:`.formats`: the declared formats (columns, kinds, how rows become records)
"""

from backend.organisations.aliases import AreaAliases

from .common import (
    DST_COUNTRY_AND_REGIONS,
    ParseResult,
    SourceError,
    SourceFormatError,
    parse_number,
)
from .folk1a import AGE_BANDS, PopulationRecord, parse_folk1a
from .formats import FORMATS, SourceColumn, SourceFormat
from .indicators import (
    IndicatorDefinition,
    IndicatorResult,
    IndicatorValue,
    parse_indicator_definitions,
    parse_structural_indicators,
)
from .pl_index import PlIndexResult, parse_pl_index
from .population_files import parse_age_band_file, parse_population_totals
from .statbank import (
    StatbankError,
    StatbankUnavailableError,
    fetch_folk1a,
    fetch_folk1a_bands,
)

__all__ = [
    "AGE_BANDS",
    "DST_COUNTRY_AND_REGIONS",
    "FORMATS",
    "AreaAliases",
    "IndicatorDefinition",
    "IndicatorResult",
    "IndicatorValue",
    "ParseResult",
    "PlIndexResult",
    "PopulationRecord",
    "SourceColumn",
    "SourceError",
    "SourceFormat",
    "SourceFormatError",
    "StatbankError",
    "StatbankUnavailableError",
    "fetch_folk1a",
    "fetch_folk1a_bands",
    "parse_age_band_file",
    "parse_folk1a",
    "parse_indicator_definitions",
    "parse_number",
    "parse_population_totals",
    "parse_pl_index",
    "parse_structural_indicators",
]
