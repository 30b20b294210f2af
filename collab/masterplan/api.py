"""The masterplan and its realisation figures in the JSON API."""
from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from collab.core.api import actor, make_blueprint, require_login
from collab.core.errors import NotFound, ValidationFailed
from collab.extensions import db
from collab.masterplan import services
from collab.masterplan.models import Dimension, DimensionCode, ItemKind, MasterplanItem
from collab.orgs.models import Organisation

blp = make_blueprint("masterplan", __name__, "/masterplan", "The Smart City Masterplan and its realisation.")


class DimensionSchema(Schema):
    code = fields.Enum(DimensionCode)
    label = fields.Function(lambda d: str(d.label))
    description = fields.String()


class MasterplanSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    start_year = fields.Integer()
    end_year = fields.Integer()
    legal_basis = fields.String()
    dimensions = fields.List(fields.Nested(DimensionSchema))


class ItemSchema(Schema):
    id = fields.Integer(dump_only=True)
    dimension = fields.Enum(DimensionCode, required=True, attribute="dimension_code", data_key="dimension")
    year = fields.Integer(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=8000))
    kind = fields.Enum(ItemKind, load_default=ItemKind.programme)
    lead_organisation_id = fields.Integer(allow_none=True, load_default=None)
    realised_on = fields.Date(dump_only=True)
    realisation_note = fields.String(dump_only=True)


class ItemQuery(Schema):
    dimension = fields.Enum(DimensionCode, load_default=None)
    year = fields.Integer(load_default=None)


class RealiseSchema(Schema):
    realised_on = fields.Date(required=True)
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class UnrealiseSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=400))


class RealisationRow(Schema):
    dimension = fields.String()
    label = fields.String()
    year = fields.Integer()
    planned = fields.Integer()
    realised = fields.Integer()
    percent = fields.Float(allow_none=True)


def _plan():
    plan = services.active_masterplan()
    if plan is None:
        raise NotFound(_("No masterplan has been set up yet."))
    return plan


def _dimension(code: DimensionCode) -> Dimension:
    return db.session.scalar(select(Dimension).where(Dimension.masterplan_id == _plan().id, Dimension.code == code))


@blp.route("/")
@blp.response(200, MasterplanSchema)
@blp.problems(404)
def get_masterplan():
    """The active masterplan with its six dimensions (public)."""
    return _plan()


@blp.route("/realisation")
@blp.response(200, RealisationRow(many=True))
def get_realisation():
    """Planned and realised items per dimension and year, computed from the items (public)."""
    plan = _plan()
    table = services.realisation(plan)
    return [{"dimension": code.value, "label": str(code.label), "year": year, "planned": r.planned,
             "realised": r.realised, "percent": r.percent}
            for code, years in table.items() for year, r in sorted(years.items())]


@blp.route("/items")
class Items(MethodView):
    @blp.arguments(ItemQuery, location="query")
    @blp.response(200, ItemSchema(many=True))
    def get(self, args):
        """Masterplan items of the active plan, by dimension and year (public)."""
        stmt = (select(MasterplanItem).join(Dimension).where(Dimension.masterplan_id == _plan().id)
                .order_by(MasterplanItem.year, MasterplanItem.id))
        if args["dimension"]:
            stmt = stmt.where(Dimension.code == args["dimension"])
        if args["year"]:
            stmt = stmt.where(MasterplanItem.year == args["year"])
        return db.session.scalars(stmt).all()

    @blp.arguments(ItemSchema)
    @blp.response(201, ItemSchema)
    @blp.problems(403, 422)
    def post(self, data):
        """Create a masterplan item (admin)."""
        require_login()
        item = services.save_item(actor(), None, **_item_args(data))
        db.session.commit()
        return item


def _item_args(data) -> dict:
    lead = None
    if data.get("lead_organisation_id"):
        lead = db.session.get(Organisation, data["lead_organisation_id"])
        if lead is None:
            raise ValidationFailed(_("Unknown organisation."), errors={"lead_organisation_id": [_("Unknown organisation.")]})
    return {"dimension": _dimension(data["dimension_code"]), "year": data["year"], "title": data["title"],
            "description": data["description"], "kind": data["kind"], "lead_organisation": lead}


@blp.route("/items/<int:item_id>")
class ItemResource(MethodView):
    @blp.response(200, ItemSchema)
    @blp.problems(404)
    def get(self, item_id):
        """One masterplan item (public)."""
        return db.get_or_404(MasterplanItem, item_id)

    @blp.arguments(ItemSchema)
    @blp.response(200, ItemSchema)
    @blp.problems(403, 422)
    def put(self, data, item_id):
        """Replace an item's fields (admin)."""
        require_login()
        item = services.save_item(actor(), db.get_or_404(MasterplanItem, item_id), **_item_args(data))
        db.session.commit()
        return item


@blp.route("/items/<int:item_id>/realise", methods=["POST"])
@blp.arguments(RealiseSchema)
@blp.response(200, ItemSchema)
@blp.problems(409)
def realise_item(data, item_id):
    """Mark an item realised with date and evidence note (admin). 409 if already realised."""
    require_login()
    item = db.get_or_404(MasterplanItem, item_id)
    services.mark_realised(actor(), item, **data)
    db.session.commit()
    return item


@blp.route("/items/<int:item_id>/unrealise", methods=["POST"])
@blp.arguments(UnrealiseSchema)
@blp.response(200, ItemSchema)
@blp.problems(409)
def unrealise_item(data, item_id):
    """Withdraw a realisation mark with a reason (admin)."""
    require_login()
    item = db.get_or_404(MasterplanItem, item_id)
    services.unmark_realised(actor(), item, **data)
    db.session.commit()
    return item
