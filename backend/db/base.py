"""Declarative base with a constraint naming convention, and the tenant-owned mixin."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both PostgreSQL and SQLite (which drops tzinfo)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class TenantOwned:
    """Mixin for every table whose rows belong to one organisation.

    ``org_id`` leads the primary key, and foreign keys between tenant-owned tables are
    composite ``(org_id, id)``: a row can never point at another tenant's row, RLS cannot
    be sidestepped through a foreign key, and the schema can be distributed by ``org_id``.
    The ORM hook in :mod:`backend.db.tenancy` filters and stamps ``org_id``; PostgreSQL
    row-level security (see :mod:`backend.db.rls`) enforces it again in the database.
    """

    __tenant_owned__ = True

    @declared_attr
    def org_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr takes the class
        return mapped_column(
            sa.ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True, sort_order=-10
        )


def json_value(value: object) -> object:
    """A column value as JSON: Decimal and UUID as text (exact), dates ISO 8601."""
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def tenant_owned_tables(metadata: sa.MetaData | None = None) -> list[str]:
    """Names of the tables that carry ``org_id`` and are protected by RLS."""
    tables = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if getattr(cls, "__tenant_owned__", False) and getattr(cls, "__table__", None) is not None:
            tables.append(cls.__table__.name)
    return sorted(set(tables))
