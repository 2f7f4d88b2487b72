"""Every table that carries an ``org_id`` is a tenant table, and so under forced RLS.

The PostgreSQL side (tests/backend/db/test_rls.py::test_every_tenant_table_has_forced_rls)
reads pg_class after the migrations; this check needs no server: a model that adds an
``org_id`` column without declaring itself tenant-owned (and so without an RLS policy in
its migration) fails here on every run.
"""

from __future__ import annotations

import backend.models  # noqa: F401  (every domain's models registered)
from backend.db.base import Base, tenant_owned_tables


def test_every_table_with_an_org_id_is_declared_tenant_owned() -> None:
    with_org = {t.name for t in Base.metadata.sorted_tables if "org_id" in t.c}
    assert with_org == set(tenant_owned_tables())
    assert {"audit_log", "offer", "submission", "submission_file"} <= with_org
