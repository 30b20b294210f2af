"""FGD sessions in the JSON API: the same services as the pages and the live room."""
from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.accounts.models import Role, User
from collab.areas.models import Area
from collab.core.api import PageArgs, actor, make_blueprint, page_payload, require_login
from collab.core.errors import NotFound, ValidationFailed
from collab.extensions import db
from collab.fgd import services
from collab.fgd.models import FgdSession, FgdStatus, Invitation, Rsvp

ROW_ID = validate.Range(min=1, max=2**31 - 1, error="Unknown id.")

blp = make_blueprint("fgd", __name__, "/fgd", "FGD sessions: schedule, invitations, check-in, room messages, minutes.")


class AgendaSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    title = fields.String()


class SessionSchema(Schema):
    id = fields.Integer(dump_only=True)
    topic = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=8000))
    dimensions = fields.List(fields.String(), load_default=list)
    starts_at = fields.AwareDateTime(required=True, default_timezone=None)
    ends_at = fields.AwareDateTime(required=True, default_timezone=None)
    venue = fields.String(load_default="", validate=validate.Length(max=200))
    online = fields.Boolean(load_default=True)
    public = fields.Boolean(load_default=False)
    status = fields.Enum(FgdStatus, dump_only=True)
    organiser = fields.Function(lambda s: s.organiser.short_name if s.organiser else None, dump_only=True)
    agenda = fields.Function(lambda s: AgendaSchema(many=True).dump(s.agenda), deserialize=lambda v: v,
                             load_default=list, metadata={"description": "list of titles when creating"})
    facilitator_ids = fields.List(fields.Integer(validate=ROW_ID), load_default=list, validate=validate.Length(max=50))
    last_seq = fields.Integer(dump_only=True)


class SessionPage(Schema):
    items = fields.List(fields.Nested(SessionSchema))
    meta = fields.Dict()


class InviteSchema(Schema):
    user_ids = fields.List(fields.Integer(validate=ROW_ID), load_default=list, validate=validate.Length(max=1000))
    role = fields.Enum(Role, load_default=None)
    area_id = fields.Integer(load_default=None, validate=ROW_ID)


class InvitationSchema(Schema):
    user_id = fields.Integer()
    name = fields.Function(lambda i: i.user.name)
    via = fields.String(attribute="via.value")
    rsvp = fields.Enum(Rsvp)


class RsvpSchema(Schema):
    answer = fields.Enum(Rsvp, required=True)


class CheckInSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=12))


class AttendanceSchema(Schema):
    user_id = fields.Integer()
    name = fields.Function(lambda a: a.user.name)
    mode = fields.String(attribute="mode.value")
    checked_in_at = fields.DateTime()


class MessageSchema(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    session_id = fields.Integer()
    author_id = fields.Integer()
    author = fields.String()
    agenda_item_id = fields.Integer(allow_none=True)
    body = fields.String(allow_none=True, metadata={"description": "null when hidden"})
    hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True)
    is_point = fields.Boolean()
    created_at = fields.String()


class MessageQuery(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1),
                           metadata={"description": "the last seq you have; returns the ones after it, in order"})
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=500))


class NewMessageSchema(Schema):
    body = fields.String(required=True)
    client_key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    agenda_item_id = fields.Integer(load_default=None, allow_none=True, validate=ROW_ID)


class MinutesSchema(Schema):
    body = fields.String()
    published_at = fields.DateTime(allow_none=True)


class MinutesInSchema(Schema):
    body = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100000),
                         metadata={"description": "the edited text; omit (or null) to draft it again from the "
                                                  "agenda, points, polls and attendance"})


def _visible(session_id: int) -> FgdSession:
    fgd = db.session.get(FgdSession, session_id)
    if fgd is None or not policy.can_view_fgd(actor(), fgd):
        raise NotFound(_("No such FGD session."))
    return fgd


def _participant(session_id: int) -> FgdSession:
    require_login()
    fgd = _visible(session_id)
    policy.require(policy.is_fgd_participant(current_user, fgd), _("You are not invited to this FGD."))
    return fgd


@blp.route("/sessions")
class Sessions(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, SessionPage)
    def get(self, args):
        """Sessions the caller may see (public ones for everybody), newest first, a page at a time."""
        stmt = (services.visible_sessions(actor())
                .options(selectinload(FgdSession.organiser), selectinload(FgdSession.agenda))
                .order_by(FgdSession.starts_at.desc(), FgdSession.id.desc()))
        return page_payload(db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False))

    @blp.arguments(SessionSchema)
    @blp.response(201, SessionSchema)
    @blp.problems(403, 422)
    def post(self, data):
        """Schedule an FGD (OPD officer or admin)."""
        require_login()
        fgd = _save(None, data)
        db.session.commit()
        return fgd


def _save(fgd: FgdSession | None, data: dict) -> FgdSession:
    agenda = data.pop("agenda") or []
    if not isinstance(agenda, list) or not all(isinstance(a, str) for a in agenda):
        raise ValidationFailed(_("The agenda is a list of titles."))
    ids = set(data.pop("facilitator_ids"))
    facilitators = db.session.scalars(select(User).where(User.id.in_(ids))).all() if ids else []
    if len(facilitators) != len(ids):
        message = _("Facilitators are chosen among the OPD officers and the secretariat.")
        raise ValidationFailed(message, errors={"facilitator_ids": [message]})
    return services.save_session(current_user, fgd, agenda=agenda, facilitators=facilitators, **data)


@blp.route("/sessions/<int:session_id>")
class SessionItem(MethodView):
    @blp.response(200, SessionSchema)
    @blp.problems(404)
    def get(self, session_id: int):
        """One session (public ones for everybody; private ones for participants)."""
        return _visible(session_id)

    @blp.arguments(SessionSchema)
    @blp.response(200, SessionSchema)
    @blp.problems(403, 409, 422)
    def put(self, data, session_id: int):
        """Change a scheduled session (its facilitators): every field as when scheduling it;
        `agenda` and `facilitator_ids` replace the current ones. Refused (409) once it has started."""
        fgd = _managed(session_id)
        fgd = _save(fgd, data)
        db.session.commit()
        return fgd


@blp.route("/sessions/<int:session_id>/invitations")
class Invitations(MethodView):
    @blp.response(200, InvitationSchema(many=True))
    def get(self, session_id):
        """Who is invited and what they answered (facilitators)."""
        require_login()
        fgd = _visible(session_id)
        policy.require(policy.can_manage_fgd(current_user, fgd))
        return db.session.scalars(select(Invitation).where(Invitation.session_id == fgd.id).order_by(Invitation.id)).all()

    @blp.arguments(InviteSchema)
    @blp.response(201, InvitationSchema(many=True))
    @blp.problems(403)
    def post(self, data, session_id):
        """Invite persons, a role or the RT/RW heads of an area subtree (facilitators). Returns the new ones."""
        require_login()
        fgd = _visible(session_id)
        policy.require(policy.can_manage_fgd(current_user, fgd))
        users = db.session.scalars(select(User).where(User.id.in_(data["user_ids"]))).all() if data["user_ids"] else []
        area = db.session.get(Area, data["area_id"]) if data["area_id"] else None
        if data["area_id"] and area is None:
            raise ValidationFailed(_("Unknown area."))
        created = services.invite(current_user, fgd, users=users, role=data["role"], area=area)
        db.session.commit()
        return created


@blp.route("/sessions/<int:session_id>/rsvp", methods=["POST"])
@blp.arguments(RsvpSchema)
@blp.response(200, InvitationSchema)
@blp.problems(403)
def post_rsvp(data, session_id: int):
    """Answer an invitation: yes, no or maybe."""
    require_login()
    inv = services.rsvp(current_user, _visible(session_id), data["answer"])
    db.session.commit()
    return inv


@blp.route("/sessions/<int:session_id>/check-in", methods=["POST"])
@blp.arguments(CheckInSchema)
@blp.response(201, AttendanceSchema)
@blp.problems(422)
def post_check_in(data, session_id: int):
    """Check in at the venue with the code shown in the room."""
    fgd = _participant(session_id)
    row = services.check_in(current_user, fgd, data["code"])
    db.session.commit()
    return row


@blp.route("/sessions/<int:session_id>/messages")
class Messages(MethodView):
    @blp.arguments(MessageQuery, location="query")
    @blp.response(200, MessageSchema(many=True))
    def get(self, args, session_id):
        """Room messages with seq greater than `after`, in order (participants). Hidden ones keep
        their place with `body: null`."""
        fgd = _participant(session_id)
        return [services.message_payload(m) for m in services.messages_after(fgd, args["after"], args["limit"])]

    @blp.arguments(NewMessageSchema)
    @blp.response(201, MessageSchema)
    @blp.problems(409)
    def post(self, data, session_id):
        """Post a message. A retried `client_key` returns the stored message (200, not 201)."""
        fgd = _participant(session_id)
        message, created = services.post_message(current_user, fgd, data["body"], data["client_key"],
                                                 data["agenda_item_id"])
        payload = services.message_payload(message)
        db.session.commit()
        return payload, (201 if created else 200)


@blp.route("/sessions/<int:session_id>/minutes")
@blp.response(200, MinutesSchema)
@blp.problems(404)
def get_minutes(session_id: int):
    """The minutes: published ones for participants (everybody if public); drafts for facilitators."""
    fgd = _visible(session_id)
    if not policy.can_read_fgd_minutes(actor(), fgd):
        raise NotFound(_("The minutes are not published yet."))
    return fgd.minutes


class PointProposalArgs(Schema):
    dimension = fields.String(load_default=None, allow_none=True,
                              metadata={"description": "masterplan dimension code; default: the FGD's first"})


class PointProposalSchema(Schema):
    session_id = fields.Integer()
    message_id = fields.Integer()
    proposal_id = fields.Integer()
    title = fields.Function(lambda link: link.proposal.title)
    state = fields.Function(lambda link: link.proposal.state.value)
    author_id = fields.Function(lambda link: link.proposal.author_id)
    office_id = fields.Function(lambda link: link.proposal.office_id)


class ActionItemArgs(Schema):
    title = fields.String(load_default="", validate=validate.Length(max=300),
                          metadata={"description": "default: the message's text"})
    message_id = fields.Integer(load_default=None, allow_none=True, validate=ROW_ID)


class ActionItemSchema(Schema):
    id = fields.Integer()
    session_id = fields.Integer()
    message_id = fields.Integer(allow_none=True)
    title = fields.String()


class PointSchema(Schema):
    message = fields.Function(lambda p: services.message_payload(p["message"]))
    proposal = fields.Function(lambda p: PointProposalSchema().dump(p["proposal_link"]) if p["proposal_link"] else None)
    action_items = fields.Function(lambda p: ActionItemSchema(many=True).dump(p["action_items"]))


def _managed(session_id: int) -> FgdSession:
    require_login()
    fgd = _visible(session_id)
    policy.require(policy.can_manage_fgd(current_user, fgd))
    return fgd


@blp.route("/sessions/<int:session_id>/invitations/<int:user_id>", methods=["DELETE"])
@blp.response(204)
@blp.problems(404, 409)
def delete_invitation(session_id: int, user_id: int):
    """Withdraw an invitation (facilitators, before the session ends); the person's room sockets close."""
    fgd = _managed(session_id)
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound(_("This person is not invited."))
    services.uninvite(current_user, fgd, person)
    db.session.commit()


@blp.route("/sessions/<int:session_id>/points")
@blp.response(200, PointSchema(many=True))
def get_points(session_id: int):
    """The discussion points, in order, with what became of them (participants)."""
    return services.points(_participant(session_id))


@blp.route("/sessions/<int:session_id>/points/<int:message_id>/proposal", methods=["POST"])
@blp.arguments(PointProposalArgs)
@blp.response(201, PointProposalSchema)
@blp.problems(403, 409, 422)
def post_point_proposal(data, session_id: int, message_id: int):
    """Turn a point into a draft proposal of the raiser's RT/RW office, credited to them and
    linked to this FGD (facilitators). 409 when the raiser heads no RT/RW or it is done already."""
    fgd = _managed(session_id)
    link = services.make_proposal(current_user, fgd, message_id, data["dimension"])
    db.session.commit()
    return link


@blp.route("/sessions/<int:session_id>/action-items", methods=["POST"])
@blp.arguments(ActionItemArgs)
@blp.response(201, ActionItemSchema)
@blp.problems(403, 422)
def post_action_item(data, session_id: int):
    """Record an action item, from a point (`message_id`) or free text (facilitators)."""
    fgd = _managed(session_id)
    item = services.make_action_item(current_user, fgd, data["title"], data["message_id"])
    db.session.commit()
    return item


@blp.route("/sessions/<int:session_id>/open", methods=["POST"])
@blp.response(200, SessionSchema)
@blp.problems(403, 409)
def post_open(session_id: int):
    """Open the live room of a scheduled session (facilitators)."""
    fgd = _managed(session_id)
    services.open_room(current_user, fgd)
    db.session.commit()
    return fgd


@blp.route("/sessions/<int:session_id>/end", methods=["POST"])
@blp.response(200, SessionSchema)
@blp.problems(403, 409)
def post_end(session_id: int):
    """Close the room and end the session (facilitators); nobody can post after this."""
    fgd = _managed(session_id)
    services.end_session(current_user, fgd)
    db.session.commit()
    return fgd


@blp.route("/sessions/<int:session_id>/attendance")
@blp.response(200, AttendanceSchema(many=True))
@blp.problems(403)
def get_attendance(session_id: int):
    """Who attended, in the room (checked in with the code) or online (joined the live room) (facilitators)."""
    return services.attendance(_managed(session_id))


@blp.route("/sessions/<int:session_id>/minutes", methods=["PUT"])
@blp.arguments(MinutesInSchema)
@blp.response(200, MinutesSchema)
@blp.problems(403, 409)
def put_minutes(data, session_id: int):
    """Write the minutes after the session has ended (facilitators): the given text, or without
    `body` a fresh draft from the session's records."""
    fgd = _managed(session_id)
    minutes = services.save_minutes(current_user, fgd, data["body"])
    db.session.commit()
    return minutes


@blp.route("/sessions/<int:session_id>/minutes/publish", methods=["POST"])
@blp.response(200, MinutesSchema)
@blp.problems(403, 409)
def post_minutes_publish(session_id: int):
    """Publish the minutes, once (facilitators): invitees, and everybody for a public FGD, can read them."""
    fgd = _managed(session_id)
    minutes = services.publish_minutes(current_user, fgd)
    db.session.commit()
    return minutes
