"""The area tree in the JSON API."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from collab.areas.models import Area, AreaLevel
from collab.areas.services import create_area, import_areas_csv
from collab.core.api import (
    PageArgs,
    PageMeta,
    actor,
    make_blueprint,
    page_payload,
    require_login,
)
from collab.core.errors import ValidationFailed
from collab.extensions import db

blp = make_blueprint("areas", __name__, "/areas", "Kota, kecamatan, kelurahan, RW and RT.")


class AreaSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    level = fields.Enum(AreaLevel, required=True)
    parent_id = fields.Integer(allow_none=True, load_default=None)


class AreaPage(Schema):
    items = fields.List(fields.Nested(AreaSchema))
    meta = fields.Nested(PageMeta)


class AreaQuery(PageArgs):
    level = fields.Enum(AreaLevel, load_default=None)
    parent_id = fields.Integer(load_default=None)


class ImportResult(Schema):
    created = fields.Integer()


@blp.route("/")
class Areas(MethodView):
    @blp.arguments(AreaQuery, location="query")
    @blp.response(200, AreaPage)
    def get(self, args):
        """List areas, filtered by level or parent (public)."""
        stmt = select(Area).order_by(Area.code)
        if args["level"]:
            stmt = stmt.where(Area.level == args["level"])
        if args["parent_id"]:
            stmt = stmt.where(Area.parent_id == args["parent_id"])
        return page_payload(db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False))

    @blp.arguments(AreaSchema)
    @blp.response(201, AreaSchema)
    @blp.problems(403, 422)
    def post(self, data):
        """Create an area under its parent (admin)."""
        require_login()
        parent = db.session.get(Area, data["parent_id"]) if data["parent_id"] else None
        area = create_area(actor(), code=data["code"], name=data["name"], level=data["level"], parent=parent)
        db.session.commit()
        return area


@blp.route("/<int:area_id>")
@blp.response(200, AreaSchema)
@blp.problems(404)
def get_area(area_id):
    """One area (public)."""
    return db.get_or_404(Area, area_id)


@blp.route("/import", methods=["POST"])
@blp.response(201, ImportResult)
@blp.problems(422)
def import_areas():
    """Import areas from CSV (admin). Send the file as multipart field `file` or as a text/csv body.
    All or nothing: a 422 lists every bad row with its line number."""
    require_login()
    upload = request.files.get("file")
    data = upload.read() if upload else request.get_data()
    if not data:
        raise ValidationFailed(_("Send a CSV file."))
    created = import_areas_csv(actor(), data)
    db.session.commit()
    return {"created": created}
