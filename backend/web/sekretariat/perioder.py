"""The forms of the secretariat's period pages (``/sekretariat/perioder``).

A form is read into the API's own schemas (:class:`PeriodCreateSchema`,
:class:`PeriodUpdateSchema`), their messages translated as the API translates them, and
the service's refusals (the quarter rule, a duplicate, a stale version) are shown the same
way: a page and ``/api/v1/periods`` give the same Danish errors. Nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from backend.errors import DomainError
from backend.http.problems import field_errors
from backend.periods.models import QUARTERLY_STREAMS, STREAM_LABELS, STREAMS
from backend.periods.states import PeriodStatus

#: The form's fields, their labels (the error summary names them) and the element the
#: summary's link moves focus to.
LABELS = {
    "stream": "Datastrøm",
    "aar": "År",
    "kvartal": "Kvartal",
    "frist": "Frist",
    "status": "Status",
}
TARGETS = {"status": "status-aaben"}
CREATE_FIELDS = ("stream", "aar", "kvartal", "frist")
UPDATE_FIELDS = ("frist", "status")
#: A date as a person types it where the browser shows no date picker: 30.04.2027.
_DANISH_DATE = re.compile(r"(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})")


@dataclass
class PeriodForm:
    """What the user typed, and the errors: per field (beside it) and in order (the
    summary at the top, each a link to its field)."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    summary: list[tuple[str | None, str]] = field(default_factory=list)

    def add(self, name: str | None, message: str) -> None:
        if name in LABELS:
            self.errors.setdefault(name, message)
            self.summary.append((TARGETS.get(name, name), f"{LABELS[name]}: {message}"))
        else:
            self.summary.append((None, message))

    def refused(self, exc: DomainError) -> None:
        """A service's refusal: its field errors, or its text."""
        if exc.errors:
            for error in exc.errors:
                self.add(error.get("field"), str(error.get("message") or exc.detail))
        else:
            self.add(None, exc.detail)


def read(form: MultiDict[str, str], names: tuple[str, ...]) -> PeriodForm:
    return PeriodForm({name: (form.get(name) or "").strip() for name in names})


def _iso_date(text: str) -> str:
    """30.04.2027 → 2027-04-30 (what a date field sends stays as it is)."""
    match = _DANISH_DATE.fullmatch(text)
    if not match:
        return text
    day, month, year = (int(x) for x in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return text  # the schema says it is not a date


def load(schema: Schema, form: PeriodForm, *, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The form through ``schema`` (blank fields left out, so a required one is reported
    missing); the errors are added to ``form`` in the API's Danish."""
    data: dict[str, Any] = {k: v for k, v in form.values.items() if v != ""}
    if "frist" in data:
        data["frist"] = _iso_date(data["frist"])
    messages: dict[str, Any] = {}
    try:
        loaded: dict[str, Any] = schema.load(data)
    except ValidationError as exc:
        messages = dict(exc.messages) if isinstance(exc.messages, dict) else {}
        loaded = {}
    for name in required:  # the update schema's fields are optional; the page's are not
        if name not in data:
            messages.setdefault(name, ["Missing data for required field."])
    for error in field_errors(messages, "form"):
        form.add(error["field"], error["message"])
    return loaded


def stream_options() -> list[tuple[str, str]]:
    return [
        (s, STREAM_LABELS[s] + (" (pr. kvartal)" if s in QUARTERLY_STREAMS else ""))
        for s in sorted(STREAMS, key=lambda s: STREAM_LABELS[s])
    ]


def quarter_options() -> list[tuple[str, str]]:
    return [("", "Hele året"), *((str(q), f"{q}. kvartal") for q in range(1, 5))]


def status_options() -> list[tuple[str, str, str]]:
    return [
        (
            PeriodStatus.AABEN,
            PeriodStatus.AABEN.label,
            "Organisationerne kan indlæse og indsende filer til perioden.",
        ),
        (
            PeriodStatus.LUKKET,
            PeriodStatus.LUKKET.label,
            "Der kan ikke indlæses eller indsendes mere. Indsendte versioner kan stadig "
            "godkendes eller afvises.",
        ),
    ]
