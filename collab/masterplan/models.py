from __future__ import annotations

import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.core.db import TimestampMixin
from collab.extensions import db
from collab.orgs.models import Organisation


class DimensionCode(enum.StrEnum):
    governance = "governance"
    branding = "branding"
    economy = "economy"
    living = "living"
    society = "society"
    environment = "environment"

    @property
    def label(self):
        return DIMENSION_LABELS[self]


DIMENSION_LABELS = {
    DimensionCode.governance: _l("Smart Governance"),
    DimensionCode.branding: _l("Smart Branding"),
    DimensionCode.economy: _l("Smart Economy"),
    DimensionCode.living: _l("Smart Living"),
    DimensionCode.society: _l("Smart Society"),
    DimensionCode.environment: _l("Smart Environment"),
}


class Masterplan(TimestampMixin, db.Model):
    __tablename__ = "masterplan"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    start_year: Mapped[int]
    end_year: Mapped[int]
    legal_basis: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)

    dimensions: Mapped[list[Dimension]] = relationship(
        back_populates="masterplan", order_by="Dimension.position", cascade="all, delete-orphan")

    __table_args__ = (db.CheckConstraint("end_year >= start_year", name="years_ordered"),)

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Dimension(db.Model):
    __tablename__ = "dimension"

    id: Mapped[int] = mapped_column(primary_key=True)
    masterplan_id: Mapped[int] = mapped_column(ForeignKey("masterplan.id", ondelete="CASCADE"), index=True)
    code: Mapped[DimensionCode] = mapped_column(Enum(DimensionCode, native_enum=False, length=20))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    masterplan: Mapped[Masterplan] = relationship(back_populates="dimensions")
    items: Mapped[list[MasterplanItem]] = relationship(
        back_populates="dimension", order_by="(MasterplanItem.year, MasterplanItem.id)")

    __table_args__ = (db.UniqueConstraint("masterplan_id", "code"),)

    @property
    def label(self):
        return self.code.label

    def __str__(self) -> str:
        return str(self.code.label)


class ItemKind(enum.StrEnum):
    programme = "programme"
    innovation = "innovation"

    @property
    def label(self):
        return {ItemKind.programme: _l("Programme"), ItemKind.innovation: _l("Innovation")}[self]


class MasterplanItem(TimestampMixin, db.Model):
    """A planned programme or innovation of one dimension in one year. Realised when
    `realised_on` is set; realisation figures are counted from these rows."""

    __tablename__ = "masterplan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimension.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[ItemKind] = mapped_column(Enum(ItemKind, native_enum=False, length=20), default=ItemKind.programme)
    lead_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    realised_on: Mapped[date | None]
    realisation_note: Mapped[str] = mapped_column(Text, default="")
    # the council proposal this item came from (set only by create_item_from_proposal); one item per
    # proposal. No foreign key: SQLite cannot add one to an existing table without rebuilding it
    # (which would cascade into programme_item); proposals are never deleted.
    proposal_id: Mapped[int | None] = mapped_column(index=True, unique=True)

    dimension: Mapped[Dimension] = relationship(back_populates="items")
    lead_organisation: Mapped[Organisation | None] = relationship()

    @property
    def realised(self) -> bool:
        return self.realised_on is not None

    @property
    def dimension_code(self) -> DimensionCode:
        return self.dimension.code
