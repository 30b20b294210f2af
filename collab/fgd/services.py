"""FGD domain operations. Each takes the acting user, enforces the policy and the state
machine (`scheduled -> live -> ended -> minutes_published`), writes the audit log and fires
`collab.signals.fgd_room_event` for the live room. They flush, never commit: the caller
(view, API or socket handler) commits once, and the room hears about it only after that.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from collab import permissions as policy
from collab.accounts.models import OfficeTerm, Role, User, UserRole
from collab.areas.models import Area
from collab.core.audit import record
from collab.core.db import utcnow
from collab.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from collab.core.text import squash
from collab.extensions import db
from collab.fgd.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceMode,
    FgdFacilitator,
    FgdSession,
    FgdStatus,
    HandRaise,
    Invitation,
    InviteVia,
    Minutes,
    Mute,
    PointProposal,
    Poll,
    PollOption,
    PollVote,
    RoomMessage,
    Rsvp,
)
from collab.i18n import span
from collab.masterplan.models import DimensionCode
from collab.orgs.models import Organisation
from collab.proposals.models import Proposal
from collab.signals import (
    fgd_access_lost,
    fgd_invited,
    fgd_minutes_published,
    fgd_point_proposed,
    fgd_room_event,
)

MAX_MESSAGE_LENGTH = 2000
MAX_CLIENT_KEY = 64
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud in a hall


def new_checkin_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


MAX_AGENDA_ITEMS = 50


def valid_id(value) -> bool:
    """An id a client sent (socket payloads are untyped): a positive integer the database can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def get_session(session_id) -> FgdSession:
    fgd = db.session.get(FgdSession, session_id) if valid_id(session_id) else None
    if fgd is None:
        raise NotFound(_l("No such FGD session."))
    return fgd


def _emit(fgd: FgdSession, actor, event: str, payload: dict, to_user: int | None = None) -> None:
    fgd_room_event.send(fgd, actor=actor, event=event, payload=payload, to_user=to_user)


# -- scheduling ----------------------------------------------------------------------------------

def _validate_schedule(topic, starts_at, ends_at, venue, online, dimensions):
    errors = {}
    if not squash(topic):
        errors["topic"] = [_l("Give the FGD a topic.")]
    if starts_at is None or ends_at is None:
        errors["starts_at"] = [_l("Give a start and an end.")]
    elif ends_at <= starts_at:
        errors["ends_at"] = [_l("The end must be after the start.")]
    if not online and not squash(venue):
        errors["venue"] = [_l("Give a venue, or hold the FGD online.")]
    bad = [d for d in dimensions if d not in DimensionCode.__members__]
    if bad:
        errors["dimensions"] = [_l("Unknown dimension.")]
    if errors:
        raise ValidationFailed(_l("Please check the form."), errors=errors)


def save_session(actor, fgd: FgdSession | None, *, topic: str, starts_at: datetime, ends_at: datetime,
                 description: str = "", dimensions: list[str] | None = None, venue: str = "", online: bool = True,
                 public: bool = False, organiser: Organisation | None = None, agenda: list[str] | None = None,
                 facilitators: list[User] | None = None) -> FgdSession:
    """Schedule an FGD (OPD officer or admin) or change a scheduled one (its managers).
    The scheduler is always a facilitator. Refuses changes once the session is live."""
    dimensions = list(dimensions or [])
    if fgd is None:
        policy.require(policy.can_schedule_fgd(actor), _l("Only OPD officers and the secretariat schedule FGDs."))
    else:
        policy.require(policy.can_manage_fgd(actor, fgd))
        if fgd.status != FgdStatus.scheduled:
            raise Conflict(_l("A session can only be changed before it starts."))
    _validate_schedule(topic, starts_at, ends_at, venue, online, dimensions)
    if any(not (u.active and u.has_role(Role.admin, Role.opd_officer)) for u in (facilitators or [])):
        message = _l("Facilitators are chosen among the OPD officers and the secretariat.")
        raise ValidationFailed(message, errors={"facilitators": [message]})
    if agenda is not None and sum(1 for t in agenda if squash(t)) > MAX_AGENDA_ITEMS:
        message = _l("An FGD has at most %(n)d agenda items.", n=MAX_AGENDA_ITEMS)
        raise ValidationFailed(message, errors={"agenda": [message]})
    creating = fgd is None
    if creating:
        fgd = FgdSession(created_by_id=actor.id, checkin_code=new_checkin_code(),
                         organiser=organiser or actor.organisation)
        db.session.add(fgd)
    elif organiser is not None:
        fgd.organiser = organiser
    fgd.topic, fgd.description = squash(topic), (description or "").strip()
    fgd.starts_at, fgd.ends_at, fgd.venue = starts_at, ends_at, squash(venue)
    fgd.online, fgd.public, fgd.dimensions = online, public, dimensions
    if agenda is not None:
        titles = [squash(t)[:200] for t in agenda if squash(t)]
        existing = {a.title: a for a in fgd.agenda}
        fgd.agenda = [existing.get(t) or AgendaItem(title=t) for t in titles]
        for i, item in enumerate(fgd.agenda):
            item.position = i
    wanted = {u.id for u in (facilitators or [])} | {fgd.created_by_id or actor.id}
    if facilitators is not None or creating:
        fgd.facilitator_rows = [r for r in fgd.facilitator_rows if r.user_id in wanted] + [
            FgdFacilitator(user_id=uid) for uid in wanted - fgd.facilitator_ids]
    db.session.flush()
    record(actor, "fgd.schedule" if creating else "fgd.update", fgd, topic=fgd.topic)
    return fgd


# -- invitations and RSVP --------------------------------------------------------------------------

def _users_with_role(role: Role) -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole).where(UserRole.role == role, User.active.is_(True))))


def _heads_in_area(area: Area) -> list[User]:
    """Current RT/RW heads of the area and everything under it."""
    return list(db.session.scalars(
        select(User).join(OfficeTerm, OfficeTerm.user_id == User.id).join(Area, OfficeTerm.area_id == Area.id)
        .where(OfficeTerm.ended_on.is_(None), Area.path.startswith(area.path), User.active.is_(True)).distinct()))


def invite(actor, fgd: FgdSession, *, users: list[User] = (), role: Role | None = None,
           area: Area | None = None) -> list[Invitation]:
    """Invite persons, everyone holding a role, or the RT/RW heads of an area subtree. Groups are
    expanded to persons now (someone given the role later is not invited). Already invited
    persons are skipped. Returns the new invitations."""
    policy.require(policy.can_manage_fgd(actor, fgd))
    if fgd.status in (FgdStatus.ended, FgdStatus.minutes_published):
        raise Conflict(_l("This FGD is over."))
    targets: list[tuple[User, InviteVia]] = [(u, InviteVia.person) for u in users]
    if role is not None:
        targets += [(u, InviteVia.role) for u in _users_with_role(role)]
    if area is not None:
        targets += [(u, InviteVia.area) for u in _heads_in_area(area)]
    if not targets and not users and role is None and area is None:
        raise ValidationFailed(_l("Choose whom to invite."))
    have = set(db.session.scalars(select(Invitation.user_id).where(Invitation.session_id == fgd.id)))
    created = []
    for user, via in targets:
        if user.id in have or not user.active:
            continue
        have.add(user.id)
        inv = Invitation(session=fgd, user=user, invited_by_id=actor.id, via=via)
        db.session.add(inv)
        created.append(inv)
    db.session.flush()
    record(actor, "fgd.invite", fgd, count=len(created), role=role, area_id=area.id if area else None)
    if created:
        fgd_invited.send(fgd, actor=actor, users=[i.user for i in created])
    return created


def uninvite(actor, fgd: FgdSession, user: User) -> None:
    """Withdraw an invitation (a manager, before the session ends); that person's open sockets
    to the room are closed. Refuses an FGD that is over (409): the record of who took part stays."""
    policy.require(policy.can_manage_fgd(actor, fgd))
    if fgd.status in (FgdStatus.ended, FgdStatus.minutes_published):
        raise Conflict(_l("This FGD is over."))
    inv = fgd.invitation_for(user)
    if inv is None:
        raise NotFound(_l("This person is not invited."))
    db.session.delete(inv)
    db.session.flush()
    record(actor, "fgd.uninvite", fgd, user_id=user.id)
    fgd_access_lost.send(fgd, actor=actor, user=user)


def rsvp(actor, fgd: FgdSession, answer: Rsvp) -> Invitation:
    """An invitee answers yes / no / maybe (and may change the answer until the session ends)."""
    inv = fgd.invitation_for(actor)
    if inv is None:
        raise PermissionDenied(_l("You are not invited to this FGD."))
    if fgd.status in (FgdStatus.ended, FgdStatus.minutes_published):
        raise Conflict(_l("This FGD is over."))
    if answer == Rsvp.pending:
        raise ValidationFailed(_l("Answer yes, no or maybe."))
    inv.rsvp, inv.responded_at = answer, utcnow()
    record(actor, "fgd.rsvp", fgd, answer=answer)
    return inv


def _attend(fgd: FgdSession, user: User, mode: AttendanceMode) -> Attendance:
    row = db.session.scalar(select(Attendance).where(Attendance.session_id == fgd.id, Attendance.user_id == user.id))
    if row is None:
        row = Attendance(session_id=fgd.id, user_id=user.id, mode=mode)
        db.session.add(row)
    elif mode == AttendanceMode.in_room:
        row.mode = mode  # someone who first joined online and then walked in counts as in the room
    db.session.flush()
    return row


def check_in(actor, fgd: FgdSession, code: str) -> Attendance:
    """Check in at the venue with the code the facilitator shows. Participants only."""
    policy.require(policy.is_fgd_participant(actor, fgd), _l("You are not invited to this FGD."))
    if fgd.status not in (FgdStatus.scheduled, FgdStatus.live):
        raise Conflict(_l("Check-in is closed: this FGD is over."))
    if squash(code).upper().replace(" ", "") != fgd.checkin_code:
        raise ValidationFailed(_l("That check-in code is not right."), errors={"code": [_l("Wrong code.")]})
    row = _attend(fgd, actor, AttendanceMode.in_room)
    record(actor, "fgd.check_in", fgd)
    return row


def record_online_attendance(actor, fgd: FgdSession) -> Attendance:
    return _attend(fgd, actor, AttendanceMode.online)


def attendance(fgd: FgdSession) -> list[Attendance]:
    return list(db.session.scalars(select(Attendance).where(Attendance.session_id == fgd.id)
                                   .options(db.selectinload(Attendance.user)).order_by(Attendance.checked_in_at)))


# -- the room: open, messages, moderation ---------------------------------------------------------

def open_room(actor, fgd: FgdSession) -> None:
    """Go live (a manager). Only a scheduled session opens."""
    policy.require(policy.can_manage_fgd(actor, fgd))
    if fgd.status != FgdStatus.scheduled:
        raise Conflict(_l("Only a scheduled session can go live."))
    fgd.status, fgd.opened_at = FgdStatus.live, utcnow()
    record(actor, "fgd.open", fgd)
    _emit(fgd, actor, "room_state", {"session_id": fgd.id, "status": fgd.status.value})


def end_session(actor, fgd: FgdSession) -> None:
    """Close the room and end the session (a manager); nobody can post after this."""
    policy.require(policy.can_manage_fgd(actor, fgd))
    if fgd.status not in (FgdStatus.scheduled, FgdStatus.live):
        raise Conflict(_l("This FGD has already ended."))
    fgd.status, fgd.ended_at = FgdStatus.ended, utcnow()
    for hand in open_hands(fgd):
        hand.lowered_at = fgd.ended_at
    record(actor, "fgd.end", fgd)
    _emit(fgd, actor, "room_state", {"session_id": fgd.id, "status": fgd.status.value})


def is_muted(fgd: FgdSession, user) -> bool:
    return db.session.get(Mute, (fgd.id, user.id)) is not None


def message_payload(m: RoomMessage, author_name: str | None = None) -> dict:
    hidden = m.hidden_at is not None
    return {"id": m.id, "seq": m.seq, "session_id": m.session_id, "author_id": m.author_id,
            "author": author_name or m.author.name, "agenda_item_id": m.agenda_item_id,
            "body": None if hidden else m.body, "hidden": hidden, "hidden_reason": m.hidden_reason,
            "is_point": m.is_point, "created_at": m.created_at.isoformat()}


def _existing(fgd: FgdSession, author: User, client_key: str) -> RoomMessage | None:
    return db.session.scalar(select(RoomMessage).where(RoomMessage.session_id == fgd.id,
                                                       RoomMessage.author_id == author.id,
                                                       RoomMessage.client_key == client_key))


def post_message(actor, fgd: FgdSession, body: str, client_key: str,
                 agenda_item_id: int | None = None) -> tuple[RoomMessage, bool]:
    """Store a room message and announce it (after the commit). Returns (message, created).

    Idempotent on (author, client_key): a retried send returns the stored message, unchanged,
    with created=False. Refuses: non-participants, a room that is not live, muted authors,
    empty or oversized bodies, an agenda item of another session."""
    policy.require(policy.can_join_fgd_room(actor, fgd), _l("You are not invited to this FGD."))
    client_key = (client_key or "").strip()
    if not client_key or len(client_key) > MAX_CLIENT_KEY:
        raise ValidationFailed(_l("Every message needs a client key of at most %(n)d characters.", n=MAX_CLIENT_KEY))
    # Lock the room's counter first (FOR UPDATE on PostgreSQL; SQLite has one writer): a retry
    # of the same key racing the original then finds the stored message instead of a duplicate.
    db.session.execute(select(FgdSession.id).where(FgdSession.id == fgd.id).with_for_update())
    existing = _existing(fgd, actor, client_key)
    if existing is not None:
        return existing, False
    if fgd.status != FgdStatus.live:
        raise Conflict(_l("The room is not open."))
    if is_muted(fgd, actor):
        raise PermissionDenied(_l("A facilitator has muted you in this room."))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_l("The message is empty."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationFailed(_l("The message is too long (at most %(n)d characters).", n=MAX_MESSAGE_LENGTH))
    if agenda_item_id is not None:
        item = db.session.get(AgendaItem, agenda_item_id) if valid_id(agenda_item_id) else None
        if item is None or item.session_id != fgd.id:
            raise ValidationFailed(_l("Unknown agenda item."))
    seq = db.session.execute(update(FgdSession).where(FgdSession.id == fgd.id)
                             .values(last_seq=FgdSession.last_seq + 1)
                             .returning(FgdSession.last_seq)).scalar_one()
    message = RoomMessage(session_id=fgd.id, seq=seq, author_id=actor.id, agenda_item_id=agenda_item_id,
                          body=body, client_key=client_key)
    db.session.add(message)
    db.session.flush()  # the UNIQUE(session, author, client_key) constraint is the last word
    fgd.last_seq = seq  # keep the identity map in step with the UPDATE
    _emit(fgd, actor, "message", message_payload(message, actor.name))
    return message, True


def messages_after(fgd: FgdSession, after_seq: int = 0, limit: int = 500) -> list[RoomMessage]:
    """Messages with seq > after_seq, in order (at most `limit`; ask again from the last one)."""
    after_seq = min(max(after_seq or 0, 0), 2**31 - 1)
    return list(db.session.scalars(select(RoomMessage).where(RoomMessage.session_id == fgd.id,
                                                             RoomMessage.seq > after_seq)
                                   .options(db.joinedload(RoomMessage.author))
                                   .order_by(RoomMessage.seq).limit(limit)))


def _message(fgd: FgdSession, message_id) -> RoomMessage:
    m = db.session.get(RoomMessage, message_id) if valid_id(message_id) else None
    if m is None or m.session_id != fgd.id:
        raise NotFound(_l("No such message."))
    return m


def hide_message(actor, fgd: FgdSession, message_id: int, reason: str) -> RoomMessage:
    """A facilitator hides a message with a reason; it stays stored (and in the audit log)."""
    policy.require(policy.can_manage_fgd(actor, fgd), _l("Only a facilitator can hide messages."))
    m = _message(fgd, message_id)
    reason = squash(reason)[:200]
    if not reason:
        raise ValidationFailed(_l("Say why the message is hidden."))
    if m.hidden_at is None:
        m.hidden_at, m.hidden_reason, m.hidden_by_id = utcnow(), reason, actor.id
        record(actor, "fgd.hide_message", fgd, message_id=m.id, reason=reason)
        _emit(fgd, actor, "message_updated", message_payload(m))
    return m


def mark_point(actor, fgd: FgdSession, message_id: int, is_point: bool = True) -> RoomMessage:
    """A facilitator marks (or unmarks) a message as a discussion point for the minutes."""
    policy.require(policy.can_manage_fgd(actor, fgd), _l("Only a facilitator can mark points."))
    m = _message(fgd, message_id)
    if m.hidden_at is not None:
        raise Conflict(_l("A hidden message cannot be a point."))
    m.is_point = bool(is_point)
    record(actor, "fgd.mark_point", fgd, message_id=m.id, is_point=m.is_point)
    _emit(fgd, actor, "message_updated", message_payload(m))
    return m


def set_muted(actor, fgd: FgdSession, user: User, muted: bool = True) -> None:
    """A facilitator mutes or unmutes a participant (facilitators cannot be muted)."""
    policy.require(policy.can_manage_fgd(actor, fgd), _l("Only a facilitator can mute participants."))
    if policy.can_manage_fgd(user, fgd):
        raise Conflict(_l("A facilitator cannot be muted."))
    row = db.session.get(Mute, (fgd.id, user.id))
    if muted and row is None:
        db.session.add(Mute(session_id=fgd.id, user_id=user.id, muted_by_id=actor.id))
    elif not muted and row is not None:
        db.session.delete(row)
    db.session.flush()
    record(actor, "fgd.mute" if muted else "fgd.unmute", fgd, user_id=user.id)
    _emit(fgd, actor, "muted", {"session_id": fgd.id, "user_id": user.id, "muted": muted})


def make_action_item(actor, fgd: FgdSession, title: str, message_id: int | None = None,
                     owner: Organisation | None = None) -> ActionItem:
    """A facilitator turns a point (or a free text) into an action item; the message becomes a
    point if it was not one. Refuses: non-facilitators, hidden messages, an empty title."""
    policy.require(policy.can_manage_fgd(actor, fgd), _l("Only a facilitator can record action items."))
    if message_id is not None:
        m = _message(fgd, message_id)
        if m.hidden_at is not None:
            raise Conflict(_l("A hidden message cannot be a point."))
        title = title or m.body
        if not m.is_point:
            m.is_point = True
            _emit(fgd, actor, "message_updated", message_payload(m))
    title = squash(title)[:300]
    if not title:
        raise ValidationFailed(_l("Give the action item a title."), errors={"title": [_l("Give the action item a title.")]})
    item = ActionItem(session_id=fgd.id, message_id=message_id, title=title, owner_organisation=owner,
                      created_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    record(actor, "fgd.action_item", fgd, action_item_id=item.id)
    return item


def _proposal_title(body: str, topic: str) -> str:
    """The first line of the point, cut at a word before 200 characters."""
    title = squash(body.strip().splitlines()[0] if body.strip() else "")
    if len(title) > 200:
        title = title[:199].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
    if len(title) < 5:  # proposals need a real title: lean on the FGD's topic
        title = squash(f"{topic}: {title}")[:200]
    return title


def make_proposal(actor, fgd: FgdSession, message_id: int, dimension: str | None = None) -> PointProposal:
    """A facilitator turns a point into a draft proposal of the office (RT/RW) of the person who
    raised it: credited to them (author), title and problem prefilled from the message, linked
    back to this FGD. The author finds it among their drafts, edits and submits it.

    The dimension defaults to the FGD's first one. Refuses: non-facilitators (403), hidden or
    unknown messages, a point that already became a proposal (409), a raiser who is not an
    RT/RW head with an open term (409: make it an action item instead), no dimension (422)."""
    from collab.proposals.models import ProposalState, ProposalTransition
    from collab.proposals.services import suggest_opd

    policy.require(policy.can_manage_fgd(actor, fgd), _l("Only a facilitator can turn points into proposals."))
    m = _message(fgd, message_id)
    if m.hidden_at is not None:
        raise Conflict(_l("A hidden message cannot be a point."))
    done = db.session.scalar(select(PointProposal).where(PointProposal.message_id == m.id))
    if done is not None:
        raise Conflict(_l("This point is already draft proposal #%(id)d.", id=done.proposal_id))
    raiser = m.author
    if not policy.can_create_proposal(raiser):
        raise Conflict(_l("%(name)s does not head an RT or RW (no open term), so the point cannot become their "
                          "proposal. Record it as an action item instead.", name=raiser.name))
    code = dimension or (fgd.dimensions[0] if fgd.dimensions else None)
    if code not in DimensionCode.__members__:
        raise ValidationFailed(_l("Choose a masterplan dimension."),
                               errors={"dimension": [_l("Choose a masterplan dimension.")]})
    title = _proposal_title(m.body, fgd.topic)
    problem = (m.body.strip() + "\n\n" + _("Raised in the FGD “%(topic)s” on %(date)s.", topic=fgd.topic,
                                              date=f"{m.created_at:%Y-%m-%d}"))[:8000]
    proposal = Proposal(office_id=raiser.office.id, author_id=raiser.id, state=ProposalState.draft,
                        year=date.today().year, title=title, problem=problem, dimension=DimensionCode(code))
    proposal.suggested_opd = suggest_opd(proposal.dimension, proposal.title, proposal.problem)
    db.session.add(proposal)
    db.session.flush()
    db.session.add(ProposalTransition(proposal=proposal, from_state=None, to_state=ProposalState.draft,
                                      action="create", actor_id=actor.id,
                                      note=_("From the FGD “%(topic)s”.", topic=fgd.topic)))
    link = PointProposal(session_id=fgd.id, message_id=m.id, proposal=proposal, created_by_id=actor.id)
    db.session.add(link)
    if not m.is_point:
        m.is_point = True
        _emit(fgd, actor, "message_updated", message_payload(m))
    db.session.flush()
    record(actor, "proposal.create", proposal, title=proposal.title, fgd_session_id=fgd.id, author_id=raiser.id)
    record(actor, "fgd.point_proposal", fgd, message_id=m.id, proposal_id=proposal.id)
    _emit(fgd, actor, "point_outcome", {"session_id": fgd.id, "message_id": m.id, "proposal_id": proposal.id})
    fgd_point_proposed.send(fgd, actor=actor, proposal=proposal)
    return link


def points(fgd: FgdSession) -> list[dict]:
    """The visible points of a session, in order, each with what became of it:
    `{"message", "proposal_link", "action_items"}` (three queries, whatever the number)."""
    msgs = list(db.session.scalars(
        select(RoomMessage).where(RoomMessage.session_id == fgd.id, RoomMessage.is_point.is_(True),
                                  RoomMessage.hidden_at.is_(None))
        .options(db.selectinload(RoomMessage.author).selectinload(User.terms).joinedload(OfficeTerm.area),
                 db.joinedload(RoomMessage.agenda_item))
        .order_by(RoomMessage.seq)))
    links = {link.message_id: link for link in db.session.scalars(
        select(PointProposal).where(PointProposal.session_id == fgd.id)
        .options(db.joinedload(PointProposal.proposal).joinedload(Proposal.author)))}
    items: dict[int, list[ActionItem]] = {}
    for item in db.session.scalars(select(ActionItem).where(ActionItem.session_id == fgd.id,
                                                            ActionItem.message_id.is_not(None))
                                   .order_by(ActionItem.id)):
        items.setdefault(item.message_id, []).append(item)
    return [{"message": m, "proposal_link": links.get(m.id), "action_items": items.get(m.id, [])} for m in msgs]


def proposal_origin(proposal) -> PointProposal | None:
    """The FGD point a proposal came from, if any."""
    return db.session.scalar(select(PointProposal).where(PointProposal.proposal_id == proposal.id)
                             .options(db.joinedload(PointProposal.session)))


# -- hands ---------------------------------------------------------------------------------------

def open_hands(fgd: FgdSession) -> list[HandRaise]:
    return list(db.session.scalars(select(HandRaise).where(HandRaise.session_id == fgd.id,
                                                           HandRaise.lowered_at.is_(None),
                                                           HandRaise.called_at.is_(None))
                                   .order_by(HandRaise.raised_at, HandRaise.id)))


def hands_payload(fgd: FgdSession) -> dict:
    return {"session_id": fgd.id, "queue": [{"user_id": h.user_id, "name": h.user.name} for h in open_hands(fgd)]}


def _require_live_participant(actor, fgd):
    policy.require(policy.can_join_fgd_room(actor, fgd), _l("You are not invited to this FGD."))
    if fgd.status != FgdStatus.live:
        raise Conflict(_l("The room is not open."))


def raise_hand(actor, fgd: FgdSession) -> None:
    """Join the end of the queue (raising twice keeps one place)."""
    _require_live_participant(actor, fgd)
    if not any(h.user_id == actor.id for h in open_hands(fgd)):
        db.session.add(HandRaise(session_id=fgd.id, user_id=actor.id))
        db.session.flush()
    _emit(fgd, actor, "hands", hands_payload(fgd))


def lower_hand(actor, fgd: FgdSession) -> None:
    _require_live_participant(actor, fgd)
    for h in open_hands(fgd):
        if h.user_id == actor.id:
            h.lowered_at = utcnow()
    db.session.flush()
    _emit(fgd, actor, "hands", hands_payload(fgd))


def call_next_hand(actor, fgd: FgdSession) -> User | None:
    """A facilitator gives the floor to the first in the queue; returns that person or None."""
    policy.require(policy.can_manage_fgd(actor, fgd), _l("Only a facilitator can call on participants."))
    queue = open_hands(fgd)
    if not queue:
        return None
    queue[0].called_at = utcnow()
    db.session.flush()
    payload = hands_payload(fgd)
    payload["called"] = {"user_id": queue[0].user_id, "name": queue[0].user.name}
    _emit(fgd, actor, "hands", payload)
    return queue[0].user


# -- polls ---------------------------------------------------------------------------------------

def poll_payload(poll: Poll) -> dict:
    counts = dict(db.session.execute(select(PollVote.option_id, func.count(PollVote.id))
                                     .where(PollVote.poll_id == poll.id).group_by(PollVote.option_id)).all())
    return {"id": poll.id, "session_id": poll.session_id, "question": poll.question,
            "closed": poll.closed_at is not None,
            "options": [{"id": o.id, "label": o.label, "votes": counts.get(o.id, 0)} for o in poll.options],
            "total": sum(counts.values())}


def create_poll(actor, fgd: FgdSession, question: str, options: list[str]) -> Poll:
    """A facilitator asks a quick question with 2 to 10 options."""
    policy.require(policy.can_manage_fgd(actor, fgd), _l("Only a facilitator can start a poll."))
    if fgd.status != FgdStatus.live:
        raise Conflict(_l("The room is not open."))
    question = squash(question)[:300]
    labels = [squash(o)[:200] for o in options or [] if squash(o)]
    if not question or not 2 <= len(labels) <= 10:
        raise ValidationFailed(_l("A poll needs a question and 2 to 10 options."))
    poll = Poll(session_id=fgd.id, question=question, created_by_id=actor.id,
                options=[PollOption(label=label, position=i) for i, label in enumerate(labels)])
    db.session.add(poll)
    db.session.flush()
    record(actor, "fgd.poll_create", fgd, poll_id=poll.id)
    _emit(fgd, actor, "poll", poll_payload(poll))
    return poll


def _poll(fgd: FgdSession, poll_id) -> Poll:
    poll = db.session.get(Poll, poll_id) if valid_id(poll_id) else None
    if poll is None or poll.session_id != fgd.id:
        raise NotFound(_l("No such poll."))
    return poll


def vote(actor, fgd: FgdSession, poll_id: int, option_id: int) -> Poll:
    """One vote per participant per open poll; voting again changes the choice."""
    _require_live_participant(actor, fgd)
    poll = _poll(fgd, poll_id)
    if poll.closed_at is not None:
        raise Conflict(_l("This poll is closed."))
    if option_id not in {o.id for o in poll.options}:
        raise ValidationFailed(_l("Unknown option."))
    row = db.session.scalar(select(PollVote).where(PollVote.poll_id == poll.id, PollVote.voter_id == actor.id))
    if row is None:
        db.session.add(PollVote(poll_id=poll.id, option_id=option_id, voter_id=actor.id))
    else:
        row.option_id = option_id
    db.session.flush()
    _emit(fgd, actor, "poll", poll_payload(poll))
    return poll


def close_poll(actor, fgd: FgdSession, poll_id: int) -> Poll:
    policy.require(policy.can_manage_fgd(actor, fgd), _l("Only a facilitator can close a poll."))
    poll = _poll(fgd, poll_id)
    if poll.closed_at is None:
        poll.closed_at = utcnow()
        record(actor, "fgd.poll_close", fgd, poll_id=poll.id)
        _emit(fgd, actor, "poll", poll_payload(poll))
    return poll


def my_votes(fgd: FgdSession, user) -> dict[int, int]:
    """poll id -> the option this person chose, for the room to mark their choice."""
    return dict(db.session.execute(select(PollVote.poll_id, PollVote.option_id).join(Poll).where(
        Poll.session_id == fgd.id, PollVote.voter_id == user.id)).all())


def polls(fgd: FgdSession) -> list[Poll]:
    return list(db.session.scalars(select(Poll).where(Poll.session_id == fgd.id).order_by(Poll.id)))


# -- minutes ------------------------------------------------------------------------------------

def _point_line(point: dict) -> str:
    """One point in the minutes, with what became of it."""
    m = point["message"]
    line = f"- {m.body} — *{m.author.name}*"
    link = point["proposal_link"]
    if link is not None:
        line += " → " + _("draft proposal #%(id)d “%(title)s”", id=link.proposal_id, title=link.proposal.title)
    if point["action_items"]:
        line += " → " + _("action item")
    return line


def draft_minutes_text(fgd: FgdSession) -> str:
    """Markdown drafted from the agenda, the points (per agenda item), the polls, the action
    items and the attendance. Written in the reader's language at the time of drafting."""
    t = {"minutes": _("Minutes"), "start": _("Start"), "venue": _("Venue"), "organiser": _("Organiser"),
         "attendance": _("Attendance"), "nobody": _("Nobody checked in."), "agenda": _("Agenda and points"),
         "other": _("Other points"), "polls": _("Polls"), "actions": _("Decisions and action items")}
    lines = [f"# {t['minutes']}: {fgd.topic}", "", f"- {t['start']}: {span(fgd.starts_at, fgd.ends_at)}"]
    if fgd.venue:
        lines.append(f"- {t['venue']}: {fgd.venue}")
    if fgd.organiser:
        lines.append(f"- {t['organiser']}: {fgd.organiser.name}")
    rows = attendance(fgd)
    lines += ["", f"## {t['attendance']} ({len(rows)})", ""]
    lines += [f"- {a.user.name} ({a.mode.label})" for a in rows] or [f"- {t['nobody']}"]
    found = points(fgd)
    lines += ["", f"## {t['agenda']}", ""]
    for item in fgd.agenda:
        lines.append(f"### {item.position + 1}. {item.title}")
        lines += [_point_line(p) for p in found if p["message"].agenda_item_id == item.id] or [""]
        lines.append("")
    loose = [p for p in found if p["message"].agenda_item_id is None]
    if loose:
        lines += [f"### {t['other']}", ""] + [_point_line(p) for p in loose] + [""]
    all_polls = polls(fgd)
    if all_polls:
        lines += [f"## {t['polls']}", ""]
        for poll in all_polls:
            data = poll_payload(poll)
            lines.append(f"**{poll.question}**")
            lines += [f"- {o['label']}: {o['votes']}" for o in data["options"]] + [""]
    actions = list(db.session.scalars(select(ActionItem).where(ActionItem.session_id == fgd.id).order_by(ActionItem.id)))
    lines += [f"## {t['actions']}", ""]
    lines += [f"- [ ] {a.title}" + (f" ({a.owner_organisation.short_name})" if a.owner_organisation else "")
              for a in actions] or ["- "]
    return "\n".join(lines).strip() + "\n"


def save_minutes(actor, fgd: FgdSession, body: str | None = None) -> Minutes:
    """Draft (body None: generated) or edit the minutes; a manager, after the session ended."""
    policy.require(policy.can_manage_fgd(actor, fgd), _l("Only a facilitator writes the minutes."))
    if fgd.status not in (FgdStatus.ended, FgdStatus.minutes_published):
        raise Conflict(_l("Minutes are written after the session has ended."))
    text = draft_minutes_text(fgd) if body is None else body.strip()[:100000]  # queries: before the new row
    minutes = fgd.minutes or Minutes(session=fgd)
    minutes.body = text
    minutes.updated_by_id = actor.id
    db.session.add(minutes)
    db.session.flush()
    record(actor, "fgd.minutes_save", fgd)
    return minutes


def publish_minutes(actor, fgd: FgdSession) -> Minutes:
    policy.require(policy.can_manage_fgd(actor, fgd), _l("Only a facilitator publishes the minutes."))
    if fgd.minutes is None or not fgd.minutes.body.strip():
        raise Conflict(_l("Write the minutes first."))
    if fgd.status != FgdStatus.ended:
        raise Conflict(_l("Minutes are published once, after the session has ended."))
    fgd.minutes.published_at = utcnow()
    fgd.status = FgdStatus.minutes_published
    record(actor, "fgd.minutes_publish", fgd)
    fgd_minutes_published.send(fgd, actor=actor)
    return fgd.minutes


# -- lists ----------------------------------------------------------------------------------------

def visible_sessions(user):
    """Sessions the user may see: public ones, and ones they are invited to or manage."""
    stmt = select(FgdSession)
    if user is None or not policy._authenticated(user):
        return stmt.where(FgdSession.public.is_(True))
    if user.is_admin:
        return stmt
    invited = select(Invitation.session_id).where(Invitation.user_id == user.id)
    facilitating = select(FgdFacilitator.session_id).where(FgdFacilitator.user_id == user.id)
    return stmt.where(FgdSession.public.is_(True) | FgdSession.id.in_(invited) | FgdSession.id.in_(facilitating)
                      | (FgdSession.created_by_id == user.id))


def my_invitations(user, upcoming_only: bool = True) -> list[Invitation]:
    stmt = (select(Invitation).join(FgdSession).where(Invitation.user_id == user.id)
            .options(db.contains_eager(Invitation.session)).order_by(FgdSession.starts_at))
    if upcoming_only:
        stmt = stmt.where(FgdSession.status.in_([FgdStatus.scheduled, FgdStatus.live]))
    return list(db.session.scalars(stmt))
