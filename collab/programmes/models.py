"""Programmes, their members, commitments, milestones, updates and discussion.

Progress is never stored: it is the weighted share of done milestones, computed on read.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Enum, ForeignKey, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.accounts.models import User
from collab.core.db import TimestampMixin, utcnow
from collab.extensions import db
from collab.masterplan.models import DimensionCode, MasterplanItem
from collab.orgs.models import Organisation


class _Labelled(enum.StrEnum):
    @property
    def label(self):
        return LABELS[self]


class ProgrammeState(_Labelled):
    draft = "draft"
    active = "active"
    completed = "completed"


class MemberRole(_Labelled):
    lead = "lead"
    co_owner = "co_owner"
    partner = "partner"


class MemberStatus(_Labelled):
    invited = "invited"
    accepted = "accepted"
    declined = "declined"
    left = "left"  # withdrew, or was removed by the lead, after accepting


class CommitmentKind(_Labelled):
    funds = "funds"
    in_kind = "in_kind"
    expertise = "expertise"
    volunteers = "volunteers"
    data = "data"
    other = "other"


class MilestoneStatus(_Labelled):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"


LABELS = {
    ProgrammeState.draft: _l("Draft"),
    ProgrammeState.active: _l("Running"),
    ProgrammeState.completed: _l("Completed"),
    MemberRole.lead: _l("Lead OPD"),
    MemberRole.co_owner: _l("Co-owner OPD"),
    MemberRole.partner: _l("Partner"),
    MemberStatus.invited: _l("Invited"),
    MemberStatus.accepted: _l("Accepted"),
    MemberStatus.declined: _l("Declined"),
    MemberStatus.left: _l("Left"),
    CommitmentKind.funds: _l("Funds (Rupiah)"),
    CommitmentKind.in_kind: _l("In kind"),
    CommitmentKind.expertise: _l("Expertise"),
    CommitmentKind.volunteers: _l("Volunteers"),
    CommitmentKind.data: _l("Data"),
    CommitmentKind.other: _l("Other"),
    MilestoneStatus.planned: _l("Planned"),
    MilestoneStatus.in_progress: _l("In progress"),
    MilestoneStatus.done: _l("Done"),
}


def _enum(cls, length=20):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


programme_item = Table(
    "programme_item", db.Model.metadata,
    Column("programme_id", ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True),
    Column("masterplan_item_id", ForeignKey("masterplan_item.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ProgrammeProposal(db.Model):
    """An accepted proposal the programme carries out."""

    __tablename__ = "programme_proposal"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True, index=True)


class Programme(TimestampMixin, db.Model):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(Text, default="")
    dimension: Mapped[DimensionCode] = mapped_column(Enum(DimensionCode, native_enum=False, length=20), index=True)
    lead_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    state: Mapped[ProgrammeState] = mapped_column(_enum(ProgrammeState), default=ProgrammeState.draft, index=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # the discussion channel's counter: the seq of its newest message (see ProgrammeComment)
    last_seq: Mapped[int] = mapped_column(default=0, server_default="0")

    lead_organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    members: Mapped[list[ProgrammeMember]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeMember.id")
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="Commitment.id")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="(Milestone.due_on, Milestone.id)")
    updates: Mapped[list[ProgrammeUpdate]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeUpdate.id.desc()")
    comments: Mapped[list[ProgrammeComment]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeComment.seq",
        passive_deletes=True)  # the channel can be long: read it through services.messages_after()
    items: Mapped[list[MasterplanItem]] = relationship(secondary=programme_item, order_by="MasterplanItem.id")
    proposal_links: Mapped[list[ProgrammeProposal]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (db.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                                         name="dates_ordered"),)

    def __str__(self) -> str:
        return self.name

    # -- figures computed from the records ----------------------------------------------------
    @property
    def progress(self) -> float | None:
        """Weighted share (0-100) of done milestones; None without milestones."""
        return progress_of(self.milestones)

    def member_for(self, organisation_id: int | None) -> ProgrammeMember | None:
        return next((m for m in self.members if m.organisation_id == organisation_id), None)

    def accepted_members(self) -> list[ProgrammeMember]:
        return [m for m in self.members if m.status == MemberStatus.accepted]

    @property
    def all_milestones_evidenced(self) -> bool:
        return bool(self.milestones) and all(m.status == MilestoneStatus.done and m.has_evidence
                                             for m in self.milestones)

    def pledges(self) -> list[dict]:
        """Per organisation: Rupiah pledged and fulfilled, and counts of commitments."""
        rows: dict[int, dict] = {}
        for c in self.commitments:
            row = rows.setdefault(c.organisation_id, {"organisation": c.organisation, "pledged": Decimal(0),
                                                      "fulfilled": Decimal(0), "count": 0, "done": 0})
            row["count"] += 1
            row["pledged"] += c.amount or 0
            row["fulfilled"] += c.fulfilled_amount or 0
            row["done"] += 1 if c.fulfilled else 0
        return list(rows.values())


def progress_of(milestones) -> float | None:
    total = sum(m.weight for m in milestones)
    if not total:
        return None
    done = sum(m.weight for m in milestones if m.status == MilestoneStatus.done)
    return round(100 * done / total, 2)


class ProgrammeMember(db.Model):
    """An organisation in a programme; one row per programme and organisation."""

    __tablename__ = "programme_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole))
    status: Mapped[MemberStatus] = mapped_column(_enum(MemberStatus), default=MemberStatus.invited)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]

    programme: Mapped[Programme] = relationship(back_populates="members")
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (db.UniqueConstraint("programme_id", "organisation_id"),)


class Commitment(TimestampMixin, db.Model):
    """What one member organisation pledges; funds carry a Rupiah amount, other kinds a description."""

    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[CommitmentKind] = mapped_column(_enum(CommitmentKind))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    description: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None]
    fulfilled_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    fulfilled_on: Mapped[date | None]
    fulfilled_at: Mapped[datetime | None]
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    evidence_file: Mapped[str | None] = mapped_column(String(200), unique=True)

    programme: Mapped[Programme] = relationship(back_populates="commitments")
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        db.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        db.CheckConstraint("fulfilled_amount IS NULL OR fulfilled_amount >= 0", name="fulfilled_not_negative"),
    )

    @property
    def fulfilled(self) -> bool:
        return self.fulfilled_at is not None

    def overdue(self, today: date | None = None) -> bool:
        return not self.fulfilled and self.due_on is not None and self.due_on < (today or date.today())


class Milestone(TimestampMixin, db.Model):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(default=1)
    due_on: Mapped[date]
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[MilestoneStatus] = mapped_column(_enum(MilestoneStatus), default=MilestoneStatus.planned)
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    evidence_file: Mapped[str | None] = mapped_column(String(200), unique=True)
    done_at: Mapped[datetime | None]

    programme: Mapped[Programme] = relationship(back_populates="milestones")
    owner_organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (db.CheckConstraint("weight > 0", name="weight_positive"),)

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_url or self.evidence_file or self.evidence_note.strip())

    def overdue(self, today: date | None = None) -> bool:
        return self.status != MilestoneStatus.done and self.due_on < (today or date.today())


class ProgrammeUpdate(db.Model):
    """A news item in the programme's feed, optionally with a photo (stored upload name)."""

    __tablename__ = "programme_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    photo: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class ProgrammeComment(db.Model):
    """A message of the members' live discussion channel (namespace `/programmes`), stored before
    it is broadcast. `seq` is per programme, allocated from `Programme.last_seq` under a row lock,
    so "everything after seq N" never skips one; `client_key` makes a retried send idempotent."""

    __tablename__ = "programme_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    client_key: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()

    __table_args__ = (db.UniqueConstraint("programme_id", "seq"),
                      db.UniqueConstraint("programme_id", "author_id", "client_key"))
