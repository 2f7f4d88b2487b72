"""Platform-wide catalogue tables: not tenant-owned, readable by every principal."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base

ORGANISATION_TYPES = ("kommune", "region", "sekretariat")


class Rammeaftale(Base):
    __tablename__ = "rammeaftale"

    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(sa.String(50), unique=True)
    navn: Mapped[str] = mapped_column(sa.String(200))
    region_kode: Mapped[str] = mapped_column(sa.String(10))
    dst_omraade: Mapped[str | None] = mapped_column(sa.String(10))

    organisations: Mapped[list[Organisation]] = relationship(back_populates="rammeaftale")
    maalgrupper: Mapped[list[Maalgruppe]] = relationship(
        back_populates="rammeaftale", order_by="Maalgruppe.sortering"
    )


class Organisation(Base):
    """A tenant: a municipality (by kommunekode), a region, or a secretariat."""

    __tablename__ = "organisation"
    __table_args__ = (sa.CheckConstraint(f"type IN {ORGANISATION_TYPES!r}", name="type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(sa.String(50), unique=True)
    navn: Mapped[str] = mapped_column(sa.String(200))
    type: Mapped[str] = mapped_column(sa.String(20))
    dst_omraade: Mapped[str | None] = mapped_column(sa.String(10))
    rammeaftale_id: Mapped[int] = mapped_column(sa.ForeignKey("rammeaftale.id"), index=True)

    rammeaftale: Mapped[Rammeaftale] = relationship(back_populates="organisations")
    aliases: Mapped[list[OrganisationAlias]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )


class OrganisationAlias(Base):
    """Other spellings of an organisation's name in source documents; ``alias_key`` is the
    name folded with `backend.organisations.aliases.fold_municipality_name`."""

    __tablename__ = "organisation_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(sa.String(200))
    alias_key: Mapped[str] = mapped_column(sa.String(200), unique=True)

    organisation: Mapped[Organisation] = relationship(back_populates="aliases")


class Maalgruppe(Base):
    __tablename__ = "maalgruppe"
    __table_args__ = (sa.UniqueConstraint("rammeaftale_id", "kode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rammeaftale_id: Mapped[int] = mapped_column(sa.ForeignKey("rammeaftale.id"))
    kode: Mapped[str] = mapped_column(sa.String(50))
    navn: Mapped[str] = mapped_column(sa.String(200))
    aldersgruppe: Mapped[str] = mapped_column(sa.String(10))
    tilbudstyper: Mapped[str] = mapped_column(sa.String(100))  # comma separated codes
    sortering: Mapped[int] = mapped_column(sa.Integer)

    rammeaftale: Mapped[Rammeaftale] = relationship(back_populates="maalgrupper")

    @property
    def tilbudstype_koder(self) -> list[str]:
        return self.tilbudstyper.split(",")
