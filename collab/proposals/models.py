"""Innovation proposals (usulan inovasi) from RT/RW offices, their history, endorsements,
comments, OPD reviews and the routing table that suggests an OPD."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.accounts.models import User
from collab.areas.models import Area
from collab.core.db import TimestampMixin, utcnow
from collab.extensions import db
from collab.masterplan.models import DimensionCode
from collab.orgs.models import Organisation


class ProposalState(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    in_review = "in_review"
    revision_requested = "revision_requested"
    ready_for_council = "ready_for_council"
    voting = "voting"
    accepted = "accepted"
    rejected = "rejected"
    withdrawn = "withdrawn"
    merged = "merged"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {
    ProposalState.draft: _l("Draft"),
    ProposalState.submitted: _l("Submitted"),
    ProposalState.in_review: _l("In review"),
    ProposalState.revision_requested: _l("Revision requested"),
    ProposalState.ready_for_council: _l("Ready for council"),
    ProposalState.voting: _l("Council voting"),
    ProposalState.accepted: _l("Accepted"),
    ProposalState.rejected: _l("Rejected"),
    ProposalState.withdrawn: _l("Withdrawn"),
    ProposalState.merged: _l("Merged"),
}
# what the public may see: everything that has left the office
PUBLIC_STATES = [s for s in ProposalState if s != ProposalState.draft]


class Horizon(enum.StrEnum):
    short = "short"
    long = "long"

    @property
    def label(self):
        return {Horizon.short: _l("Short term"), Horizon.long: _l("Long term")}[self]


class Feasibility(enum.StrEnum):
    feasible = "feasible"
    feasible_with_changes = "feasible_with_changes"
    not_feasible = "not_feasible"

    @property
    def label(self):
        return {Feasibility.feasible: _l("Feasible"),
                Feasibility.feasible_with_changes: _l("Feasible with changes"),
                Feasibility.not_feasible: _l("Not feasible")}[self]


class Proposal(TimestampMixin, db.Model):
    """A proposal belongs to an RT/RW office (`office`), so the successor of a head carries it
    on; `author` is the person who wrote it. `version` grows with every state change: state
    changes are conditional UPDATEs on (state, version), so two concurrent actors cannot both win."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    expected_impact: Mapped[str] = mapped_column(Text, default="")
    dimension: Mapped[DimensionCode] = mapped_column(Enum(DimensionCode, native_enum=False, length=20), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    on_behalf_of: Mapped[str] = mapped_column(String(400), default="")
    suggested_opd_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    assigned_opd_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    estimated_cost: Mapped[Decimal | None] = mapped_column(Numeric(16, 0))
    horizon: Mapped[Horizon] = mapped_column(Enum(Horizon, native_enum=False, length=10), default=Horizon.short)
    state: Mapped[ProposalState] = mapped_column(Enum(ProposalState, native_enum=False, length=24),
                                                 default=ProposalState.draft, index=True)
    version: Mapped[int] = mapped_column(default=1)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    submitted_at: Mapped[datetime | None]

    office: Mapped[Area] = relationship()
    author: Mapped[User] = relationship()
    suggested_opd: Mapped[Organisation | None] = relationship(foreign_keys=[suggested_opd_id])
    assigned_opd: Mapped[Organisation | None] = relationship(foreign_keys=[assigned_opd_id])
    merged_into: Mapped[Proposal | None] = relationship(remote_side=[id], back_populates="merged_from")
    merged_from: Mapped[list[Proposal]] = relationship(back_populates="merged_into")
    transitions: Mapped[list[ProposalTransition]] = relationship(
        back_populates="proposal", order_by="ProposalTransition.id", cascade="all, delete-orphan")
    endorsements: Mapped[list[Endorsement]] = relationship(
        back_populates="proposal", order_by="Endorsement.id", cascade="all, delete-orphan")
    comments: Mapped[list[Comment]] = relationship(
        back_populates="proposal", order_by="Comment.id", cascade="all, delete-orphan")
    reviews: Mapped[list[Review]] = relationship(
        back_populates="proposal", order_by="Review.id", cascade="all, delete-orphan")
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="proposal", order_by="Recommendation.id", cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="proposal", order_by="Attachment.id", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title


class ProposalTransition(db.Model):
    """One step of a proposal's history: who moved it from which state to which, when and why.
    Steps that do not change the state (assignment to an OPD) have from_state == to_state."""

    __tablename__ = "proposal_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[ProposalState | None] = mapped_column(Enum(ProposalState, native_enum=False, length=24))
    to_state: Mapped[ProposalState] = mapped_column(Enum(ProposalState, native_enum=False, length=24))
    action: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="transitions")
    actor: Mapped[User | None] = relationship()


class Endorsement(db.Model):
    """An RT/RW office co-signs a proposal; once per office (a database constraint)."""

    __tablename__ = "proposal_endorsement"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="endorsements")
    office: Mapped[Area] = relationship()
    user: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("proposal_id", "office_id"),)


class Comment(db.Model):
    """A comment; hidden ones stay stored (and in the audit log) but are not shown."""

    __tablename__ = "proposal_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_comment.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(String(400), default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    proposal: Mapped[Proposal] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class Review(db.Model):
    """An OPD officer's technical assessment; the decision is the state it moved the proposal to."""

    __tablename__ = "proposal_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    feasibility: Mapped[Feasibility] = mapped_column(Enum(Feasibility, native_enum=False, length=24))
    cost_estimate: Mapped[Decimal | None] = mapped_column(Numeric(16, 0))
    overlap: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text)
    decision: Mapped[ProposalState] = mapped_column(Enum(ProposalState, native_enum=False, length=24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="reviews")
    officer: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class RoutingRule(db.Model):
    """Dimension (or any) + keywords -> the OPD suggested for a new proposal."""

    __tablename__ = "proposal_routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension: Mapped[DimensionCode | None] = mapped_column(Enum(DimensionCode, native_enum=False, length=20))
    keywords: Mapped[str] = mapped_column(String(400), default="")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    organisation: Mapped[Organisation] = relationship()

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip().lower() for k in self.keywords.split(",") if k.strip()]


class Attachment(db.Model):
    """A photo or PDF of a proposal. The file lives under UPLOAD_FOLDER/proposals (outside
    static/) under a random name; it is served only to those who may see the proposal."""

    __tablename__ = "proposal_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Recommendation(db.Model):
    """A Musrenbang-style tier note as the proposal goes up: first the RW head above the RT,
    then the kelurahan (the admin on its behalf). One per tier (a database constraint)."""

    __tablename__ = "proposal_recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    tier: Mapped[str] = mapped_column(String(12))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="recommendations")
    area: Mapped[Area] = relationship()
    author: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("proposal_id", "tier"),)
