"""Organisations in the JSON API."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from collab.core.api import actor, make_blueprint, require_login
from collab.extensions import db
from collab.orgs.models import Organisation, OrgKind, PartnerType
from collab.orgs.services import save_organisation

blp = make_blueprint("organisations", __name__, "/organisations", "OPDs, partners, the council and the secretariat.")


class OrganisationSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    short_name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    kind = fields.Enum(OrgKind, required=True)
    partner_type = fields.Enum(PartnerType, allow_none=True, load_default=None)
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    active = fields.Boolean(load_default=True)


class OrgQuery(Schema):
    kind = fields.Enum(OrgKind, load_default=None)


@blp.route("/")
class Organisations(MethodView):
    @blp.arguments(OrgQuery, location="query")
    @blp.response(200, OrganisationSchema(many=True))
    def get(self, args):
        """List active organisations (public)."""
        stmt = select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.kind, Organisation.name)
        if args["kind"]:
            stmt = stmt.where(Organisation.kind == args["kind"])
        return db.session.scalars(stmt).all()

    @blp.arguments(OrganisationSchema)
    @blp.response(201, OrganisationSchema)
    @blp.problems(403, 422)
    def post(self, data):
        """Create an organisation (admin)."""
        require_login()
        org = save_organisation(actor(), None, **data)
        db.session.commit()
        return org


@blp.route("/<int:org_id>")
class OrganisationItem(MethodView):
    @blp.response(200, OrganisationSchema)
    @blp.problems(404)
    def get(self, org_id):
        """One organisation (public)."""
        return db.get_or_404(Organisation, org_id)

    @blp.arguments(OrganisationSchema)
    @blp.response(200, OrganisationSchema)
    @blp.problems(403, 422)
    def put(self, data, org_id):
        """Replace an organisation's fields (admin)."""
        require_login()
        org = save_organisation(actor(), db.get_or_404(Organisation, org_id), **data)
        db.session.commit()
        return org
