"""FGD sessions in the JSON API: the same services as the pages and the live room."""
from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from collab import permissions as policy
from collab.accounts.models import Role, User
from collab.areas.models import Area
from collab.core.api import ProblemSchema, actor, make_blueprint, require_login
from collab.core.errors import NotFound, ValidationFailed
from collab.extensions import db
from collab.fgd import services
from collab.fgd.models import FgdSession, FgdStatus, Invitation, Rsvp

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
    facilitator_ids = fields.List(fields.Integer(), load_default=list)
    last_seq = fields.Integer(dump_only=True)


class InviteSchema(Schema):
    user_ids = fields.List(fields.Integer(), load_default=list)
    role = fields.Enum(Role, load_default=None)
    area_id = fields.Integer(load_default=None)


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
    after = fields.Integer(load_default=0, validate=validate.Range(min=0),
                           metadata={"description": "the last seq you have; returns the ones after it, in order"})
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=500))


class NewMessageSchema(Schema):
    body = fields.String(required=True)
    client_key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    agenda_item_id = fields.Integer(load_default=None, allow_none=True)


class MinutesSchema(Schema):
    body = fields.String()
    published_at = fields.DateTime(allow_none=True)


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
    @blp.response(200, SessionSchema(many=True))
    def get(self):
        """Sessions the caller may see (public ones for everybody), newest first."""
        return db.session.scalars(services.visible_sessions(actor()).order_by(FgdSession.starts_at.desc())
                                  .limit(200)).all()

    @blp.arguments(SessionSchema)
    @blp.response(201, SessionSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    def post(self, data):
        """Schedule an FGD (OPD officer or admin)."""
        require_login()
        agenda = data.pop("agenda") or []
        if not isinstance(agenda, list) or not all(isinstance(a, str) for a in agenda):
            raise ValidationFailed(_("The agenda is a list of titles."))
        ids = data.pop("facilitator_ids")
        facilitators = db.session.scalars(select(User).where(User.id.in_(ids))).all() if ids else []
        fgd = services.save_session(current_user, None, agenda=agenda, facilitators=facilitators, **data)
        db.session.commit()
        return fgd


@blp.route("/sessions/<int:session_id>")
@blp.response(200, SessionSchema)
@blp.alt_response(404, schema=ProblemSchema)
def get_session(session_id: int):
    """One session (public ones for everybody; private ones for participants)."""
    return _visible(session_id)


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
    @blp.alt_response(403, schema=ProblemSchema)
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
@blp.alt_response(403, schema=ProblemSchema)
def post_rsvp(data, session_id: int):
    """Answer an invitation: yes, no or maybe."""
    require_login()
    inv = services.rsvp(current_user, _visible(session_id), data["answer"])
    db.session.commit()
    return inv


@blp.route("/sessions/<int:session_id>/check-in", methods=["POST"])
@blp.arguments(CheckInSchema)
@blp.response(201, AttendanceSchema)
@blp.alt_response(422, schema=ProblemSchema)
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
    @blp.alt_response(409, schema=ProblemSchema)
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
@blp.alt_response(404, schema=ProblemSchema)
def get_minutes(session_id: int):
    """The minutes: published ones for participants (everybody if public); drafts for facilitators."""
    fgd = _visible(session_id)
    if not policy.can_read_fgd_minutes(actor(), fgd):
        raise NotFound(_("The minutes are not published yet."))
    return fgd.minutes
