"""The council part of a logged-in home page: sittings where the user has a seat and the vote
is open or coming; for the admin, sittings to open or close."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.accounts.models import Role
from collab.council.models import Sitting, SittingMember, SittingState
from collab.extensions import db

LIMIT = 10


def home_context(user) -> dict | None:
    stmt = (select(Sitting).where(Sitting.state != SittingState.closed).options(selectinload(Sitting.agenda))
            .order_by(Sitting.held_on, Sitting.id).limit(LIMIT))
    if not policy.can_convene_sitting(user):
        if not user.has_role(Role.council_member):
            return None
        stmt = stmt.where(Sitting.id.in_(select(SittingMember.sitting_id).where(SittingMember.user_id == user.id)))
    return {"sittings": db.session.scalars(stmt).all(), "admin": policy.can_convene_sitting(user)}
