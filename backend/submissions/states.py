"""The states of a submission, stored in Danish, each with its label beside it.

The database stores the value (``kladde``, ``indsendt``, ``godkendt``, ``afvist``; migration
0009 moved them from English). The submissions API keeps its documented English words
(``draft``, ``submitted``, ``approved``, ``rejected``): :attr:`SubmissionStatus.api` and
:meth:`SubmissionStatus.from_api` are the only translation between the two.
"""

from __future__ import annotations

from enum import StrEnum


class SubmissionStatus(StrEnum):
    KLADDE = "kladde"
    INDSENDT = "indsendt"
    GODKENDT = "godkendt"
    AFVIST = "afvist"

    @property
    def label(self) -> str:
        """The word the pages show, e.g. "Kladde"."""
        return _LABELS[self]

    @property
    def api(self) -> str:
        """The word the submissions API shows, e.g. "draft"."""
        return _API[self]

    @classmethod
    def from_api(cls, word: str) -> SubmissionStatus:
        return _FROM_API[word]


_LABELS = {
    SubmissionStatus.KLADDE: "Kladde",
    SubmissionStatus.INDSENDT: "Indsendt",
    SubmissionStatus.GODKENDT: "Godkendt",
    SubmissionStatus.AFVIST: "Afvist",
}
_API = {
    SubmissionStatus.KLADDE: "draft",
    SubmissionStatus.INDSENDT: "submitted",
    SubmissionStatus.GODKENDT: "approved",
    SubmissionStatus.AFVIST: "rejected",
}
_FROM_API = {word: status for status, word in _API.items()}

#: The stored values, in workflow order (the check constraint names them).
STATUSES = tuple(s.value for s in SubmissionStatus)
#: The API's words, in the same order.
API_STATUSES = tuple(s.api for s in SubmissionStatus)
