"""File intake for uploads: parse and validate XLSX, CSV and JSON, database-free.

Usage (the service layer builds the context from the database)::

    from backend.submissions.intake import IntakeContext, parse_upload

    result = parse_upload(file_bytes, "belaegning", context)
    if not result.ok:
        ...  # 422 with [issue.to_dict() for issue in result.errors]
    store(result.records, result.sha256, ...)

See DESIGN.md §3 (streams) and §7 (upload rules).
"""

from .api import FORMATS, parse_upload, read_limited
from .codes import WARNING_CODES, Code
from .context import IntakeContext, Maalgruppe, OfferInfo, kommune_alias_map, reference_from_tenant
from .results import IntakeIssue, ParseResult
from .streams import (
    STREAMS,
    BelaegningRecord,
    Column,
    RegnskabRecord,
    Stream,
    TakstRecord,
    TilbudRecord,
    get_stream,
)
from .templates import build_csv_template, build_xlsx_template

__all__ = [
    "FORMATS",
    "STREAMS",
    "WARNING_CODES",
    "BelaegningRecord",
    "Code",
    "Column",
    "IntakeContext",
    "IntakeIssue",
    "Maalgruppe",
    "OfferInfo",
    "ParseResult",
    "RegnskabRecord",
    "Stream",
    "TakstRecord",
    "TilbudRecord",
    "build_csv_template",
    "build_xlsx_template",
    "get_stream",
    "kommune_alias_map",
    "parse_upload",
    "read_limited",
    "reference_from_tenant",
]
