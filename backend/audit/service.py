"""Every mutation of an audited model is written to the audit log at flush time.

Automatic capture (a ``before_flush`` hook) rather than a call in each service: a service
that forgets to audit cannot exist. Events that are not row changes (login, token issued
or revoked) are recorded with :func:`record`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.context import current_principal, current_request_id
from backend.db.base import json_value, new_id
from backend.db.tenancy import acting_as  # its before_flush hook stamps org_id first


def _audited(obj: object) -> bool:
    return bool(getattr(type(obj), "__audited__", False))


def _entity_id(obj: Any) -> str:
    pk = inspect(type(obj)).primary_key
    return "/".join(str(getattr(obj, c.key)) for c in pk if c.key != "org_id")


def snapshot(obj: Any) -> dict[str, Any]:
    """The current column values of a row, JSON-safe (Decimal as text, dates ISO)."""
    mapper = inspect(type(obj))
    return {a.key: json_value(getattr(obj, a.key)) for a in mapper.column_attrs}


def _before(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.deleted:
            out[attr.key] = json_value(hist.deleted[0])
        else:
            out[attr.key] = json_value(getattr(obj, attr.key))
    return out


def _ensure_ids(obj: Any) -> None:
    for col in inspect(type(obj)).primary_key:
        if getattr(obj, col.key, None) is None and isinstance(col.type, sa.Uuid):
            setattr(obj, col.key, new_id())


def _new_entry(
    *,
    org_id: int,
    action: str,
    entity: str,
    entity_id: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    principal = current_principal()
    return AuditEntry(
        id=new_id(),
        org_id=org_id,
        actor_user_id=principal.user_id if principal else None,
        actor=principal.email if principal else "system",
        actor_org_id=principal.org_id if principal else None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
        request_id=current_request_id(),
    )


def _entry(action: str, obj: Any, before: dict | None, after: dict | None) -> AuditEntry:
    return _new_entry(
        org_id=obj.org_id,
        action=action,
        entity=type(obj).__tablename__,
        entity_id=_entity_id(obj),
        before=before,
        after=after,
    )


def record(
    session: Session,
    *,
    org_id: int,
    action: str,
    entity: str,
    entity_id: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record an event that is not a row change of an audited model, in ``org_id``'s
    organisation (the one the event belongs to), whatever the caller's scope.

    The one place an audit entry changes scope: pending work is flushed in the caller's
    scope first, then the entry is written acting as ``org_id`` (also before a principal
    exists, at login, and from the CLI), and the caller's scope is restored.
    """
    entry = _new_entry(
        org_id=org_id, action=action, entity=entity, entity_id=entity_id, before=before, after=after
    )
    session.flush()
    with acting_as(session, org_id):
        session.add(entry)
        session.flush()
    return entry


@event.listens_for(Session, "before_flush")
def _audit_changes(session: Session, flush_context: object, instances: object) -> None:
    entries = []
    for obj in list(session.new):
        if _audited(obj):
            _ensure_ids(obj)
            entries.append(_entry("create", obj, None, snapshot(obj)))
    for obj in list(session.dirty):
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _before(obj), snapshot(obj)
            if before != after:
                entries.append(_entry("update", obj, before, after))
    for obj in list(session.deleted):
        if _audited(obj):
            entries.append(_entry("delete", obj, _before(obj), None))
    session.add_all(entries)
