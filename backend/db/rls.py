"""PostgreSQL row-level security: policies, the scope function and the application role.

Every tenant-owned table gets RLS enabled *and forced* (so even the owner is filtered
when it is not a superuser) with one policy comparing ``org_id`` with the transaction's
``app.org_ids`` setting. The setting is read once per statement through a scalar
sub-select of :data:`SCOPE_FUNCTION` (an InitPlan), not once per row. A missing or empty
setting yields NULL, which matches no row.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

SCOPE_FUNCTION = "rammetal_org_ids"
POLICY_NAME = "tenant_isolation"

CREATE_SCOPE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {SCOPE_FUNCTION}() RETURNS integer[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT string_to_array(NULLIF(current_setting('app.org_ids', true), ''), ',')::integer[]
$$
"""
DROP_SCOPE_FUNCTION = f"DROP FUNCTION IF EXISTS {SCOPE_FUNCTION}()"

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def enable_statements(table: str) -> list[str]:
    """Statements that put a tenant-owned table under forced RLS."""
    t = _ident(table)
    predicate = f"org_id = ANY ((SELECT {SCOPE_FUNCTION}())::integer[])"
    return [
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {POLICY_NAME} ON {t} USING ({predicate}) WITH CHECK ({predicate})",
    ]


def disable_statements(table: str) -> list[str]:
    t = _ident(table)
    return [
        f"DROP POLICY IF EXISTS {POLICY_NAME} ON {t}",
        f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY",
    ]


def enable(bind: sa.Connection, table: str) -> None:
    """Used by migrations; a no-op on SQLite."""
    if bind.dialect.name == "postgresql":
        for stmt in enable_statements(table):
            bind.exec_driver_sql(stmt)


def disable(bind: sa.Connection, table: str) -> None:
    if bind.dialect.name == "postgresql":
        for stmt in disable_statements(table):
            bind.exec_driver_sql(stmt)


# Tables whose rows are history: the application role may add to them, never change them.
APPEND_ONLY_TABLES = ("audit_log",)


def app_role_statements(role: str, password: str | None, database: str) -> list[str]:
    """Create (or update) the application's login role and grant it what it needs.

    The role is neither superuser, table owner nor BYPASSRLS: it is subject to RLS.
    Must be run by the owner of the tables (the role migrations run as) or a superuser.
    """
    r = _ident(role)
    pw = "NULL" if password is None else "'" + password.replace("'", "''") + "'"
    append_only = ", ".join(APPEND_ONLY_TABLES)
    return [
        f"""DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{r}') THEN
    CREATE ROLE {r} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD {pw};
  ELSE
    -- Only a superuser may mention SUPERUSER/BYPASSRLS in ALTER ROLE: check instead.
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{r}' AND (rolsuper OR rolbypassrls)) THEN
      RAISE EXCEPTION 'role {r} is superuser or BYPASSRLS: row-level security would not apply';
    END IF;
    ALTER ROLE {r} LOGIN PASSWORD {pw};
  END IF;
END $$""",
        f'GRANT CONNECT ON DATABASE "{database}" TO {r}',
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"REVOKE UPDATE, DELETE ON {append_only} FROM {r}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        # tables that later migrations create (as the same owner) are granted too
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {r}",
        f"GRANT EXECUTE ON FUNCTION {SCOPE_FUNCTION}() TO {r}",
    ]
