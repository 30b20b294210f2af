"""Area tree pages: browse (public), create and import (admin)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.accounts.models import OfficeTerm
from collab.areas import services
from collab.areas.forms import AreaForm, AreaImportForm
from collab.areas.models import Area, AreaLevel
from collab.core.errors import ValidationFailed
from collab.core.views import commit_or_errors
from collab.extensions import db

bp = Blueprint("areas", __name__, url_prefix="/areas")


@bp.get("/")
def index():
    roots = db.session.scalars(select(Area).where(Area.parent_id.is_(None))
                               .options(selectinload(Area.children).selectinload(Area.children))
                               .order_by(Area.code)).all()
    return render_template("areas/index.html", roots=roots, counts=services.counts_by_level())


@bp.get("/<int:area_id>")
def detail(area_id: int):
    area = db.get_or_404(Area, area_id)
    children = db.session.scalars(select(Area).where(Area.parent_id == area.id).order_by(Area.code)).all()
    ancestors = db.session.scalars(select(Area).where(Area.id.in_(area.ancestor_ids)).order_by(Area.path)).all()
    terms = []
    if area.level in (AreaLevel.rt, AreaLevel.rw) and current_user.is_authenticated:
        terms = db.session.scalars(select(OfficeTerm).where(OfficeTerm.area_id == area.id)
                                   .options(selectinload(OfficeTerm.user))
                                   .order_by(OfficeTerm.started_on.desc())).all()
    return render_template("areas/detail.html", area=area, children=children, ancestors=ancestors, terms=terms,
                           child_level=list(AreaLevel)[area.level.depth + 1] if area.level != AreaLevel.rt else None)


@bp.route("/<int:area_id>/new", methods=["GET", "POST"])
@login_required
def new_child(area_id: int):
    policy.require(policy.can_manage_areas(current_user))
    parent = db.get_or_404(Area, area_id)
    form = AreaForm()
    if request.method == "GET" and parent.level != AreaLevel.rt:
        form.level.data = list(AreaLevel)[parent.level.depth + 1].value
    if form.validate_on_submit() and (done := commit_or_errors(form, lambda: services.create_area(
            current_user, code=form.code.data, name=form.name.data, level=AreaLevel(form.level.data), parent=parent))):
        flash(_("Saved."), "success")
        return redirect(url_for("areas.detail", area_id=done.value.id))
    return render_template("areas/form.html", form=form, parent=parent)


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_csv():
    policy.require(policy.can_manage_areas(current_user))
    form = AreaImportForm()
    rows_failed, created = None, None
    if form.validate_on_submit():
        try:
            created = services.import_areas_csv(current_user, form.file.data.read())
        except ValidationFailed as exc:
            db.session.rollback()
            form.file.errors = [str(exc.message)]
            rows_failed = exc.errors.get("rows")
        else:
            db.session.commit()
            flash(_("%(n)d areas imported.", n=created), "success")
            return redirect(url_for("areas.index"))
    return render_template("areas/import.html", form=form, rows_failed=rows_failed, columns=services.AREA_CSV_COLUMNS)
