"""The domain exceptions services raise: a failure the client caused, in Danish.

No Flask here: services and the CLI import this module; the HTTP layer
(:mod:`backend.http.problems`) turns a :class:`DomainError` into problem+json with its
``status`` and ``code``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Raised by services for a failure the client caused; becomes problem+json."""

    status = 400
    code: str | None = None

    def __init__(
        self, detail: str, *, code: str | None = None, errors: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.code
        self.errors = errors


class Invalid(DomainError):
    status = 422
    code = "ugyldige_data"


class NotFound(DomainError):
    status = 404
    code = "findes_ikke"


class Conflict(DomainError):
    status = 409
    code = "konflikt"


class PreconditionFailed(DomainError):
    status = 412
    code = "foraeldet_version"


class PreconditionRequired(DomainError):
    status = 428
    code = "mangler_if_match"


class Forbidden(DomainError):
    status = 403
    code = "ingen_adgang"


class RequestTimeout(DomainError):
    """A request ran into the server's time limit (raised from the worker's timer)."""

    status = 503
    code = "tidsgraense_overskredet"

    def __init__(self) -> None:
        super().__init__(
            "Anmodningen tog for lang tid og blev afbrudt; intet blev gemt. Prøv igen, "
            "eller del en stor fil op i mindre filer."
        )


_JSON_MESSAGES = {
    "Expecting value": "der mangler en værdi",
    "Expecting ',' delimiter": "der mangler et komma",
    "Expecting ':' delimiter": "der mangler et kolon",
    "Expecting property name enclosed in double quotes": (
        "der mangler et feltnavn i dobbelte anførselstegn"
    ),
    "Unterminated string starting at": "en tekst er ikke afsluttet med anførselstegn",
    "Invalid control character at": "en tekst indeholder et kontroltegn",
    "Invalid \\escape": "en tekst indeholder en ugyldig escape-sekvens",
    "Invalid \\uXXXX escape": "en tekst indeholder en ugyldig \\u-sekvens",
    "Extra data": "der er mere indhold efter JSON-dokumentet",
    "Illegal trailing comma before end of object": "et objekt slutter med et komma",
    "Illegal trailing comma before end of array": "en liste slutter med et komma",
}


def json_error_text(exc: Any, subject: str = "Anmodningens indhold") -> str:
    """A Danish sentence for a :class:`json.JSONDecodeError`, with line and column."""
    reason = _JSON_MESSAGES.get(getattr(exc, "msg", ""), "indholdet kan ikke læses")
    return (
        f"{subject} er ikke gyldig JSON: {reason} "
        f"(linje {getattr(exc, 'lineno', 1)}, tegn {getattr(exc, 'colno', 1)})."
    )
