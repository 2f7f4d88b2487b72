"""The request context: the authenticated principal of a request (or CLI command) and the
request id, in context variables.

Core, below every domain: the audit log reads who acts from here, and auth (which
authenticates and builds the :class:`Principal`) builds on it. The tenant scope has its own
context variable in :mod:`backend.db.tenancy`.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    email: str
    role: str
    org_id: int
    org_kode: str
    org_type: str
    rammeaftale_id: int
    token_id: int | None = None


_current: ContextVar[Principal | None] = ContextVar("rammetal_principal", default=None)
_request_id: ContextVar[str | None] = ContextVar("rammetal_request_id", default=None)


def current_principal() -> Principal | None:
    return _current.get()


def set_principal(principal: Principal | None) -> object:
    return _current.set(principal)


def reset_principal(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def current_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> object:
    return _request_id.set(value)


def reset_request_id(token: object) -> None:
    _request_id.reset(token)  # type: ignore[arg-type]
