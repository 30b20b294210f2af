"""Accounts in the JSON API: the caller's profile and tokens; the admin's account tools."""
from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from collab import permissions as policy
from collab.accounts import services
from collab.accounts.models import ApiToken, Role, TokenPurpose, User, UserRole
from collab.areas.models import Area
from collab.core.api import (
    PageArgs,
    PageMeta,
    actor,
    make_blueprint,
    page_payload,
    require_login,
)
from collab.core.errors import NotFound, PermissionDenied, ValidationFailed
from collab.extensions import db
from collab.orgs.models import Organisation

blp = make_blueprint("accounts", __name__, "", "Accounts, roles, RT/RW offices and personal API tokens.")


class TermSchema(Schema):
    area_id = fields.Integer()
    area = fields.Function(lambda t: t.area.full_name())
    started_on = fields.Date()
    ended_on = fields.Date(allow_none=True)


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    email = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    phone = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=30))
    roles = fields.Function(lambda u: sorted(r.value for r in u.roles),
                            deserialize=lambda v: {Role(r) for r in v} if all(r in Role.__members__ for r in v) else None,
                            required=True, metadata={"type": "array", "items": {"type": "string", "enum": [r.value for r in Role]}})
    organisation_id = fields.Integer(allow_none=True, load_default=None)
    area_id = fields.Integer(allow_none=True, load_default=None, load_only=True,
                             metadata={"description": "the RT/RW office, for a new RT/RW head"})
    active = fields.Boolean(dump_only=True)
    activated = fields.Boolean(dump_only=True)
    terms = fields.List(fields.Nested(TermSchema), dump_only=True)


class UserPage(Schema):
    items = fields.List(fields.Nested(UserSchema))
    meta = fields.Nested(PageMeta)


class UserQuery(PageArgs):
    role = fields.Enum(Role, load_default=None)


class TokenSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    prefix = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True)
    revoked_at = fields.DateTime(dump_only=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(dump_only=True, metadata={"description": "shown once; only its hash is stored"})


class LinkQuery(Schema):
    purpose = fields.Enum(TokenPurpose, required=True)


class LinkSchema(Schema):
    url = fields.String()


class OfficeHeadSchema(Schema):
    user_id = fields.Integer(required=True)
    started_on = fields.Date(required=True)


class ImportedSchema(Schema):
    created = fields.List(fields.Dict())


def _admin():
    require_login()
    policy.require(policy.can_manage_users(actor()))


def _org(org_id):
    if not org_id:
        return None
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise ValidationFailed(_("Unknown organisation."), errors={"organisation_id": [_("Unknown organisation.")]})
    return org


def _roles(data):
    if data.get("roles") is None:
        raise ValidationFailed(_("Unknown role."), errors={"roles": [_("Unknown role.")]})
    return data["roles"]


@blp.route("/me")
@blp.response(200, UserSchema)
@blp.problems(403)
def me():
    """The calling user."""
    require_login()
    return actor()


@blp.route("/me/tokens")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    def get(self):
        """The caller's API tokens (without their secret)."""
        require_login()
        return services.user_api_tokens(actor())

    @blp.arguments(TokenSchema)
    @blp.response(201, NewTokenSchema)
    def post(self, data):
        """Create a token; its value is in the response, once."""
        require_login()
        token, raw = services.create_api_token(actor(), data["name"])
        db.session.commit()
        token.token = raw
        return token


@blp.route("/me/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
@blp.problems(404)
def revoke_token(token_id):
    """Revoke one of the caller's tokens."""
    require_login()
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor().id:
        raise NotFound(_("No such token."))
    services.revoke_api_token(actor(), token)
    db.session.commit()


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserQuery, location="query")
    @blp.response(200, UserPage)
    @blp.problems(403)
    def get(self, args):
        """All accounts, paginated, optionally by role (admin)."""
        _admin()
        stmt = select(User).order_by(User.name)
        if args["role"]:
            stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == args["role"])))
        return page_payload(db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False))

    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    @blp.problems(422)
    def post(self, data):
        """Create an account (admin); hand over an activation link from /users/{id}/links."""
        _admin()
        office = db.session.get(Area, data["area_id"]) if data.get("area_id") else None
        user = services.create_user(actor(), name=data["name"], email=data["email"], phone=data["phone"],
                                    roles=_roles(data), organisation=_org(data["organisation_id"]), office=office)
        db.session.commit()
        return user


@blp.route("/users/<int:user_id>")
class UserResource(MethodView):
    @blp.response(200, UserSchema)
    @blp.problems(403)
    def get(self, user_id):
        """One account (admin, or the user themself)."""
        require_login()
        user = db.get_or_404(User, user_id)
        if not policy.can_view_user(actor(), user):
            raise PermissionDenied(_("You may not see this account."))
        return user

    @blp.arguments(UserSchema)
    @blp.response(200, UserSchema)
    @blp.problems(422)
    def put(self, data, user_id):
        """Replace name, contact, roles and organisation (admin)."""
        _admin()
        user = db.get_or_404(User, user_id)
        services.update_user(actor(), user, name=data["name"], email=data["email"], phone=data["phone"],
                             roles=_roles(data), organisation=_org(data["organisation_id"]))
        db.session.commit()
        return user


@blp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@blp.response(200, UserSchema)
def deactivate_user(user_id):
    """Deactivate: no more logins, sessions and tokens end, history stays (admin)."""
    _admin()
    user = db.get_or_404(User, user_id)
    services.set_active(actor(), user, False)
    db.session.commit()
    return user


@blp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@blp.response(200, UserSchema)
def reactivate_user(user_id):
    """Reactivate a deactivated account (admin)."""
    _admin()
    user = db.get_or_404(User, user_id)
    services.set_active(actor(), user, True)
    db.session.commit()
    return user


@blp.route("/users/<int:user_id>/links", methods=["POST"])
@blp.arguments(LinkQuery, location="query")
@blp.response(201, LinkSchema)
def make_link(args, user_id):
    """A one-time activation or password-reset link (admin); earlier links stop working."""
    _admin()
    user = db.get_or_404(User, user_id)
    raw = services.issue_one_time_link(actor(), user, args["purpose"])
    db.session.commit()
    return {"url": url_for("accounts.activate", token=raw, _external=True)}


@blp.route("/users/import", methods=["POST"])
@blp.response(201, ImportedSchema)
@blp.problems(422)
def import_users():
    """Import accounts from CSV (admin): multipart `file` or a text/csv body. All or nothing;
    a 422 lists every bad row with its line number. Returns each account's activation link."""
    _admin()
    upload = request.files.get("file")
    data = upload.read() if upload else request.get_data()
    created = services.import_users_csv(actor(), data)
    db.session.commit()
    return {"created": [{"id": u.id, "name": u.name,
                         "activation_url": url_for("accounts.activate", token=raw, _external=True)} for u, raw in created]}


@blp.route("/offices/<int:area_id>/head", methods=["POST"])
@blp.arguments(OfficeHeadSchema)
@blp.response(201, TermSchema)
@blp.problems(409)
def change_head(data, area_id):
    """Record a new head for an RT/RW office (admin); the current term ends the day before."""
    _admin()
    office = db.get_or_404(Area, area_id)
    new_head = db.session.get(User, data["user_id"])
    if new_head is None:
        raise ValidationFailed(_("Unknown user."), errors={"user_id": [_("Unknown user.")]})
    term = services.record_office_head(actor(), office, new_head, data["started_on"])
    db.session.commit()
    return term
