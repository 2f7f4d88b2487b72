"""Stable error and warning codes of the intake layer.

The codes are part of the API contract: the HTTP layer puts them in the problem+json
``errors`` list and clients key translations and help texts on them. Add codes, never
rename or reuse one.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Every code an `IntakeIssue` can carry (errors and warnings)."""

    # --- file level (no row) ---
    FILE_TOO_LARGE = "file_too_large"
    EMPTY_FILE = "empty_file"
    UNSUPPORTED_FORMAT = "unsupported_format"
    CORRUPT_FILE = "corrupt_file"
    ZIP_BOMB = "zip_bomb"
    EXTERNAL_LINK = "external_link"
    MACROS = "macros"
    UNSAFE_XML = "unsafe_xml"
    ENCODING = "encoding"
    DELIMITER = "delimiter"
    INVALID_JSON = "invalid_json"
    INVALID_STRUCTURE = "invalid_structure"
    NO_SHEET = "no_sheet"
    INVALID_HEADER = "invalid_header"
    NO_ROWS = "no_rows"
    TOO_MANY_ERRORS = "too_many_errors"
    TOO_MANY_ROWS = "for_mange_raekker"
    TOO_MANY_COLUMNS = "for_mange_kolonner"
    TOO_SLOW = "for_lang_indlaesning"
    PERIOD_CLOSED = "period_closed"  # raised by the service layer, listed here for clients

    # --- header level ---
    UNKNOWN_COLUMN = "unknown_column"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    UNNAMED_COLUMN = "unnamed_column"

    # --- cell level ---
    REQUIRED = "required"
    WRONG_TYPE = "wrong_type"
    NOT_A_NUMBER = "not_a_number"
    NOT_AN_INTEGER = "not_an_integer"
    NEGATIVE_VALUE = "negative_value"
    OUT_OF_RANGE = "out_of_range"
    INVALID_QUARTER = "invalid_quarter"
    WRONG_QUARTER = "wrong_quarter"
    INVALID_DATE = "invalid_date"
    INVALID_BOOLEAN = "invalid_boolean"
    INVALID_PARAGRAF = "invalid_paragraf"
    INVALID_TILBUDSTYPE = "invalid_tilbudstype"
    UNKNOWN_MAALGRUPPE = "unknown_maalgruppe"
    UNKNOWN_KOMMUNE = "unknown_kommune"
    TEXT_TOO_LONG = "text_too_long"
    CONTROL_CHARACTER = "styretegn"
    TOO_MANY_FIELDS = "for_mange_felter"
    EXCEL_ERROR = "excel_error"
    FORMULA_WITHOUT_VALUE = "formula_without_value"

    # --- row level ---
    UNKNOWN_OFFER = "unknown_offer"
    FOREIGN_OFFER = "foreign_offer"
    DUPLICATE_ROW = "duplicate_row"
    INVALID_PERIOD_RANGE = "invalid_period_range"

    # --- warnings (never block an upload) ---
    FORMULA_CELL = "formula_cell"
    WORKBOOK_WARNING = "workbook_warning"
    HIDDEN_SHEET = "skjult_ark"
    HIGH_OCCUPANCY = "high_occupancy"
    LOW_OCCUPANCY = "lav_belaegning"
    NORMERING_JUMP = "normering_spring"
    FORBRUG_WITHOUT_NORMERING = "forbrug_without_normering"
    TAKST_CHANGE = "takst_change"
    BELAEGNINGSPROCENT_UNUSUAL = "belaegningsprocent_unusual"
    TOTAL_MISMATCH = "total_mismatch"


#: Codes that are warnings; every other code is an error.
WARNING_CODES: frozenset[Code] = frozenset(
    {
        Code.FORMULA_CELL,
        Code.WORKBOOK_WARNING,
        Code.HIDDEN_SHEET,
        Code.HIGH_OCCUPANCY,
        Code.LOW_OCCUPANCY,
        Code.NORMERING_JUMP,
        Code.FORBRUG_WITHOUT_NORMERING,
        Code.TAKST_CHANGE,
        Code.BELAEGNINGSPROCENT_UNUSUAL,
        Code.TOTAL_MISMATCH,
    }
)
