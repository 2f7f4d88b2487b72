"""The states of a reporting period, stored in Danish, with the label beside each."""

from __future__ import annotations

from enum import StrEnum


class PeriodStatus(StrEnum):
    AABEN = "aaben"
    LUKKET = "lukket"

    @property
    def label(self) -> str:
        """The word the pages show, e.g. "Åben"."""
        return _LABELS[self]


_LABELS = {PeriodStatus.AABEN: "Åben", PeriodStatus.LUKKET: "Lukket"}

#: The stored values (the check constraints name them).
STATUSES = tuple(s.value for s in PeriodStatus)
