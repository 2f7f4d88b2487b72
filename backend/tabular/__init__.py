"""Reading and writing tables, for uploads, reference imports and report exports.

A core package: it imports the standard library, openpyxl and nothing from the domain
packages. What it offers:

* `decode` (UTF-8 with or without BOM, Windows-1252, UTF-16 recognised) and
  `sniff_delimiter`;
* `read_csv`, `read_xlsx` (after the XLSX safety checks of `inspect_xlsx`: zip bombs,
  macros, external links, DTDs; formulas and whether they have a cached value) and
  `read_json`, each into a `Table` of numbered rows;
* cell parsing: `parse_danish_number` (and `detect_decimal_mark` for the ambiguous
  ``1.234``), `to_decimal`, `to_integer`, `to_date`, `to_bool`;
* `fold` for matching headers and names, `neutralise_cell` / `set_text_cell` for writing
  user text into CSV and XLSX exports, and `danish_number_text` for numbers in a CSV.

Problems are reported as `FileProblem` (the file cannot be read), `CellProblem` (one
value) and `TableIssue` (found while reading rows), with a `TableCode`.
"""

from .decoding import CSV_DELIMITERS, decode, sniff_delimiter
from .numbers import (
    DecimalMark,
    decimal_mark,
    detect_decimal_mark,
    excel_error,
    parse_danish_number,
    to_bool,
    to_date,
    to_decimal,
    to_integer,
)
from .problems import CellProblem, FileProblem, TableCode, TableIssue
from .readers import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    Row,
    Table,
    check_size,
    column_letter,
    read_csv,
    read_json,
    sniff_format,
)
from .text import FORMULA_TRIGGERS, danish_number_text, fold, neutralise_cell, set_text_cell
from .xlsx import ZipLimits, inspect_xlsx, openpyxl_warnings, read_xlsx

__all__ = [
    "CSV_DELIMITERS",
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "FORMULA_TRIGGERS",
    "CellProblem",
    "DecimalMark",
    "FileProblem",
    "Row",
    "Table",
    "TableCode",
    "TableIssue",
    "ZipLimits",
    "check_size",
    "column_letter",
    "danish_number_text",
    "decimal_mark",
    "decode",
    "detect_decimal_mark",
    "excel_error",
    "fold",
    "inspect_xlsx",
    "neutralise_cell",
    "openpyxl_warnings",
    "parse_danish_number",
    "read_csv",
    "read_json",
    "read_xlsx",
    "set_text_cell",
    "sniff_delimiter",
    "sniff_format",
    "to_bool",
    "to_date",
    "to_decimal",
    "to_integer",
]
