"""The proposals part of a logged-in home page."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.accounts.models import Role
from collab.areas.models import Area
from collab.extensions import db
from collab.proposals.models import Proposal, ProposalState

LIMIT = 10


def home_context(user) -> dict | None:
    """RT/RW heads: their office's proposals. OPD officers: proposals assigned to their OPD and
    still open. Admins: the triage queue (submitted, not yet assigned). Others: nothing."""
    stmt = select(Proposal).options(selectinload(Proposal.office).selectinload(Area.parent)).limit(LIMIT)
    if policy.is_admin(user):
        stmt = stmt.where(Proposal.state == ProposalState.submitted, Proposal.assigned_opd_id.is_(None))
        heading, empty = _l("Proposals waiting for assignment"), _l("Nothing to assign.")
        more = url_for("proposals.index", state="submitted")
    elif user.has_role(Role.rt_rw_head) and user.office is not None:
        stmt = stmt.where(Proposal.office_id == user.office.id)
        heading, empty = _l("Your office's proposals"), _l("Your office has no proposals yet.")
        more = url_for("proposals.index", area=user.office.id)
    elif user.has_role(Role.opd_officer) and user.organisation_id is not None:
        stmt = stmt.where(Proposal.assigned_opd_id == user.organisation_id,
                          Proposal.state.in_([ProposalState.submitted, ProposalState.in_review]))
        heading, empty = _l("Proposals for your OPD to review"), _l("Nothing to review.")
        more = url_for("proposals.index", opd=user.organisation_id)
    else:
        return None
    proposals = db.session.scalars(stmt.order_by(Proposal.updated_at.desc())).all()
    return {"heading": heading, "empty": empty, "proposals": proposals, "more_url": more,
            "new_url": url_for("proposals.new") if policy.can_create_proposal(user) else None}
