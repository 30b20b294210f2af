"""Masterplan pages: public realisation figures and items; admin management."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.core.errors import NotFound
from collab.core.views import commit_or_errors
from collab.extensions import db
from collab.masterplan import services
from collab.masterplan.forms import DimensionForm, ItemForm, MasterplanForm, RealiseForm, UnrealiseForm
from collab.masterplan.models import Dimension, DimensionCode, ItemKind, MasterplanItem
from collab.orgs.models import Organisation, OrgKind

bp = Blueprint("masterplan", __name__, url_prefix="/masterplan")


def _plan():
    plan = services.active_masterplan()
    if plan is None:
        raise NotFound(_("No masterplan has been set up yet."))
    return plan


@bp.get("/")
def index():
    plan = services.active_masterplan()
    if plan is None:
        return render_template("masterplan/empty.html")
    return render_template("masterplan/index.html", plan=plan, table=services.realisation(plan))


@bp.get("/<code>")
def dimension(code: str):
    plan = _plan()
    if code not in DimensionCode.__members__:
        raise NotFound(_("No such dimension."))
    dim = db.session.scalar(select(Dimension).where(Dimension.masterplan_id == plan.id, Dimension.code == DimensionCode(code)))
    year = request.args.get("year", type=int)
    stmt = (select(MasterplanItem).where(MasterplanItem.dimension_id == dim.id)
            .options(selectinload(MasterplanItem.lead_organisation)).order_by(MasterplanItem.year, MasterplanItem.id))
    if year:
        stmt = stmt.where(MasterplanItem.year == year)
    items = db.session.scalars(stmt).all()
    return render_template("masterplan/dimension.html", plan=plan, dim=dim, items=items, year=year,
                           table=services.realisation(plan)[dim.code])


@bp.get("/items/<int:item_id>")
def item(item_id: int):
    return render_template("masterplan/item.html", item=db.get_or_404(MasterplanItem, item_id),
                           realise_form=RealiseForm(), unrealise_form=UnrealiseForm())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_period():
    policy.require(policy.can_manage_masterplan(current_user))
    form = MasterplanForm()
    if form.validate_on_submit() and commit_or_errors(form, lambda: services.create_masterplan(
            current_user, name=form.name.data, start_year=form.start_year.data,
            end_year=form.end_year.data, legal_basis=form.legal_basis.data)):
        flash(_("Saved."), "success")
        return redirect(url_for("masterplan.index"))
    return render_template("masterplan/period_form.html", form=form)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_dimension(code: str):
    policy.require(policy.can_manage_masterplan(current_user))
    plan = _plan()
    if code not in DimensionCode.__members__:
        raise NotFound(_("No such dimension."))
    dim = db.session.scalar(select(Dimension).where(Dimension.masterplan_id == plan.id, Dimension.code == DimensionCode(code)))
    form = DimensionForm(obj=dim)
    if form.validate_on_submit():
        services.update_dimension(current_user, dim, description=form.description.data)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("masterplan.dimension", code=code))
    return render_template("masterplan/dimension_form.html", form=form, dim=dim)


def _save_item(item: MasterplanItem | None):
    policy.require(policy.can_manage_masterplan(current_user))
    plan = _plan()
    form = ItemForm(obj=item)
    form.dimension.choices = [(d.id, str(d.label)) for d in plan.dimensions]
    form.lead_organisation.choices = [(0, "—")] + [
        (o.id, o.name) for o in db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.opd)
                                                    .order_by(Organisation.name))]
    if request.method == "GET":
        if item is not None:
            form.dimension.data, form.kind.data = item.dimension_id, item.kind.value
            form.lead_organisation.data = item.lead_organisation_id or 0
        elif request.args.get("dimension"):
            form.dimension.data = request.args.get("dimension", type=int)
    if form.validate_on_submit():
        dim = db.session.get(Dimension, form.dimension.data)
        if dim is None or dim.masterplan_id != plan.id:
            form.dimension.errors = [_("Choose a dimension.")]
        elif done := commit_or_errors(form, lambda: services.save_item(
                current_user, item, dimension=dim, year=form.year.data, title=form.title.data,
                description=form.description.data, kind=ItemKind(form.kind.data),
                lead_organisation=db.session.get(Organisation, form.lead_organisation.data or 0))):
            flash(_("Saved."), "success")
            return redirect(url_for("masterplan.item", item_id=done.value.id))
    return render_template("masterplan/item_form.html", form=form, item=item, plan=plan)


@bp.route("/items/new", methods=["GET", "POST"])
@login_required
def new_item():
    return _save_item(None)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(item_id: int):
    return _save_item(db.get_or_404(MasterplanItem, item_id))


@bp.post("/items/<int:item_id>/realise")
@login_required
def realise(item_id: int):
    item = db.get_or_404(MasterplanItem, item_id)
    policy.require(policy.can_manage_masterplan(current_user))
    form = RealiseForm()
    if form.validate_on_submit() and commit_or_errors(form, lambda: services.mark_realised(
            current_user, item, realised_on=form.realised_on.data, note=form.note.data)):
        flash(_("The item is marked realised."), "success")
        return redirect(url_for("masterplan.item", item_id=item.id))
    return render_template("masterplan/item.html", item=item, realise_form=form, unrealise_form=UnrealiseForm()), 422


@bp.post("/items/<int:item_id>/unrealise")
@login_required
def unrealise(item_id: int):
    item = db.get_or_404(MasterplanItem, item_id)
    policy.require(policy.can_manage_masterplan(current_user))
    form = UnrealiseForm()
    if form.validate_on_submit():
        services.unmark_realised(current_user, item, reason=form.reason.data)
        db.session.commit()
        flash(_("The realisation mark is withdrawn."), "success")
        return redirect(url_for("masterplan.item", item_id=item.id))
    return render_template("masterplan/item.html", item=item, realise_form=RealiseForm(), unrealise_form=form), 422
