"""The programmes part of the home page: my organisation's programmes and what is due."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab.accounts.models import Role
from collab.extensions import db
from collab.programmes.models import (
    Commitment,
    MemberStatus,
    Milestone,
    MilestoneStatus,
    Programme,
    ProgrammeMember,
    ProgrammeState,
)

HORIZON_DAYS = 30


def home_context(user) -> dict | None:
    """For OPD officers and partner reps with an organisation: its programmes, open invitations,
    and its commitments and milestones due within 30 days (or overdue)."""
    if not user.has_role(Role.opd_officer, Role.partner_rep) or user.organisation_id is None:
        return None
    org_id = user.organisation_id
    memberships = db.session.scalars(
        select(ProgrammeMember).where(ProgrammeMember.organisation_id == org_id,
                                      ProgrammeMember.status.in_([MemberStatus.invited, MemberStatus.accepted]))
        .options(selectinload(ProgrammeMember.programme).selectinload(Programme.milestones))).all()
    horizon = date.today() + timedelta(days=HORIZON_DAYS)
    live = select(Programme.id).where(Programme.state == ProgrammeState.active)
    commitments = db.session.scalars(
        select(Commitment).where(Commitment.organisation_id == org_id, Commitment.fulfilled_at.is_(None),
                                 Commitment.due_on <= horizon, Commitment.programme_id.in_(live))
        .options(selectinload(Commitment.programme)).order_by(Commitment.due_on)).all()
    milestones = db.session.scalars(
        select(Milestone).where(Milestone.owner_organisation_id == org_id, Milestone.status != MilestoneStatus.done,
                                Milestone.due_on <= horizon, Milestone.programme_id.in_(live))
        .options(selectinload(Milestone.programme)).order_by(Milestone.due_on)).all()
    return {"memberships": memberships, "commitments": commitments, "milestones": milestones,
            "invitations": [m for m in memberships if m.status == MemberStatus.invited]}
