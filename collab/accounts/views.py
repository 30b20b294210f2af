"""Login, activation, profile and API tokens; the admin's account tools."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.accounts import services
from collab.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ImportForm,
    LanguageForm,
    LoginForm,
    OfficeHeadForm,
    SetPasswordForm,
    UserForm,
)
from collab.accounts.models import ApiToken, OfficeTerm, Role, TokenPurpose, User, UserRole
from collab.areas.models import Area, AreaLevel
from collab.core.audit import DOMAINS, AuditLog, actions_labelled
from collab.core.errors import NotFound, ValidationFailed
from collab.core.views import commit_or_errors
from collab.extensions import db, limiter
from collab.orgs.models import Organisation
from collab.security import local_path
from collab.signals import user_logged_out

bp = Blueprint("accounts", __name__)


def _login_key() -> str:
    return "login:" + (request.form.get("login") or "").strip().lower()


def _failed(response) -> bool:
    """A failed attempt (a success redirects)."""
    return response.status_code != 302


def _failed_key() -> str:
    return "login-failed:" + (request.remote_addr or "")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS_FAILED"], methods=["POST"], deduct_when=_failed,
               key_func=_failed_key)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"], key_func=_login_key, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            form.form_errors.append(_("The e-mail/phone or password is not right, or the account is not active."))
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            target = request.args.get("next")
            return redirect(local_path(target) or url_for("home.index"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    user = current_user._get_current_object()
    services.logout(user)
    user_logged_out.send(user, actor=user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/activate/<token>", methods=["GET", "POST"])
def activate(token: str):
    one_time = services.find_one_time_token(token)
    form = SetPasswordForm()
    if form.validate_on_submit() and commit_or_errors(
            form, lambda: services.redeem_one_time_token(token, form.password.data)):
        flash(_("Your password is set. Log in with it now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, user=one_time.user,
                           activation=one_time.purpose == TokenPurpose.activation)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            services.update_own_profile(current_user, locale=form.locale.data)
            db.session.commit()
    from collab.errors import safe_back

    return redirect(safe_back())


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ChangePasswordForm()
    if form.validate_on_submit() and commit_or_errors(
            form, lambda: services.change_password(current_user, form.current_password.data, form.password.data)):
        login_user(current_user)  # the session token rotated: keep this browser logged in
        flash(_("Your password is changed. Other devices are logged out."), "success")
        return redirect(url_for("accounts.profile"))
    terms = db.session.scalars(select(OfficeTerm).where(OfficeTerm.user_id == current_user.id)
                               .order_by(OfficeTerm.started_on.desc())).all()
    return render_template("accounts/profile.html", form=form, terms=terms)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit() and (done := commit_or_errors(
            form, lambda: services.create_api_token(current_user, form.name.data))):
        _token, new_token = done.value
        form = ApiTokenForm(formdata=None)
    return render_template("accounts/tokens.html", form=form, tokens=services.user_api_tokens(current_user),
                           new_token=new_token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    services.revoke_api_token(current_user, token)
    db.session.commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for("accounts.tokens"))


# -- admin ------------------------------------------------------------------------------------

def _admin():
    policy.require(policy.can_manage_users(current_user))


def _fill_user_form(form: UserForm) -> None:
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.kind, Organisation.name)).all()
    form.organisation.choices = [(0, "—")] + [(o.id, f"{o.name} ({o.kind.label})") for o in orgs]
    offices = db.session.scalars(select(Area).where(Area.level.in_([AreaLevel.rw, AreaLevel.rt]))
                                 .order_by(Area.code)).all()
    form.area.choices = [(0, "—")] + [(a.id, f"{a.code} · {a.display_name}") for a in offices]


@bp.get("/admin/users")
@login_required
def users():
    _admin()
    q = (request.args.get("q") or "").strip()
    role = request.args.get("role")
    stmt = select(User).options(selectinload(User.organisation)).order_by(User.name)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.name.ilike(like), User.email.ilike(like), User.phone.ilike(like)))
    if role in Role.__members__:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == Role(role))))
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("accounts/users.html", page=page, q=q, role=role, roles=list(Role))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    _admin()
    form = UserForm()
    _fill_user_form(form)

    def create():
        user = services.create_user(
            current_user, name=form.name.data, email=form.email.data, phone=form.phone.data,
            roles={Role(r) for r in form.roles.data},
            organisation=db.session.get(Organisation, form.organisation.data or 0),
            office=db.session.get(Area, form.area.data or 0), term_start=form.term_start.data)
        return user, services.issue_one_time_link(current_user, user, TokenPurpose.activation)

    if form.validate_on_submit() and (done := commit_or_errors(form, create)):
        user, raw = done.value
        session["handover_link"] = url_for("accounts.activate", token=raw, _external=True)
        flash(_("Account created. Hand over the activation link below."), "success")
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    _admin()
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    _fill_user_form(form)
    del form.area, form.term_start
    if request.method == "GET":
        form.roles.data = [r.value for r in user.roles]
        form.organisation.data = user.organisation_id or 0
    if form.validate_on_submit() and commit_or_errors(form, lambda: services.update_user(
            current_user, user, name=form.name.data, email=form.email.data, phone=form.phone.data,
            roles={Role(r) for r in form.roles.data},
            organisation=db.session.get(Organisation, form.organisation.data or 0))):
        flash(_("Saved."), "success")
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/user_form.html", form=form, user=user)


@bp.get("/admin/users/<int:user_id>")
@login_required
def user_detail(user_id: int):
    user = db.get_or_404(User, user_id)
    policy.require(policy.can_view_user(current_user, user))
    history = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "user", AuditLog.object_id == user.id)
                                 .order_by(AuditLog.id.desc()).limit(30)).all()
    return render_template("accounts/user_detail.html", user=user, history=history,
                           handover_link=session.pop("handover_link", None))


@bp.post("/admin/users/<int:user_id>/link/<purpose>")
@login_required
def user_link(user_id: int, purpose: str):
    _admin()
    user = db.get_or_404(User, user_id)
    if purpose not in TokenPurpose.__members__:
        raise NotFound(_("Unknown link type."))
    raw = services.issue_one_time_link(current_user, user, TokenPurpose(purpose))
    db.session.commit()
    session["handover_link"] = url_for("accounts.activate", token=raw, _external=True)
    flash(_("A new one-time link was made; earlier links no longer work."), "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/active/<int:active>")
@login_required
def user_set_active(user_id: int, active: int):
    _admin()
    user = db.get_or_404(User, user_id)
    services.set_active(current_user, user, bool(active))
    db.session.commit()
    flash(_("The account is active again.") if active else _("The account is deactivated; its sessions ended."), "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


@bp.route("/admin/users/import", methods=["GET", "POST"])
@login_required
def users_import():
    _admin()
    form = ImportForm()
    created, rows_failed = None, None
    if form.validate_on_submit():
        try:
            result = services.import_users_csv(current_user, form.file.data.read())
        except ValidationFailed as exc:
            db.session.rollback()
            form.file.errors = [str(exc.message)]
            rows_failed = exc.errors.get("rows")
        else:
            db.session.commit()
            created = [(u, url_for("accounts.activate", token=raw, _external=True)) for u, raw in result]
            flash(_("%(n)d accounts imported.", n=len(created)), "success")
    return render_template("accounts/import.html", form=form, created=created, rows_failed=rows_failed,
                           columns=services.USER_CSV_COLUMNS)


@bp.route("/admin/offices/<int:area_id>/head", methods=["GET", "POST"])
@login_required
def office_head(area_id: int):
    _admin()
    office = db.get_or_404(Area, area_id)
    if office.level not in (AreaLevel.rt, AreaLevel.rw):
        raise NotFound(_("Only an RT or RW has a head."))
    form = OfficeHeadForm()
    form.user.choices = [(u.id, f"{u.name} ({u.email or u.phone})") for u in
                         db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))]
    if form.validate_on_submit() and commit_or_errors(form, lambda: services.record_office_head(
            current_user, office, db.get_or_404(User, form.user.data), form.started_on.data)):
        flash(_("The new head of %(office)s is recorded.", office=office.full_name()), "success")
        return redirect(url_for("areas.detail", area_id=office.id))
    terms = db.session.scalars(select(OfficeTerm).where(OfficeTerm.area_id == office.id)
                               .order_by(OfficeTerm.started_on.desc())).all()
    return render_template("accounts/office_head.html", form=form, office=office, terms=terms)


# the audited objects that have a page of their own: object_type -> (endpoint, id argument)
AUDIT_OBJECT_PAGES = {
    "proposal": ("proposals.detail", "proposal_id"),
    "fgdsession": ("fgd.detail", "session_id"),
    "sitting": ("council.detail", "sitting_id"),
    "programme": ("programmes.detail", "programme_id"),
    "masterplanitem": ("masterplan.item", "item_id"),
    "area": ("areas.detail", "area_id"),
    "organisation": ("orgs.detail", "org_id"),
    "user": ("accounts.user_detail", "user_id"),
}


def _audit_object_url(entry: AuditLog) -> str | None:
    target = AUDIT_OBJECT_PAGES.get(entry.object_type)
    return url_for(target[0], **{target[1]: entry.object_id}) if target and entry.object_id else None


@bp.get("/admin/audit")
@login_required
def audit_log():
    """Newest first. `domain` narrows to one part of the platform; `action` matches the start of
    the code (`proposal.`, as links and API users write it) or words of its name."""
    policy.require(policy.can_view_audit_log(current_user))
    stmt = select(AuditLog).order_by(AuditLog.id.desc())
    domain = request.args.get("domain", "")
    if domain in DOMAINS:
        stmt = stmt.where(or_(*(AuditLog.action.startswith(f"{prefix}.", autoescape=True)
                                for prefix in DOMAINS[domain].prefixes)))
    action = (request.args.get("action") or "").strip()
    if action:
        stmt = stmt.where(or_(AuditLog.action.startswith(action, autoescape=True),
                              AuditLog.action.in_(actions_labelled(action))))
    page = db.paginate(stmt, per_page=50, error_out=False)
    actor_ids = {e.actor_id for e in page.items if e.actor_id}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(actor_ids))).all()) if actor_ids else {}
    return render_template("accounts/audit.html", page=page, action=action, domain=domain, domains=DOMAINS,
                           names=names, object_url=_audit_object_url)
