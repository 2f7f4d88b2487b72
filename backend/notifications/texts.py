"""The Danish texts of the mails: a subject and a plain-text body per kind.

Each text names one organisation, the recipient's own, and one period of one data
stream; nothing about another organisation is ever put in a mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from backend.periods.models import STREAM_LABELS

_MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
_COPENHAGEN = ZoneInfo("Europe/Copenhagen")
SIGNATURE = "Med venlig hilsen\nRammetal – rammeaftalens dataplatform\n\nDenne mail er sendt automatisk; svar ikke på den."


def danish_date(day: date) -> str:
    """``30. april 2025``."""
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"


def danish_time(moment: datetime) -> str:
    """``7. december 2026 kl. 23.56`` (Danish time)."""
    local = moment.astimezone(_COPENHAGEN)
    return f"{danish_date(local.date())} kl. {local:%H.%M}"


def genitive(name: str) -> str:
    """``Herning`` → ``Hernings``; a name ending in s, x or z takes an apostrophe."""
    return name + ("'" if name[-1:].lower() in "sxz" else "s")


@dataclass(frozen=True)
class About:
    """What a mail is about: one organisation's reporting of one period of one stream."""

    organisation: str  # the organisation's name
    stream: str
    aar: int
    kvartal: int  # 0: the whole year
    frist: date
    version: int | None = None

    @property
    def period(self) -> str:
        """``regnskab 2024`` or ``belægning 2017, 1. kvartal`` (inside a sentence)."""
        quarter = f", {self.kvartal}. kvartal" if self.kvartal else ""
        return f"{STREAM_LABELS.get(self.stream, self.stream).lower()} {self.aar}{quarter}"

    @property
    def what(self) -> str:
        version = f" (version {self.version})" if self.version else ""
        return f"{genitive(self.organisation)} indberetning af {self.period}{version}"


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def _body(navn: str, *paragraphs: str, link: str | None) -> str:
    parts = [f"Kære {navn}", *paragraphs]
    if link:
        parts.append(f"Se indberetningen i Rammetal: {link}")
    parts.append(SIGNATURE)
    return "\n\n".join(parts) + "\n"


def receipt(navn: str, about: About, at: datetime, *, link: str | None = None) -> Text:
    return Text(
        f"Kvittering: {about.organisation} har indsendt {about.period}",
        _body(
            navn,
            f"Tak. {about.what} blev indsendt til sekretariatet {danish_time(at)}.",
            "Sekretariatet gennemgår indberetningen og godkender eller afviser den. "
            "Du får en mail, når det er sket.",
            link=link,
        ),
    )


def approved(navn: str, about: About, kommentar: str | None, *, link: str | None = None) -> Text:
    paragraphs = [f"Sekretariatet har godkendt {about.what}. Du skal ikke gøre mere."]
    if kommentar and kommentar.strip():
        paragraphs.append(f"Sekretariatets kommentar:\n{kommentar.strip()}")
    return Text(
        f"Godkendt: {genitive(about.organisation)} indberetning af {about.period}",
        _body(navn, *paragraphs, link=link),
    )


def rejected(navn: str, about: About, kommentar: str, *, link: str | None = None) -> Text:
    return Text(
        f"Afvist: {genitive(about.organisation)} indberetning af {about.period}",
        _body(
            navn,
            f"Sekretariatet har afvist {about.what}.",
            f"Sekretariatets begrundelse:\n{kommentar.strip()}",
            "Ret tallene, indlæs filen igen som en ny version, og indsend den. "
            f"Fristen er {danish_date(about.frist)}.",
            link=link,
        ),
    )


_OPT_OUT = (
    "Du får denne påmindelse, fordi du indberetter for {org}. Du kan slå påmindelser fra "
    "på siden Indberetning i Rammetal."
)


def reminder_before(navn: str, about: About, today: date, *, link: str | None = None) -> Text:
    days = (about.frist - today).days
    when = "i dag" if days == 0 else ("i morgen" if days == 1 else f"om {days} dage")
    return Text(
        f"Påmindelse: {about.period} skal indberettes senest {danish_date(about.frist)}",
        _body(
            navn,
            f"{about.organisation} har endnu ikke indsendt {about.period}. "
            f"Fristen er {danish_date(about.frist)} ({when}).",
            "Indlæs filen og tryk Indsend, når tallene er kontrolleret.",
            _OPT_OUT.format(org=about.organisation),
            link=link,
        ),
    )


def reminder_after(navn: str, about: About, today: date, *, link: str | None = None) -> Text:
    return Text(
        f"Fristen er overskredet: {about.period} mangler fra {about.organisation}",
        _body(
            navn,
            f"Fristen for {about.period} var {danish_date(about.frist)}, og "
            f"{about.organisation} har endnu ikke indsendt sin indberetning.",
            "Indlæs filen og tryk Indsend så hurtigt som muligt; sekretariatet venter på den.",
            _OPT_OUT.format(org=about.organisation),
            link=link,
        ),
    )
