"""Tenant scope of the current unit of work, and the ORM hooks that enforce it.

The scope is resolved from the principal once per request (or set explicitly by a CLI
command) and kept in a context variable. Every ORM statement that touches a tenant-owned
model gets ``org_id IN (readable)`` added; every flushed tenant-owned row must belong to a
writable organisation. With no scope, touching a tenant-owned model raises: forgetting
the scope is a bug, not an empty result.

Every scope the code uses comes from one of a few named functions here, so a change of
scope can be found with grep:

- :func:`scope_for` -- the scope a principal's role grants (a request);
- :func:`secretariat_scope` -- the secretariat over every organisation of its rammeaftale
  (its requests, and the CLI and demo acting as it);
- :func:`acting_as` -- server-side work for one organisation (an upload, a CLI import, the
  demo, an audit entry, which belongs to the organisation it describes);
- :func:`elevated` -- the one cross-tenant read, with its reason logged.

:func:`scoped` is the primitive they share (tests use it directly).
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import visitors

from backend.context import Principal
from backend.db.base import TenantOwned, tenant_owned_tables
from backend.policy import Reach, reach

log = logging.getLogger(__name__)

#: The PostgreSQL setting the RLS policies read (``backend/db/rls.py``).
ORG_SETTING = "app.org_ids"


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


def secretariat_scope(org_id: int | None, agreement_org_ids: Iterable[int]) -> TenantScope:
    """The secretariat's scope: acting as its own organisation (``org_id``), reading and
    writing every organisation of its rammeaftale (``agreement_org_ids``)."""
    return TenantScope.many(org_id, agreement_org_ids)


def scope_for(principal: Principal, agreement_org_ids: Iterable[int] = ()) -> TenantScope:
    """The tenant scope a role grants. Never derived from anything the client sends.

    reporter, org_admin: their own organisation. secretariat: every organisation of its
    rammeaftale (``agreement_org_ids``, which the caller reads; unused for other roles).
    viewer (DASSOS): no raw tenant rows, only published outputs. admin (platform): no
    tenant rows either; it manages users and tokens.
    """
    granted = reach(principal)
    if granted is Reach.OWN_ORGANISATION:
        return TenantScope.single(principal.org_id)
    if granted is Reach.AGREEMENT:
        return secretariat_scope(principal.org_id, agreement_org_ids)
    return TenantScope(principal.org_id, frozenset(), frozenset())


_SET_CONFIG = sa.text("SELECT set_config(:name, :value, true)")


def set_org_ids(connection: sa.Connection, scope: TenantScope | None) -> None:
    """Set the transaction-local tenant setting that the RLS policies read (PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            _SET_CONFIG, {"name": ORG_SETTING, "value": scope.as_setting() if scope else ""}
        )


def apply_scope(session: Session, scope: TenantScope | None) -> None:
    """Make ``scope`` the tenant scope of the session's current transaction on PostgreSQL
    (the transaction may have begun before the scope was known)."""
    if session.get_bind().dialect.name == "postgresql":  # don't open a transaction elsewhere
        set_org_ids(session.connection(), scope)


@contextlib.contextmanager
def scoped(session: Session, scope: TenantScope) -> Iterator[TenantScope]:
    """Run a block of trusted server-side work in ``scope`` (the primitive of the named
    switches below; services, the CLI and the demo use those)."""
    previous = current_scope()
    with tenant_scope(scope):
        apply_scope(session, scope)
        try:
            yield scope
        finally:
            apply_scope(session, previous)


@contextlib.contextmanager
def acting_as(session: Session, org_id: int) -> Iterator[TenantScope]:
    """Server-side work for one organisation: read and write ``org_id``'s rows only."""
    with scoped(session, TenantScope.single(org_id)) as scope:
        yield scope


@contextlib.contextmanager
def elevated(session: Session, org_ids: Iterable[int], *, reason: str) -> Iterator[TenantScope]:
    """Read the rows of organisations outside the caller's scope, for a stated ``reason``.

    The one sanctioned widening of scope (grep ``elevated(``). Read-only: the scope has no
    acting organisation and writes nothing, so a flush of a tenant row inside raises
    :class:`TenantViolation`. The reason is logged with the organisations read.
    """
    if not reason.strip():
        raise ValueError("elevated() needs a reason")
    scope = TenantScope(None, frozenset(org_ids), frozenset())
    log.info("elevated tenant scope (%s): reading organisations %s", reason, scope.as_setting())
    with scoped(session, scope):
        yield scope


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
