"""Organisation pages: public directory, admin create/edit."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from collab import permissions as policy
from collab.accounts.models import User
from collab.core.views import commit_or_errors
from collab.extensions import db
from collab.orgs.forms import OrganisationForm
from collab.orgs.models import Organisation, OrgKind, PartnerType
from collab.orgs.services import save_organisation

bp = Blueprint("orgs", __name__, url_prefix="/organisations")


@bp.get("/")
def index():
    kind = request.args.get("kind")
    stmt = select(Organisation).order_by(Organisation.kind, Organisation.name)
    if not policy.can_manage_organisations(current_user):
        stmt = stmt.where(Organisation.active.is_(True))
    if kind in OrgKind.__members__:
        stmt = stmt.where(Organisation.kind == OrgKind(kind))
    orgs = db.session.scalars(stmt).all()
    return render_template("orgs/index.html", orgs=orgs, kind=kind, kinds=list(OrgKind))


@bp.get("/<int:org_id>")
def detail(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    members = 0
    if current_user.is_authenticated:
        members = db.session.scalar(select(func.count(User.id)).where(User.organisation_id == org.id, User.active.is_(True)))
    return render_template("orgs/detail.html", org=org, members=members)


def _save(org: Organisation | None):
    policy.require(policy.can_manage_organisations(current_user))
    form = OrganisationForm(obj=org)
    if request.method == "GET" and org is not None:
        form.kind.data = org.kind.value
        form.partner_type.data = org.partner_type.value if org.partner_type else ""
    if form.validate_on_submit() and (done := commit_or_errors(form, lambda: save_organisation(
            current_user, org, name=form.name.data, short_name=form.short_name.data, kind=OrgKind(form.kind.data),
            partner_type=PartnerType(form.partner_type.data) if form.partner_type.data else None,
            description=form.description.data, active=form.active.data))):
        flash(_("Saved."), "success")
        return redirect(url_for("orgs.detail", org_id=done.value.id))
    return render_template("orgs/form.html", form=form, org=org)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    return _save(None)


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    return _save(db.get_or_404(Organisation, org_id))
