"""The offer types (tilbudstype), stored as ASCII codes, with the Danish label beside each.

``aaben`` and ``sikret`` are døgn places of the secure institutions. The pure engine keeps
the same four codes in ``benchmark.records.TILBUDSTYPER`` (it cannot import the backend);
a test holds the two equal.
"""

from __future__ import annotations

from enum import StrEnum


class Tilbudstype(StrEnum):
    DAG = "dag"
    DOEGN = "doegn"
    AABEN = "aaben"
    SIKRET = "sikret"

    @property
    def label(self) -> str:
        """The Danish word, e.g. "døgn"."""
        return _LABELS[self]


_LABELS = {
    Tilbudstype.DAG: "dag",
    Tilbudstype.DOEGN: "døgn",
    Tilbudstype.AABEN: "åben",
    Tilbudstype.SIKRET: "sikret",
}

#: The stored codes (the check constraint names them).
TILBUDSTYPER = tuple(t.value for t in Tilbudstype)
#: The types only the secure institutions have.
SECURE_ONLY_TYPES = (Tilbudstype.AABEN.value, Tilbudstype.SIKRET.value)
