"""Offers and their yearly values (normering, covered by the agreement).

An offer's identity and descriptive fields live in ``offer``; what changes from year to
year (the normering it is dimensioned for, whether it is covered by the agreement) lives
in ``offer_year``, one row per year, so table E for any year reads that year's values.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base, TenantOwned, UtcDateTime, new_id, utcnow
from backend.offers.states import TILBUDSTYPER
from backend.organisations.models import Organisation


class Offer(TenantOwned, Base):
    __tablename__ = "offer"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(f"tilbudstype IN {TILBUDSTYPER!r}", name="tilbudstype"),
        sa.CheckConstraint(
            "gyldig_til IS NULL OR gyldig_fra IS NULL OR gyldig_til >= gyldig_fra", name="gyldighed"
        ),
        sa.UniqueConstraint("org_id", "navn", "maalgruppe", "tilbudstype"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    navn: Mapped[str] = mapped_column(sa.String(300))
    tilbudsportalen_id: Mapped[str | None] = mapped_column(sa.String(50))
    maalgruppe: Mapped[str] = mapped_column(sa.String(50))
    tilbudstype: Mapped[str] = mapped_column(sa.String(10))
    sel_paragraf: Mapped[str | None] = mapped_column(sa.String(30))
    gyldig_fra: Mapped[date | None] = mapped_column(sa.Date)
    gyldig_til: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    years: Mapped[list[OfferYear]] = relationship(
        back_populates="offer",
        cascade="all, delete-orphan",
        order_by="OfferYear.aar",
        lazy="selectin",
        overlaps="offer",
    )

    organisation: Mapped[Organisation] = relationship(lazy="joined", viewonly=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def org_kode(self) -> str:
        return self.organisation.kode


class OfferYear(TenantOwned, Base):
    __tablename__ = "offer_year"
    __audited__ = True
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["org_id", "offer_id"], ["offer.org_id", "offer.id"], ondelete="CASCADE"
        ),
        sa.CheckConstraint("normering >= 0", name="normering_ikke_negativ"),
        sa.CheckConstraint("aar BETWEEN 2000 AND 2100", name="aar"),
    )

    offer_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    aar: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    normering: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    omfattet: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    offer: Mapped[Offer] = relationship(back_populates="years", overlaps="years")
