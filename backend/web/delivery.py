"""What the pages say about one organisation's delivery to one period: the board's cells
(``/sekretariat``), its download and the officer's start page (``/indberetning``) use the
same words.

A delivery is in one of four states: *godkendt*, *indsendt* (waiting for the
secretariat), *ikke indsendt* (nothing submitted, the deadline not yet passed: "frist om
39 dage") and *mangler* (nothing submitted and the deadline has passed). Lateness of a
version that was submitted is a date ("indsendt 03.05.2018"; while it waits for the
secretariat also "3 dage efter fristen"), not a warning that stays on an approved
delivery for ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from backend.submissions.states import SubmissionStatus
from backend.web.format import LOCAL_TZ, danish_date

GODKENDT, INDSENDT, IKKE_INDSENDT, MANGLER = "godkendt", "indsendt", "ikke_indsendt", "mangler"
#: The states in the order of the board's status filter, with the filter's words.
STATES: dict[str, str] = {
    MANGLER: "Mangler – fristen er overskredet",
    IKKE_INDSENDT: "Ikke indsendt – fristen er ikke nået",
    INDSENDT: "Indsendt – venter på godkendelse",
    GODKENDT: "Godkendt",
}
TAGS = {
    MANGLER: "Mangler",
    IKKE_INDSENDT: "Ikke indsendt",
    INDSENDT: "Indsendt",
    GODKENDT: "Godkendt",
}


def until_deadline(frist: date, today: date) -> str:
    """ "frist i dag", "frist i morgen", "frist om 39 dage"."""
    days = (frist - today).days
    if days <= 0:
        return "frist i dag"
    if days == 1:
        return "frist i morgen"
    return f"frist om {days} dage"


def _danish_day(moment: datetime) -> date:
    """The Danish calendar day of a stored (UTC) time, as :func:`danish_date` shows it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).date()


def _days(n: int) -> str:
    return "1 dag" if n == 1 else f"{n} dage"


@dataclass(frozen=True)
class Delivery:
    """One cell: ``state`` (one of :data:`STATES`), the tag's word, a note under it
    ("fristen er overskredet", "frist om 39 dage") and the latest version in words."""

    state: str
    tag: str
    note: str
    detail: str
    version: int | None

    @property
    def done(self) -> bool:
        """Submitted or approved: nothing for the organisation to do now."""
        return self.state in (INDSENDT, GODKENDT)

    @property
    def text(self) -> str:
        """The cell in one line, as the download writes it: "Mangler – fristen er
        overskredet (kladde, version 1)", "Ikke indsendt (frist om 39 dage)",
        "Indsendt, version 1, indsendt 03.05.2018, 3 dage efter fristen"."""
        if self.state == MANGLER:
            return f"{self.tag} – {self.note}" + (f" ({self.detail})" if self.detail else "")
        if self.state == IKKE_INDSENDT:
            return f"{self.tag} ({self.note})" + (f", {self.detail}" if self.detail else "")
        return f"{self.tag}, {self.detail}" if self.detail else self.tag


def _submitted(
    version: int | None, submitted: datetime | None, frist: date, *, waiting: bool
) -> str:
    """ "version 2, indsendt 03.05.2018", and while it waits for the secretariat how late
    it came (", 3 dage efter fristen"); once approved the date alone tells."""
    words = f"version {version}" if version else ""
    if submitted is None:
        return words
    words += f", indsendt {danish_date(submitted)}"
    late = (_danish_day(submitted) - frist).days  # the day shown, against the deadline
    if waiting and late > 0:
        words += f", {_days(late)} efter fristen"
    return words


def delivery(row: dict[str, Any], frist: date, today: date) -> Delivery:
    """A row of :func:`backend.submissions.workflow.status_overview` in words."""
    latest = row.get("seneste") or row["status"]
    version = row.get("version")
    if latest in (SubmissionStatus.GODKENDT, SubmissionStatus.INDSENDT):
        state = GODKENDT if latest == SubmissionStatus.GODKENDT else INDSENDT
        words = _submitted(version, row.get("indsendt"), frist, waiting=state == INDSENDT)
        return Delivery(state, TAGS[state], "", words, version)
    if latest == SubmissionStatus.KLADDE:
        detail = f"kladde, version {version}"
    elif latest == SubmissionStatus.AFVIST:
        detail = f"version {version} er afvist"
    else:
        detail = ""
    if today > frist:
        return Delivery(MANGLER, TAGS[MANGLER], "fristen er overskredet", detail, version)
    return Delivery(
        IKKE_INDSENDT, TAGS[IKKE_INDSENDT], until_deadline(frist, today), detail, version
    )
