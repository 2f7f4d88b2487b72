"""The kinds and states of an outgoing mail, stored in Danish, each with its label."""

from __future__ import annotations

from enum import StrEnum


class MailKind(StrEnum):
    """Why a mail is sent."""

    KVITTERING = "kvittering"  # the organisation has submitted: a receipt to the submitter
    GODKENDT = "godkendt"  # the secretariat approved: to the submitter
    AFVIST = "afvist"  # the secretariat rejected, with its comment: to the submitter
    PAAMINDELSE_FOER = "paamindelse_foer"  # the deadline is near and nothing is submitted
    PAAMINDELSE_EFTER = "paamindelse_efter"  # the deadline has passed and nothing is submitted

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


class MailStatus(StrEnum):
    """``afventer`` (waiting to be sent, or to be retried) → ``sendt`` or ``fejlet``."""

    AFVENTER = "afventer"
    SENDT = "sendt"
    FEJLET = "fejlet"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_KIND_LABELS = {
    MailKind.KVITTERING: "Kvittering",
    MailKind.GODKENDT: "Godkendelse",
    MailKind.AFVIST: "Afvisning",
    MailKind.PAAMINDELSE_FOER: "Påmindelse før fristen",
    MailKind.PAAMINDELSE_EFTER: "Påmindelse efter fristen",
}
_STATUS_LABELS = {
    MailStatus.AFVENTER: "Afventer",
    MailStatus.SENDT: "Sendt",
    MailStatus.FEJLET: "Fejlet",
}

#: The stored values (the check constraints name them).
KINDS = tuple(k.value for k in MailKind)
STATUSES = tuple(s.value for s in MailStatus)
#: The reminders, one per period × organisation × kind.
REMINDERS = (MailKind.PAAMINDELSE_FOER, MailKind.PAAMINDELSE_EFTER)
