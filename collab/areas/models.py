from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.extensions import db


class AreaLevel(enum.StrEnum):
    kota = "kota"
    kecamatan = "kecamatan"
    kelurahan = "kelurahan"
    rw = "rw"
    rt = "rt"

    @property
    def depth(self) -> int:
        return list(AreaLevel).index(self)

    @property
    def parent_level(self) -> AreaLevel | None:
        return list(AreaLevel)[self.depth - 1] if self.depth else None

    @property
    def label(self):
        return AREA_LEVEL_LABELS[self]


AREA_LEVEL_LABELS = {
    AreaLevel.kota: _l("City"),
    AreaLevel.kecamatan: _l("Kecamatan"),
    AreaLevel.kelurahan: _l("Kelurahan"),
    AreaLevel.rw: _l("RW"),
    AreaLevel.rt: _l("RT"),
}


class Area(db.Model):
    """One node of the tree. `path` holds the ancestors' ids ("/1/4/17/") for subtree queries."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[AreaLevel] = mapped_column(Enum(AreaLevel, native_enum=False, length=12), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    path: Mapped[str] = mapped_column(String(200), default="/", index=True)

    parent: Mapped[Area | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent", order_by="Area.code")

    @property
    def display_name(self) -> str:
        if self.level in (AreaLevel.rt, AreaLevel.rw):
            return f"{self.level.value.upper()} {self.name}"
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]

    def full_name(self) -> str:
        """E.g. "RT 003 / RW 002, Kauman, Prajurit Kulon" (walks the loaded parents)."""
        names, node = [], self
        while node is not None and node.level != AreaLevel.kota:
            names.append(node.display_name)
            node = node.parent
        return ", ".join(names)

    def __str__(self) -> str:
        return self.display_name
