from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.areas.models import Area, AreaLevel
from collab.core.db import TimestampMixin, utcnow
from collab.extensions import db
from collab.orgs.models import Organisation


class Role(enum.StrEnum):
    admin = "admin"
    rt_rw_head = "rt_rw_head"
    opd_officer = "opd_officer"
    partner_rep = "partner_rep"
    council_member = "council_member"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.admin: _l("Secretariat admin"),
    Role.rt_rw_head: _l("RT/RW head"),
    Role.opd_officer: _l("OPD officer"),
    Role.partner_rep: _l("Partner representative"),
    Role.council_member: _l("Council member"),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(TimestampMixin, db.Model):
    """A person. Flask-Login identifies the session by `session_token` (the alternative id), so
    rotating it on logout, password change or deactivation ends every copy of the cookie."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    phone: Mapped[str | None] = mapped_column(String(30), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    locale: Mapped[str | None] = mapped_column(String(5))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    last_login_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    terms: Mapped[list[OfficeTerm]] = relationship(
        back_populates="user", order_by="OfficeTerm.started_on.desc()", foreign_keys="OfficeTerm.user_id")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    @property
    def roles(self) -> set[Role]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles

    @property
    def activated(self) -> bool:
        return self.password_hash is not None

    @property
    def current_term(self) -> OfficeTerm | None:
        return next((t for t in self.terms if t.ended_on is None), None)

    @property
    def office(self) -> Area | None:
        """The RT/RW this person currently heads, if any."""
        term = self.current_term
        return term.area if term else None

    def __str__(self) -> str:
        return self.name


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20), primary_key=True)


class OfficeTerm(db.Model):
    """A term of an RT or RW head. An office has at most one open term (ended_on IS NULL):
    a partial unique index, not only code."""

    __tablename__ = "office_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    area: Mapped[Area] = relationship()
    user: Mapped[User] = relationship(back_populates="terms", foreign_keys=[user_id])

    __table_args__ = (
        db.Index("uq_office_term_open", "area_id", unique=True,
                 sqlite_where=db.text("ended_on IS NULL"), postgresql_where=db.text("ended_on IS NULL")),
    )

    @property
    def active(self) -> bool:
        return self.ended_on is None


class TokenPurpose(enum.StrEnum):
    activation = "activation"
    reset = "reset"


class OneTimeToken(db.Model):
    """A one-time link (activation or password reset). Only the SHA-256 of the token is kept."""

    __tablename__ = "one_time_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(Enum(TokenPurpose, native_enum=False, length=20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """A personal API token (Bearer). Only the SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def rt_rw_offices_query():
    return select(Area).where(Area.level.in_([AreaLevel.rt, AreaLevel.rw]))
