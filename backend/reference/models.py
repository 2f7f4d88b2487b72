"""Reference data the secretariat maintains: population, PL index, structural indicators.

Public statistics, not tenant data: readable by every principal, written by the
secretariat. Nothing is overwritten: every import is kept (with its original file) and
its values point to it; the current value of a key is the one of the latest import that
contains it, so an earlier state can always be reconstructed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, UtcDateTime, utcnow

IMPORT_KINDS = ("befolkning", "pl_indeks", "indikatorer")


class ReferenceImport(Base):
    __tablename__ = "reference_import"
    __table_args__ = (sa.CheckConstraint(f"kind IN {IMPORT_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    kilde: Mapped[str] = mapped_column(sa.String(300))
    file_name: Mapped[str | None] = mapped_column(sa.String(300))
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    rows: Mapped[int] = mapped_column(sa.Integer)
    imported_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PopulationCount(Base):
    """Population on 1 January (FOLK1A quarter 1) per area × year × age band."""

    __tablename__ = "population_count"
    __table_args__ = (
        sa.UniqueConstraint("import_id", "omraade_kode", "aar", "aldersgruppe"),
        sa.Index("ix_population_count_key", "omraade_kode", "aar", "aldersgruppe"),
        sa.CheckConstraint("antal >= 0", name="antal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("reference_import.id"))
    omraade_kode: Mapped[str] = mapped_column(sa.String(10))
    aar: Mapped[int] = mapped_column(sa.Integer)
    kvartal: Mapped[int | None] = mapped_column(sa.Integer)
    aldersgruppe: Mapped[str] = mapped_column(sa.String(10))
    antal: Mapped[int] = mapped_column(sa.BigInteger)


class PlIndexValue(Base):
    __tablename__ = "pl_index_value"
    __table_args__ = (sa.UniqueConstraint("import_id", "aar"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("reference_import.id"))
    aar: Mapped[int] = mapped_column(sa.Integer)
    indeks: Mapped[Decimal] = mapped_column(sa.Numeric(14, 6))


class IndicatorDefinition(Base):
    __tablename__ = "indicator_definition"
    __table_args__ = (sa.UniqueConstraint("import_id", "kode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("reference_import.id"))
    kode: Mapped[str] = mapped_column(sa.String(100))
    navn: Mapped[str] = mapped_column(sa.String(300))
    definition: Mapped[str] = mapped_column(sa.Text)
    enhed: Mapped[str] = mapped_column(sa.String(100))
    kilde: Mapped[str] = mapped_column(sa.String(300))


class IndicatorValue(Base):
    __tablename__ = "indicator_value"
    __table_args__ = (
        sa.UniqueConstraint("import_id", "omraade_kode", "aar", "indikator"),
        sa.Index("ix_indicator_value_key", "indikator", "aar", "omraade_kode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("reference_import.id"))
    omraade_kode: Mapped[str] = mapped_column(sa.String(10))
    aar: Mapped[int] = mapped_column(sa.Integer)
    indikator: Mapped[str] = mapped_column(sa.String(100))
    vaerdi: Mapped[Decimal | None] = mapped_column(sa.Numeric(24, 8))
