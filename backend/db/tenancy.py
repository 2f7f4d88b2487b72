"""Tenant scope of the current unit of work, and the ORM hooks that enforce it.

The scope is resolved from the principal once per request (or set explicitly by a CLI
command) and kept in a context variable. Every ORM statement that touches a tenant-owned
model gets ``org_id IN (readable)`` added; every flushed tenant-owned row must belong to a
writable organisation. With no scope, touching a tenant-owned model raises: forgetting
the scope is a bug, not an empty result.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import visitors

from backend.db.base import TenantOwned, tenant_owned_tables


class TenantScopeMissing(RuntimeError):
    """A tenant-owned model was queried or flushed with no tenant in scope."""


class TenantViolation(PermissionError):
    """A row of an organisation outside the writable scope was about to be written."""


@dataclass(frozen=True)
class TenantScope:
    """Which organisations the current unit of work may read and write.

    ``org_id`` is the acting organisation (stamped on new rows); a reporter reads and
    writes its own organisation only; the secretariat reads (and, for workflow steps,
    writes) every organisation of its rammeaftale. Never built from client input.
    """

    org_id: int | None
    readable: frozenset[int]
    writable: frozenset[int]

    @classmethod
    def single(cls, org_id: int) -> TenantScope:
        return cls(org_id, frozenset({org_id}), frozenset({org_id}))

    @classmethod
    def many(cls, org_id: int | None, org_ids: Iterable[int]) -> TenantScope:
        ids = frozenset(org_ids)
        return cls(org_id, ids, ids)

    @classmethod
    def nothing(cls) -> TenantScope:
        """A scope that matches no tenant rows (viewers of raw data, platform admins)."""
        return cls(None, frozenset(), frozenset())

    @property
    def acting_org(self) -> int:
        """The acting organisation; a scope without one cannot write (or stamp) rows."""
        if self.org_id is None:
            raise TenantViolation("no acting organisation in this scope")
        return self.org_id

    def as_setting(self) -> str:
        """The value of the PostgreSQL setting ``app.org_ids`` (comma separated)."""
        return ",".join(str(i) for i in sorted(self.readable))


_current: ContextVar[TenantScope | None] = ContextVar("rammetal_tenant_scope", default=None)


def current_scope() -> TenantScope | None:
    return _current.get()


def require_scope() -> TenantScope:
    scope = _current.get()
    if scope is None:
        raise TenantScopeMissing("no tenant in scope for a tenant-owned model")
    return scope


@contextlib.contextmanager
def tenant_scope(scope: TenantScope) -> Iterator[TenantScope]:
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def set_scope(scope: TenantScope | None) -> object:
    """Set the scope for a request; returns a token for :func:`reset_scope`."""
    return _current.set(scope)


def reset_scope(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def _is_tenant_owned(cls: type) -> bool:
    return isinstance(cls, type) and issubclass(cls, TenantOwned)


@functools.cache
def _tenant_table_names() -> frozenset[str]:
    return frozenset(tenant_owned_tables())  # the mappers are all configured by first use


def _touches_tenant_table(statement: object) -> bool:
    names = _tenant_table_names()
    for element in visitors.iterate(statement):  # type: ignore[arg-type]
        if isinstance(element, sa.Table) and element.name in names:
            return True
    return False


#: Execution option set on every statement the session's hook has seen, so the
#: connection-level hook (below) does not add the criteria a second time.
_SCOPED_BY_SESSION = "rammetal_tenant_scoped"


#: Execution option of statements built once and reused (module-level, cached): their
#: scoped variant is kept per scope, so SQLAlchemy's cache key of the whole statement is
#: computed once per scope instead of on every execution (perf/README.md).
PREBUILT = "rammetal_prebuilt"


def _criteria(statement: Any, readable: tuple[int, ...]) -> Any:
    return statement.options(
        with_loader_criteria(
            TenantOwned, lambda cls: cls.org_id.in_(readable), include_aliases=True
        )
    )


_prebuilt_criteria = functools.lru_cache(maxsize=1024)(_criteria)


def _with_tenant_criteria(statement: Any) -> Any:
    """``statement`` with ``org_id IN (readable)`` wherever a tenant-owned entity appears
    (top level, subqueries, CTEs, joins); with no scope, touching a tenant table raises."""
    scope = current_scope()
    if scope is None:
        if _touches_tenant_table(statement):
            raise TenantScopeMissing("no tenant in scope for a statement on a tenant-owned table")
        return statement
    readable = tuple(sorted(scope.readable))
    if statement.get_execution_options().get(PREBUILT):
        return _prebuilt_criteria(statement, readable)
    return _criteria(statement, readable)


@event.listens_for(Session, "do_orm_execute")
def _add_tenant_criteria(state: ORMExecuteState) -> None:
    state.update_execution_options(**{_SCOPED_BY_SESSION: True})
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria of the parent statement propagate to these loads
    state.statement = _with_tenant_criteria(state.statement)


def _add_tenant_criteria_on_connection(
    conn: sa.Connection,
    clauseelement: Any,
    multiparams: Any,
    params: Any,
    execution_options: Any,
) -> tuple[Any, Any, Any]:
    """The same criteria for ORM-enabled statements run on a connection rather than
    through the session (which reads rows without the ORM's per-row handling)."""
    if (
        execution_options.get(_SCOPED_BY_SESSION)
        or not isinstance(clauseelement, (sa.Select, sa.Update, sa.Delete))
        or clauseelement._propagate_attrs.get("compile_state_plugin") != "orm"
    ):
        return clauseelement, multiparams, params
    return _with_tenant_criteria(clauseelement), multiparams, params


def scope_connection_statements(engine: sa.Engine) -> None:
    """Give ORM-enabled statements executed on ``engine``'s connections the tenant criteria."""
    event.listen(engine, "before_execute", _add_tenant_criteria_on_connection, retval=True)


@event.listens_for(Session, "before_flush")
def _check_tenant_rows(session: Session, flush_context: object, instances: object) -> None:
    touched = [
        o for o in (*session.new, *session.dirty, *session.deleted) if _is_tenant_owned(type(o))
    ]
    if not touched:
        return
    scope = require_scope()
    for obj in touched:
        if obj in session.new and obj.org_id is None:
            obj.org_id = scope.acting_org
        if obj.org_id not in scope.writable:
            raise TenantViolation(
                f"{type(obj).__name__} of organisation {obj.org_id} is outside the writable scope"
            )
