from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from collab.core.db import TimestampMixin
from collab.extensions import db


class OrgKind(enum.StrEnum):
    opd = "opd"
    partner = "partner"
    council = "council"
    secretariat = "secretariat"

    @property
    def label(self):
        return ORG_KIND_LABELS[self]


class PartnerType(enum.StrEnum):
    community_forum = "community_forum"
    csr_forum = "csr_forum"
    zakat_agency = "zakat_agency"
    state_enterprise = "state_enterprise"
    police = "police"
    university = "university"
    ngo = "ngo"
    business = "business"
    other = "other"

    @property
    def label(self):
        return PARTNER_TYPE_LABELS[self]


ORG_KIND_LABELS = {
    OrgKind.opd: _l("City agency (OPD)"),
    OrgKind.partner: _l("Partner"),
    OrgKind.council: _l("Smart City Council"),
    OrgKind.secretariat: _l("Secretariat"),
}
PARTNER_TYPE_LABELS = {
    PartnerType.community_forum: _l("Community forum"),
    PartnerType.csr_forum: _l("CSR forum"),
    PartnerType.zakat_agency: _l("Zakat agency"),
    PartnerType.state_enterprise: _l("State enterprise"),
    PartnerType.police: _l("Police"),
    PartnerType.university: _l("University"),
    PartnerType.ngo: _l("Non-governmental organisation"),
    PartnerType.business: _l("Business"),
    PartnerType.other: _l("Other"),
}


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[OrgKind] = mapped_column(Enum(OrgKind, native_enum=False, length=20), index=True)
    partner_type: Mapped[PartnerType | None] = mapped_column(Enum(PartnerType, native_enum=False, length=30))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.short_name
