"""The states of a published output (a ledelsesinformation edition, a model run), stored in
Danish, with the label beside each. ``backend.udgiftsbehov`` uses the same states."""

from __future__ import annotations

from enum import StrEnum


class Publication(StrEnum):
    KLADDE = "kladde"
    OFFENTLIGGJORT = "offentliggjort"
    #: a published model run taken back: kept (never changed again), used by no reader
    TILBAGETRUKKET = "tilbagetrukket"

    @property
    def label(self) -> str:
        """The word the pages show, e.g. "Offentliggjort"."""
        return _LABELS[self]


_LABELS = {
    Publication.KLADDE: "Kladde",
    Publication.OFFENTLIGGJORT: "Offentliggjort",
    Publication.TILBAGETRUKKET: "Trukket tilbage",
}

#: The stored values (the check constraints and the API's query parameters name them).
STATUSES = tuple(s.value for s in Publication)
