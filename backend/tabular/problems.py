"""What the tabular readers report: stable codes, located issues and the two exceptions.

The code values are shared with the upload API (``backend.submissions.intake.Code``
holds the same strings), so an issue found here reaches a client unchanged. Messages are
complete Danish sentences for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TableCode(StrEnum):
    """Every code a reader, a safety check or a cell parser can give."""

    # --- the file ---
    FILE_TOO_LARGE = "for_stor_fil"
    EMPTY_FILE = "tom_fil"
    UNSUPPORTED_FORMAT = "ukendt_format"
    CORRUPT_FILE = "beskadiget_fil"
    ZIP_BOMB = "zip_bombe"
    EXTERNAL_LINK = "ekstern_kaede"
    MACROS = "makroer"
    UNSAFE_XML = "usikker_xml"
    ENCODING = "tegnkodning"
    DELIMITER = "skilletegn"
    INVALID_JSON = "ugyldig_json"
    INVALID_STRUCTURE = "ugyldig_struktur"
    NO_SHEET = "intet_ark"
    NO_ROWS = "ingen_raekker"
    WORKBOOK_WARNING = "projektmappe_bemaerkning"
    HIDDEN_SHEET = "skjult_ark"
    HIDDEN_ROWS = "skjulte_raekker"
    TOO_MANY_ROWS = "for_mange_raekker"
    TOO_MANY_COLUMNS = "for_mange_kolonner"
    TOO_SLOW = "for_lang_indlaesning"
    # --- one cell ---
    WRONG_TYPE = "forkert_type"
    NOT_A_NUMBER = "ikke_et_tal"
    AMBIGUOUS_NUMBER = "ambiguous_number"
    NOT_AN_INTEGER = "ikke_et_heltal"
    INVALID_DATE = "ugyldig_dato"
    INVALID_BOOLEAN = "ugyldig_ja_nej"
    EXCEL_ERROR = "excel_fejl"


@dataclass(frozen=True, slots=True)
class TableIssue:
    """A problem found while reading, located as the user sees the file.

    ``row`` is 1-based with the header as row 1 (JSON: the object's position in the list);
    ``sheet`` is the worksheet's title (XLSX only). File-level issues have neither.
    """

    code: TableCode
    message: str
    sheet: str | None = None
    row: int | None = None


class FileProblem(Exception):
    """A file that cannot be read at all (or a read that has to stop); ``issue`` says why."""

    def __init__(
        self, code: TableCode, message: str, *, sheet: str | None = None, row: int | None = None
    ) -> None:
        super().__init__(message)
        self.issue = TableIssue(code, message, sheet=sheet, row=row)


class CellProblem(Exception):
    """One cell value that cannot be read as what its column holds."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
