"""Council sittings (sidang Dewan Smart City), their agenda, seated members, ballots, and the
hash-chained vote record.

Seats are a snapshot: the people holding the council_member role when the admin convenes the
sitting are its seated members (`SittingMember`); a later change of roles does not change a
sitting's quorum. Ballots are one row per (sitting, proposal, member) — a database constraint.
Every ballot change and every result is appended to `VoteEvent`, each row hashed over its own
content and the previous row's hash; `VoteChainHead` is the one-row lock writers serialise on.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from collab.accounts.models import User
from collab.core.db import TimestampMixin, utcnow
from collab.extensions import db
from collab.proposals.models import Proposal


class _Labelled(enum.StrEnum):
    @property
    def label(self):
        return LABELS[self]


class SittingState(_Labelled):
    scheduled = "scheduled"
    open = "open"
    closed = "closed"


class Choice(_Labelled):
    approve = "approve"
    reject = "reject"
    abstain = "abstain"
    recused = "recused"


class Result(_Labelled):
    accepted = "accepted"
    rejected = "rejected"
    no_quorum = "no_quorum"


LABELS = {
    SittingState.scheduled: _l("Scheduled"),
    SittingState.open: _l("Voting open"),
    SittingState.closed: _l("Closed"),
    Choice.approve: _l("Approve"),
    Choice.reject: _l("Reject"),
    Choice.abstain: _l("Abstain"),
    Choice.recused: _l("Recused"),
    Result.accepted: _l("Accepted"),
    Result.rejected: _l("Rejected"),
    Result.no_quorum: _l("No quorum"),
}


def _enum(cls, length=12):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Sitting(TimestampMixin, db.Model):
    """A council sitting. The rule set (quorum share, majority rule, secret ballot, live tally)
    is fixed when it is convened."""

    __tablename__ = "council_sitting"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(index=True)
    quorum_percent: Mapped[int] = mapped_column(default=50)
    majority_rule: Mapped[str] = mapped_column(String(20), default="simple")
    secret: Mapped[bool] = mapped_column(default=False)
    live_tally: Mapped[bool] = mapped_column(default=True)
    state: Mapped[SittingState] = mapped_column(_enum(SittingState), default=SittingState.scheduled, index=True)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()
    members: Mapped[list[SittingMember]] = relationship(
        back_populates="sitting", cascade="all, delete-orphan", order_by="SittingMember.id")
    agenda: Mapped[list[SittingAgendaItem]] = relationship(
        back_populates="sitting", cascade="all, delete-orphan", order_by="SittingAgendaItem.position")

    __table_args__ = (db.CheckConstraint("quorum_percent > 0 AND quorum_percent <= 100", name="quorum_range"),)

    @property
    def room(self) -> str:
        return f"sitting:{self.id}"

    @property
    def seats(self) -> int:
        return len(self.members)

    def seated(self, user) -> bool:
        return user is not None and any(m.user_id == getattr(user, "id", None) for m in self.members)

    def tally_visible(self) -> bool:
        return self.state == SittingState.closed or (self.state == SittingState.open and self.live_tally)

    def __str__(self) -> str:
        return self.title


class SittingMember(db.Model):
    """A seat in one sitting: the council members at the time it was convened."""

    __tablename__ = "council_sitting_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("council_sitting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)

    sitting: Mapped[Sitting] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("sitting_id", "user_id"),)


class SittingAgendaItem(db.Model):
    """A proposal on a sitting's agenda and, once the vote is closed, its result with the counts.
    A decided item never changes (an ORM guard refuses it)."""

    __tablename__ = "council_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("council_sitting.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    result: Mapped[Result | None] = mapped_column(_enum(Result))
    approve: Mapped[int] = mapped_column(default=0)
    reject: Mapped[int] = mapped_column(default=0)
    abstain: Mapped[int] = mapped_column(default=0)
    recused: Mapped[int] = mapped_column(default=0)
    eligible: Mapped[int] = mapped_column(default=0)
    decided_at: Mapped[datetime | None]

    sitting: Mapped[Sitting] = relationship(back_populates="agenda")
    proposal: Mapped[Proposal] = relationship()

    __table_args__ = (UniqueConstraint("sitting_id", "proposal_id"),)

    @property
    def counts(self) -> dict[str, int]:
        return {"approve": self.approve, "reject": self.reject, "abstain": self.abstain, "recused": self.recused,
                "eligible": self.eligible}


class Ballot(TimestampMixin, db.Model):
    """A member's current choice on one agenda proposal. One row per member per proposal per
    sitting (the unique constraint); changing the choice updates the row and appends a VoteEvent."""

    __tablename__ = "council_ballot"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("council_sitting.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    choice: Mapped[Choice] = mapped_column(_enum(Choice))
    reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("sitting_id", "proposal_id", "user_id"),)


class VoteEvent(db.Model):
    """One link of the tamper-evident record: kind "ballot" (cast, changed or recused) or
    "result". `hash` = sha256(canonical JSON of the fields + prev_hash); see council.chain."""

    __tablename__ = "council_vote_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    sitting_id: Mapped[int] = mapped_column(ForeignKey("council_sitting.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class VoteChainHead(db.Model):
    """The single row (id = 1) every writer of the chain locks first, so concurrent ballots are
    appended one after the other and the chain cannot fork."""

    __tablename__ = "council_vote_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(Session, "before_flush")
def _final_results(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, VoteEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("the vote record is append-only")
        if isinstance(obj, SittingAgendaItem) and session.is_modified(obj):
            history = db.inspect(obj).attrs.result.history
            if history.deleted and history.deleted[0] is not None:
                raise RuntimeError("a council result is final")
