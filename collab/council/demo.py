"""Demo council: one past sitting with its decision (through the services, so the vote record
is a real hash chain), and the next one convened if proposals are ready. Idempotent."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from collab.accounts.models import User
from collab.council import services
from collab.council.models import Sitting
from collab.extensions import db
from collab.masterplan.models import DimensionCode
from collab.proposals import services as proposals
from collab.proposals.models import Feasibility, Proposal, ProposalState

PAST_TITLE = "Sidang Dewan Smart City I"


def _decided_proposal(admin) -> Proposal | None:
    """A proposal of its own for the past sitting, so the proposals demo keeps its ready ones."""
    head = db.session.scalar(select(User).where(User.email == "ketua.rw@demo.rembuk.id"))
    officer = db.session.scalar(select(User).where(User.email == "opd@demo.rembuk.id"))
    if head is None or head.office is None or officer is None or officer.organisation is None:
        return None
    p = proposals.create_proposal(
        head, title="Kompos komunal dari sampah pasar Kauman", dimension=DimensionCode.environment,
        problem="Sampah organik pasar dibuang ke TPS dan berbau.",
        solution="Rumah kompos komunal di RW 001 yang mengolah sampah pasar menjadi pupuk untuk taman kota.",
        expected_impact="Sampah ke TPS berkurang, taman kota mendapat pupuk.", estimated_cost=Decimal(35_000_000))
    proposals.submit_proposal(head, p)
    proposals.assign_proposal(admin, p, officer.organisation)
    proposals.start_review(officer, p)
    proposals.review_proposal(officer, p, decision="mark_ready", feasibility=Feasibility.feasible,
                              cost_estimate=Decimal(32_000_000), recommendation="Layak; lahan tersedia di balai RW.")
    return p


def seed(admin) -> None:
    if db.session.scalar(select(Sitting.id).limit(1)) is not None:
        return
    members = services.seated_council_members()
    first = _decided_proposal(admin) if members else None
    if first is None:
        return
    sitting = services.convene_sitting(admin, title=PAST_TITLE, held_on=date.today() - timedelta(days=14),
                                       proposals_=[first], quorum_percent=50, majority_rule="simple",
                                       secret=False, live_tally=True)
    services.open_vote(admin, sitting)
    choices = ["approve", "approve", "abstain", "reject"]
    for member, choice in zip(members, choices, strict=False):
        services.cast_ballot(member, sitting, first, choice)
    services.close_vote(admin, sitting)
    db.session.flush()
    still_ready = [p for p in db.session.scalars(select(Proposal).where(
        Proposal.state == ProposalState.ready_for_council))]
    if still_ready:
        services.convene_sitting(admin, title="Sidang Dewan Smart City II", held_on=date.today() + timedelta(days=7),
                                 proposals_=still_ready[:3], quorum_percent=50, majority_rule="simple",
                                 secret=True, live_tally=False)
