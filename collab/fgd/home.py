"""The FGD part of a person's home page: open invitations and sessions they facilitate."""
from __future__ import annotations

from sqlalchemy import select

from collab import permissions as policy
from collab.extensions import db
from collab.fgd import services
from collab.fgd.models import FgdFacilitator, FgdSession, FgdStatus


def home_context(user) -> dict | None:
    invitations = services.my_invitations(user)
    facilitating = db.session.scalars(
        select(FgdSession).join(FgdFacilitator).where(FgdFacilitator.user_id == user.id,
                                                      FgdSession.status.in_([FgdStatus.scheduled, FgdStatus.live,
                                                                             FgdStatus.ended]))
        .order_by(FgdSession.starts_at).limit(10)).all()
    can_schedule = policy.can_schedule_fgd(user)
    if not invitations and not facilitating and not can_schedule:
        return None
    return {"invitations": invitations, "facilitating": facilitating, "can_schedule": can_schedule}
