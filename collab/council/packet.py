"""The review packet a council member reads before voting on one agenda proposal: the
proposal, its endorsements and recommendations, the OPD review, related FGD points (when the
proposal came out of an FGD), similar proposals, and the cost estimates."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab.extensions import db
from collab.proposals.duplicates import similar_proposals
from collab.proposals.models import Endorsement, Proposal, Review


def _fgd_origin(proposal):
    try:
        from collab.fgd.services import proposal_origin
    except ImportError:  # the FGD points link is optional
        return None
    return proposal_origin(proposal)


def review_packet(user, sitting, proposal: Proposal) -> dict:
    endorsements = db.session.scalars(select(Endorsement).where(Endorsement.proposal_id == proposal.id)
                                      .options(selectinload(Endorsement.office)).order_by(Endorsement.id)).all()
    reviews = db.session.scalars(select(Review).where(Review.proposal_id == proposal.id)
                                 .options(selectinload(Review.organisation), selectinload(Review.officer))
                                 .order_by(Review.id)).all()
    similar = similar_proposals(user, proposal.title, f"{proposal.problem}\n{proposal.solution}",
                                exclude=proposal.id, limit=5)
    review_cost = next((r.cost_estimate for r in reversed(reviews) if r.cost_estimate is not None), None)
    return {"proposal": proposal, "endorsements": endorsements, "reviews": reviews,
            "recommendations": proposal.recommendations, "similar": similar, "fgd": _fgd_origin(proposal),
            "estimated_cost": proposal.estimated_cost, "review_cost": review_cost}
