"""The reminder job (`flask send-reminders`): an FGD 24 hours before it starts, a milestone and a
commitment 3 days before they are due. Idempotent: each (kind, object, person, due date) is
recorded in `reminder_sent`, so running the job twice -- or every hour -- reminds once; a moved
date is a new due date and is reminded again.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab.accounts.models import Role
from collab.core.db import utcnow
from collab.extensions import db
from collab.notifications.models import Category, ReminderSent
from collab.notifications.services import notify
from collab.notifications.subscribers import fgd_url, organisation_people, programme_url

FGD_BEFORE = timedelta(hours=24)
DUE_BEFORE_DAYS = 3


def _not_yet(kind: str, object_id: int, people, due_key: str) -> list:
    """The people not yet reminded of this; records them as reminded."""
    ids = [p.id for p in people]
    if not ids:
        return []
    done = set(db.session.scalars(select(ReminderSent.user_id).where(
        ReminderSent.kind == kind, ReminderSent.object_id == object_id, ReminderSent.due_key == due_key,
        ReminderSent.user_id.in_(ids))))
    fresh, seen = [], set(done)
    for p in people:
        if p.id not in seen and p.active:
            seen.add(p.id)
            fresh.append(p)
            db.session.add(ReminderSent(kind=kind, object_id=object_id, user_id=p.id, due_key=due_key))
    return fresh


def fgd_reminders(now: datetime) -> int:
    from collab.fgd.models import FgdFacilitator, FgdSession, FgdStatus, Invitation, Rsvp

    sessions = db.session.scalars(select(FgdSession).where(
        FgdSession.status == FgdStatus.scheduled, FgdSession.starts_at > now, FgdSession.starts_at <= now + FGD_BEFORE)
        .options(selectinload(FgdSession.invitations).selectinload(Invitation.user),
                 selectinload(FgdSession.facilitator_rows).selectinload(FgdFacilitator.user))).all()
    count = 0
    for fgd in sessions:
        people = [i.user for i in fgd.invitations if i.rsvp != Rsvp.no] + [f.user for f in fgd.facilitator_rows]
        fresh = _not_yet("fgd", fgd.id, people, fgd.starts_at.isoformat())
        count += len(notify(fresh, "fgd_reminder", Category.fgd, target=fgd, url=fgd_url(fgd),
                            params={"title": fgd.topic, "when_at": fgd.starts_at.isoformat()}))
    return count


def due_reminders(today: date) -> int:
    from collab.programmes.models import Commitment, Milestone, MilestoneStatus, Programme, ProgrammeState

    horizon = today + timedelta(days=DUE_BEFORE_DAYS)
    running = select(Programme.id).where(Programme.state == ProgrammeState.active)
    count = 0
    milestones = db.session.scalars(select(Milestone).where(
        Milestone.status != MilestoneStatus.done, Milestone.due_on >= today, Milestone.due_on <= horizon,
        Milestone.programme_id.in_(running)).options(selectinload(Milestone.programme))).all()
    for m in milestones:
        org = m.owner_organisation_id or m.programme.lead_organisation_id
        fresh = _not_yet("milestone", m.id, organisation_people(org, Role.opd_officer, Role.partner_rep),
                         m.due_on.isoformat())
        count += len(notify(fresh, "milestone_due", Category.programmes, target=m.programme,
                            url=programme_url(m.programme_id, f"#milestone-{m.id}"),
                            params={"title": m.programme.name, "milestone": m.title, "when_on": m.due_on.isoformat()}))
    commitments = db.session.scalars(select(Commitment).where(
        Commitment.fulfilled_at.is_(None), Commitment.due_on >= today, Commitment.due_on <= horizon,
        Commitment.programme_id.in_(running)).options(selectinload(Commitment.programme),
                                                       selectinload(Commitment.organisation))).all()
    for c in commitments:
        fresh = _not_yet("commitment", c.id, organisation_people(c.organisation_id, Role.opd_officer,
                                                                 Role.partner_rep), c.due_on.isoformat())
        count += len(notify(fresh, "commitment_due", Category.programmes, target=c.programme,
                            url=programme_url(c.programme_id, f"#commitment-{c.id}"),
                            params={"title": c.programme.name, "org": c.organisation.short_name,
                                    "when_on": c.due_on.isoformat()}))
    return count


def send_reminders(now: datetime | None = None) -> int:
    """Create the due reminders (the caller commits; delivery follows the commit)."""
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()  # due dates are local
    count = fgd_reminders(now) + due_reminders(today)
    db.session.flush()
    return count
