"""Notifications in the JSON API: the caller's own notifications and e-mail settings."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from collab.core.api import (
    PageArgs,
    PageMeta,
    actor,
    make_blueprint,
    page_payload,
    require_login,
)
from collab.extensions import db
from collab.notifications import services
from collab.notifications.models import MailMode

blp = make_blueprint("notifications", __name__, "/notifications",
                     "The caller's notifications (newest first), read marks and e-mail settings.")


class NotificationSchema(Schema):
    id = fields.Integer()
    category = fields.Function(lambda n: n.category.value)
    kind = fields.String()
    text = fields.Function(services.text_of, metadata={"description": "in the caller's language"})
    url = fields.String(metadata={"description": "path of the object it is about"})
    object_type = fields.String()
    object_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    unread = fields.Boolean()


class NotificationPage(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    meta = fields.Nested(PageMeta)
    unread = fields.Integer(metadata={"description": "the caller's unread count"})


class NotificationListQuery(PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "only unread ones"})


class ReadAllResult(Schema):
    marked = fields.Integer()
    unread = fields.Integer()



class PreferencesSchema(Schema):
    """E-mail choice per category; on PUT, categories left out keep their setting."""

    proposals = fields.String(validate=validate.OneOf([m.value for m in MailMode]),
                              metadata={"description": "immediate | digest | off"})
    reviews = fields.String(validate=validate.OneOf([m.value for m in MailMode]))
    fgd = fields.String(validate=validate.OneOf([m.value for m in MailMode]))
    council = fields.String(validate=validate.OneOf([m.value for m in MailMode]))
    programmes = fields.String(validate=validate.OneOf([m.value for m in MailMode]))


def _prefs_payload(user) -> dict:
    return {c.value: m.value for c, m in services.preferences(user).items()}


@blp.route("/")
class Notifications(MethodView):
    @blp.arguments(NotificationListQuery, location="query")
    @blp.response(200, NotificationPage)
    @blp.problems(401)
    def get(self, args):
        """The caller's notifications, newest first; `unread=true` for unread ones only."""
        require_login()
        user = actor()
        payload = page_payload(services.list_for(user, args["unread"], args["page"], args["per_page"]))
        payload["unread"] = services.unread_count(user)
        return payload


@blp.route("/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
@blp.problems(401, 404)
def read(notification_id):
    """Mark one of the caller's notifications read (someone else's is 404)."""
    require_login()
    n = services.mark_read(actor(), services.get_notification(actor(), notification_id))
    db.session.commit()
    return n


@blp.route("/read-all", methods=["POST"])
@blp.response(200, ReadAllResult)
@blp.problems(401)
def read_all():
    """Mark all of the caller's notifications read."""
    require_login()
    marked = services.mark_all_read(actor())
    db.session.commit()
    return {"marked": marked, "unread": 0}


@blp.route("/preferences")
class Preferences(MethodView):
    @blp.response(200, PreferencesSchema)
    @blp.problems(401)
    def get(self):
        """The caller's e-mail choice per category (their own or their roles' default)."""
        require_login()
        return _prefs_payload(actor())

    @blp.arguments(PreferencesSchema)
    @blp.response(200, PreferencesSchema)
    @blp.problems(401, 422)
    def put(self, data):
        """Change e-mail choices: `immediate`, `digest` (daily) or `off` per category."""
        require_login()
        services.set_preferences(actor(), actor(), data)
        db.session.commit()
        return _prefs_payload(actor())

