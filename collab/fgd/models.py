"""FGD sessions and their live rooms.

A room's messages carry a per-room `seq` allocated from `FgdSession.last_seq` with an
`UPDATE ... RETURNING` that holds the session row's lock until commit (PostgreSQL) or the
single writer lock (SQLite): seqs become visible in commit order, so a client that asks
for "everything after seq N" never skips a message committed later with a smaller seq.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.accounts.models import User
from collab.core.db import TimestampMixin, utcnow
from collab.extensions import db
from collab.orgs.models import Organisation
from collab.proposals.models import Proposal


def _enum(cls, length=20):
    return Enum(cls, native_enum=False, length=length)


class FgdStatus(enum.StrEnum):
    scheduled = "scheduled"
    live = "live"
    ended = "ended"
    minutes_published = "minutes_published"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    FgdStatus.scheduled: _l("Scheduled"),
    FgdStatus.live: _l("Live"),
    FgdStatus.ended: _l("Ended"),
    FgdStatus.minutes_published: _l("Minutes published"),
}


class Rsvp(enum.StrEnum):
    pending = "pending"
    yes = "yes"
    no = "no"
    maybe = "maybe"

    @property
    def label(self):
        return RSVP_LABELS[self]


RSVP_LABELS = {Rsvp.pending: _l("No answer yet"), Rsvp.yes: _l("Attending"), Rsvp.no: _l("Not attending"),
               Rsvp.maybe: _l("Maybe")}


class InviteVia(enum.StrEnum):
    person = "person"
    role = "role"
    area = "area"


class AttendanceMode(enum.StrEnum):
    in_room = "in_room"
    online = "online"

    @property
    def label(self):
        return _l("In the room") if self is AttendanceMode.in_room else _l("Online")


class FgdSession(TimestampMixin, db.Model):
    __tablename__ = "fgd_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)  # DimensionCode values
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(String(200), default="")
    online: Mapped[bool] = mapped_column(default=True)
    public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[FgdStatus] = mapped_column(_enum(FgdStatus), default=FgdStatus.scheduled, index=True)
    checkin_code: Mapped[str] = mapped_column(String(12))
    last_seq: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    organiser: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    facilitator_rows: Mapped[list[FgdFacilitator]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    # module-qualified: the council also has an AgendaItem class
    agenda: Mapped[list[AgendaItem]] = relationship("collab.fgd.models.AgendaItem",
                                                    order_by="collab.fgd.models.AgendaItem.position",
                                                    cascade="all, delete-orphan", back_populates="session")
    invitations: Mapped[list[Invitation]] = relationship(back_populates="session", cascade="all, delete-orphan")
    minutes: Mapped[Minutes | None] = relationship(back_populates="session", uselist=False,
                                                   cascade="all, delete-orphan")

    @property
    def facilitator_ids(self) -> set[int]:
        return {f.user_id for f in self.facilitator_rows}

    def is_facilitator(self, user) -> bool:
        return user is not None and getattr(user, "id", None) in self.facilitator_ids

    def invitation_for(self, user) -> Invitation | None:
        if user is None or getattr(user, "id", None) is None:
            return None
        return db.session.scalar(db.select(Invitation).where(Invitation.session_id == self.id,
                                                             Invitation.user_id == user.id))

    @property
    def room(self) -> str:
        return f"fgd:{self.id}"

    @property
    def is_open(self) -> bool:
        return self.status == FgdStatus.live

    def __str__(self) -> str:
        return self.topic


class FgdFacilitator(db.Model):
    """Facilitation is a per-session assignment, not a global role."""

    __tablename__ = "fgd_facilitator"

    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)

    user: Mapped[User] = relationship()


class AgendaItem(db.Model):
    __tablename__ = "fgd_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))

    session: Mapped[FgdSession] = relationship(back_populates="agenda")


class Invitation(db.Model):
    """One invited person. Inviting a role or an area is expanded to persons when it happens."""

    __tablename__ = "fgd_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    via: Mapped[InviteVia] = mapped_column(_enum(InviteVia), default=InviteVia.person)
    rsvp: Mapped[Rsvp] = mapped_column(_enum(Rsvp), default=Rsvp.pending)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]

    session: Mapped[FgdSession] = relationship(back_populates="invitations")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("session_id", "user_id"),)


class Attendance(db.Model):
    __tablename__ = "fgd_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    mode: Mapped[AttendanceMode] = mapped_column(_enum(AttendanceMode))
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("session_id", "user_id"),)


class RoomMessage(db.Model):
    """A message of the live room, stored before it is broadcast. `client_key` makes a
    retried send idempotent (a database constraint, not only code)."""

    __tablename__ = "fgd_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"))
    seq: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("fgd_agenda_item.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    client_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(200))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    is_point: Mapped[bool] = mapped_column(default=False)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    agenda_item: Mapped[AgendaItem | None] = relationship("collab.fgd.models.AgendaItem")

    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        UniqueConstraint("session_id", "author_id", "client_key"),
    )


class Mute(db.Model):
    __tablename__ = "fgd_mute"

    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    muted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    muted_at: Mapped[datetime] = mapped_column(default=utcnow)


class HandRaise(db.Model):
    """The raise-hand queue: open rows (neither lowered nor called) in order of raising."""

    __tablename__ = "fgd_hand_raise"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    lowered_at: Mapped[datetime | None]
    called_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class Poll(db.Model):
    __tablename__ = "fgd_poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    options: Mapped[list[PollOption]] = relationship(order_by="PollOption.position", cascade="all, delete-orphan",
                                                     lazy="selectin")


class PollOption(db.Model):
    __tablename__ = "fgd_poll_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("fgd_poll.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))


class PollVote(db.Model):
    """One vote per voter per poll (a database constraint); voting again changes the choice."""

    __tablename__ = "fgd_poll_vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("fgd_poll.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(ForeignKey("fgd_poll_option.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("poll_id", "voter_id"),)


class ActionItem(db.Model):
    """A follow-up agreed in the FGD, often made from a discussion point."""

    __tablename__ = "fgd_action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("fgd_message.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    due_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner_organisation: Mapped[Organisation | None] = relationship()


class Minutes(db.Model):
    """The notulen: Markdown, drafted from the session's records and edited by a facilitator."""

    __tablename__ = "fgd_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]

    session: Mapped[FgdSession] = relationship(back_populates="minutes")


class PointProposal(db.Model):
    """A discussion point that became a draft proposal: the link from the proposal back to its
    FGD. One proposal per point and one point per proposal (database constraints)."""

    __tablename__ = "fgd_point_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("fgd_session.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("fgd_message.id", ondelete="CASCADE"), unique=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[FgdSession] = relationship()
    message: Mapped[RoomMessage] = relationship()
    proposal: Mapped[Proposal] = relationship()
