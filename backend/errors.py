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
