"""Where validation and the row rules put what they find: the planned columns of an upload
and the collector of its issues (errors capped at ``max_errors``, warnings all kept)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cells import Converter
from .codes import Code
from .results import IntakeIssue, shorten
from .streams import Column


@dataclass(frozen=True, slots=True)
class PlannedColumn:
    index: int
    column: Column
    letter: str | None  # None for JSON
    header: str
    convert: Converter
    required: bool


@dataclass
class Collector:
    """Collects issues with their location; stops collecting errors at ``max_errors``."""

    sheet: str | None
    max_errors: int
    errors: list[IntakeIssue] = field(default_factory=list)
    warnings: list[IntakeIssue] = field(default_factory=list)
    full: bool = False

    def add(self, issue: IntakeIssue) -> None:
        if issue.is_warning:
            self.warnings.append(issue)
        elif len(self.errors) < self.max_errors:
            self.errors.append(issue)
        elif not self.full:
            self.full = True
            self.errors.append(
                IntakeIssue(
                    Code.TOO_MANY_ERRORS,
                    f"Der er mere end {self.max_errors} fejl; ret dem og indlæs filen igen for "
                    "at se resten.",
                )
            )

    def at(
        self,
        code: Code,
        message: str,
        row: int | None = None,
        col: PlannedColumn | None = None,
        value: Any = None,
        *,
        letter: str | None = None,
        header: str | None = None,
    ) -> None:
        self.add(
            IntakeIssue(
                code,
                message,
                sheet=self.sheet,
                row=row,
                column=col.letter if col else letter,
                field=col.column.key if col else None,
                header=col.header if col else header,
                value=shorten(value),
            )
        )
