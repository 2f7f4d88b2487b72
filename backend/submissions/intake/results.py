"""Result objects of the intake layer: issues (errors and warnings) and the parse result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.tabular import TableIssue

from .codes import WARNING_CODES, Code

#: Offending values are cut to this many characters in an issue.
MAX_VALUE_CHARS = 60


def shorten(value: object) -> str | None:
    """The value as text for an issue, truncated so an error list stays readable."""
    if value is None:
        return None
    text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        return text[: MAX_VALUE_CHARS - 1] + "…"
    return text


@dataclass(frozen=True, slots=True)
class IntakeIssue:
    """One error or warning, located as the user sees the file.

    ``row`` is 1-based with the header as row 1 (XLSX and CSV: as Excel shows it; JSON:
    the position of the object in the list, first object = 1). ``column`` is the Excel
    column letter (XLSX and CSV), ``field`` the ASCII column key and ``header`` the header
    text as written in the file. File-level issues have no row, column or field.
    """

    code: Code
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    header: str | None = None
    value: str | None = None

    @classmethod
    def of(cls, issue: TableIssue) -> IntakeIssue:
        """The intake issue for a problem the tabular readers found."""
        return cls(Code(issue.code), issue.message, sheet=issue.sheet, row=issue.row)

    @property
    def is_warning(self) -> bool:
        return self.code in WARNING_CODES

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for problem+json ``errors`` (None members left out)."""
        out: dict[str, Any] = {"code": str(self.code), "message": self.message}
        for name in ("sheet", "row", "column", "field", "header", "value"):
            member = getattr(self, name)
            if member is not None:
                out[name] = member
        return out


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What `parse_upload` returns; ``ok`` only when there are no errors.

    ``records`` are the stream's frozen record dataclasses in file order (empty when there
    are errors: an upload is all-or-nothing). ``sha256`` is over the original bytes.
    """

    stream: str
    format: str
    records: tuple[Any, ...]
    errors: tuple[IntakeIssue, ...]
    warnings: tuple[IntakeIssue, ...]
    row_count: int
    sha256: str
    size: int
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors
