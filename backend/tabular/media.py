"""The media types of the files Rammetal reads and writes, named once."""

from __future__ import annotations

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
JSON_MEDIA_TYPE = "application/json"

#: Media type by file format (the extension without its dot).
MEDIA_TYPES: dict[str, str] = {
    "xlsx": XLSX_MEDIA_TYPE,
    "csv": CSV_MEDIA_TYPE,
    "json": JSON_MEDIA_TYPE,
}
#: The formats every table and template is offered in.
TABLE_FORMATS: dict[str, str] = {"xlsx": XLSX_MEDIA_TYPE, "csv": CSV_MEDIA_TYPE}
