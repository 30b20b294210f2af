"""Proposal pages: the public list and detail, and the forms of every lifecycle step.
Each handler loads, checks, validates, calls one service, commits, redirects."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, selectinload

from collab import permissions as policy
from collab.areas.models import Area, AreaLevel
from collab.core.errors import NotFound, ValidationFailed
from collab.core.views import commit_or_errors, flash_invalid, form_action
from collab.extensions import db
from collab.masterplan.models import DimensionCode
from collab.orgs.models import Organisation, OrgKind
from collab.proposals import duplicates, search, services
from collab.proposals.forms import (
    AssignForm,
    AttachmentForm,
    CommentForm,
    EndorseForm,
    HideCommentForm,
    MergeForm,
    NoteForm,
    ProposalForm,
    RecommendationForm,
    ReviewForm,
    RoutingRuleForm,
    SubmitForm,
)
from collab.proposals.models import (
    Attachment,
    Comment,
    Endorsement,
    Horizon,
    Proposal,
    ProposalState,
    ProposalTransition,
    RoutingRule,
)

bp = Blueprint("proposals", __name__, url_prefix="/proposals")
PER_PAGE = 20
COMMENTS_PER_PAGE = 50  # the thread is read oldest first; a new comment lands on the last page


def _opds():
    return db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.opd, Organisation.active)
                              .order_by(Organisation.short_name)).all()


def load_visible(proposal_id: int) -> Proposal:
    """The proposal, or 404 when it does not exist or the user may not see it (drafts)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not policy.can_view_proposal(current_user, proposal):
        raise NotFound(_("No such proposal, or you may not see it."))
    return proposal


def visible_query(user):
    """Proposals `user` may list: everything past draft, plus their own office's drafts."""
    stmt = select(Proposal)
    if policy.is_admin(user):
        return stmt
    visible = [Proposal.state != ProposalState.draft]
    if getattr(user, "is_authenticated", False):
        visible.append(Proposal.author_id == user.id)
        if user.office is not None:
            visible.append(Proposal.office_id == user.office.id)
    return stmt.where(or_(*visible))


def _int_arg(args, name: str) -> int | None:
    """A numeric filter; a value no database column can hold filters nothing instead of failing."""
    value = args.get(name, type=int)
    return value if value is not None and 0 < value < 2**31 else None


def filtered(user, args):
    stmt = visible_query(user)
    if args.get("dimension") in DimensionCode.__members__:
        stmt = stmt.where(Proposal.dimension == DimensionCode(args.get("dimension")))
    if args.get("horizon") in Horizon.__members__:
        stmt = stmt.where(Proposal.horizon == Horizon(args.get("horizon")))
    if _int_arg(args, "opd"):
        stmt = stmt.where(Proposal.assigned_opd_id == _int_arg(args, "opd"))
    area_id = _int_arg(args, "kelurahan") or _int_arg(args, "area")
    if area_id:
        stmt = stmt.where(Proposal.office_id.in_(select(Area.id).where(Area.path.like(f"%/{area_id}/%"))))
    if _int_arg(args, "year"):
        stmt = stmt.where(Proposal.year == _int_arg(args, "year"))
    return search.matching(stmt, args.get("q"))


@bp.get("/")
def index():
    base = filtered(current_user, request.args)
    counts = state_counts(base)
    stmt = base
    state = request.args.get("state")
    if state in ProposalState.__members__:
        stmt = stmt.where(Proposal.state == ProposalState(state))
    page = db.paginate(stmt.options(selectinload(Proposal.office).selectinload(Area.parent).selectinload(Area.parent),
                                    selectinload(Proposal.assigned_opd))
                       .order_by(Proposal.updated_at.desc(), Proposal.id.desc()),
                       page=min(max(request.args.get("page", 1, type=int), 1), 100_000),  # a huge number is no 500
                       per_page=PER_PAGE, error_out=False, count=True)
    ids = [p.id for p in page.items]
    endorsements = dict(db.session.execute(
        select(Endorsement.proposal_id, func.count()).where(Endorsement.proposal_id.in_(ids))
        .group_by(Endorsement.proposal_id)).all()) if ids else {}
    kelurahan = db.session.scalars(select(Area).where(Area.level == AreaLevel.kelurahan).order_by(Area.name)).all()
    return render_template("proposals/index.html", page=page, counts=counts, endorsements=endorsements, states=list(ProposalState),
                           dimensions=list(DimensionCode), horizons=list(Horizon), kelurahan=kelurahan,
                           kelurahan_counts=kelurahan_counts(stmt), opds=_opds(), args=request.args)


def kelurahan_counts(stmt) -> list[tuple[Area, int]]:
    """(kelurahan, number of proposals in `stmt` from its RT/RW offices), most first; one query."""
    sub = stmt.with_only_columns(Proposal.office_id).subquery()
    office, kel = aliased(Area), aliased(Area)
    rows = db.session.execute(
        select(kel, func.count()).select_from(sub)
        .join(office, office.id == sub.c.office_id)
        .join(kel, (kel.level == AreaLevel.kelurahan) & office.path.like(kel.path + "%"))
        .group_by(kel.id).order_by(func.count().desc(), kel.name)).all()
    return [(k, n) for k, n in rows]


def state_counts(stmt) -> dict:
    sub = stmt.with_only_columns(Proposal.state).subquery()
    return {ProposalState(state): n for state, n in
            db.session.execute(select(sub.c.state, func.count()).group_by(sub.c.state)).all()}


@bp.get("/similar")
@login_required
def similar():
    """JSON for the form: proposals resembling what is being typed (visible ones only)."""
    title = request.args.get("title", "")[:400]
    body = request.args.get("body", "")[:4000]
    hits = duplicates.similar_proposals(current_user, title, body, exclude=request.args.get("exclude", type=int))
    return jsonify({"items": [{
        "id": p.id, "title": p.title, "state": p.state.value, "state_label": str(p.state.label),
        "office": p.office.full_name(), "score": score, "url": url_for("proposals.detail", proposal_id=p.id),
        "can_endorse": policy.can_endorse_proposal(current_user, p),
        "endorse_url": url_for("proposals.endorse", proposal_id=p.id)} for p, score in hits]})


@bp.get("/<int:proposal_id>")
def detail(proposal_id: int):
    proposal = load_visible(proposal_id)
    transitions = db.session.scalars(select(ProposalTransition).where(ProposalTransition.proposal_id == proposal.id)
                                     .options(selectinload(ProposalTransition.actor))
                                     .order_by(ProposalTransition.id)).all()
    comments = db.paginate(select(Comment).where(Comment.proposal_id == proposal.id)
                           .options(selectinload(Comment.author)).order_by(Comment.id),
                           page=min(max(request.args.get("page", 1, type=int), 1), 100_000),
                           per_page=COMMENTS_PER_PAGE, error_out=False)
    assign_form = AssignForm()
    assign_form.opd.choices = [(o.id, f"{o.short_name} · {o.name}") for o in _opds()]
    if proposal.assigned_opd_id or proposal.suggested_opd_id:
        assign_form.opd.data = proposal.assigned_opd_id or proposal.suggested_opd_id
    return render_template(
        "proposals/detail.html", proposal=proposal, transitions=transitions, comments=comments,
        labels=services.ACTION_LABELS, note_form=NoteForm(), submit_form=SubmitForm(), assign_form=assign_form,
        endorse_form=EndorseForm(), comment_form=CommentForm(), attachment_form=AttachmentForm(), recommend_form=RecommendationForm(), hide_form=HideCommentForm(), merge_form=MergeForm(),
        show_contacts=policy.can_see_proposal_contacts(current_user, proposal),
        endorsed=any(current_user.is_authenticated and current_user.office is not None
                     and e.office_id == current_user.office.id for e in proposal.endorsements))


def _form_choices(form: ProposalForm) -> None:
    form.suggested_opd.choices = [(0, _("Let the system suggest one"))] + [
        (o.id, f"{o.short_name} · {o.name}") for o in _opds()]


def _form_data(form: ProposalForm) -> dict:
    return {"title": form.title.data, "dimension": form.dimension.data, "problem": form.problem.data,
            "solution": form.solution.data, "expected_impact": form.expected_impact.data,
            "on_behalf_of": form.on_behalf_of.data, "estimated_cost": form.estimated_cost.data,
            "horizon": form.horizon.data,
            "suggested_opd": db.session.get(Organisation, form.suggested_opd.data) if form.suggested_opd.data else None}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    policy.require(policy.can_create_proposal(current_user),
                   _("Only RT/RW heads holding an office write proposals."))
    form = ProposalForm()
    _form_choices(form)
    if form.validate_on_submit() and (done := commit_or_errors(
            form, lambda: services.create_proposal(current_user, **_form_data(form)))):
        flash(_("Draft saved. Submit it when it is ready."), "success")
        return redirect(url_for("proposals.detail", proposal_id=done.value.id))
    return render_template("proposals/form.html", form=form, proposal=None), 422 if form.errors else 200


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    proposal = load_visible(proposal_id)
    policy.require(policy.can_edit_proposal(current_user, proposal),
                   _("Only the proposing RT/RW office may edit it, while it is a draft or sent back for revision."))
    form = ProposalForm(obj=proposal)
    _form_choices(form)
    if request.method == "GET":
        form.dimension.data, form.horizon.data = proposal.dimension.value, proposal.horizon.value
        form.suggested_opd.data = proposal.suggested_opd_id or 0
    if form.validate_on_submit() and commit_or_errors(
            form, lambda: services.update_proposal(current_user, proposal, **_form_data(form))):
        flash(_("Saved."), "success")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return render_template("proposals/form.html", form=form, proposal=proposal), 422 if form.errors else 200


def _back(proposal: Proposal):
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


@bp.post("/<int:proposal_id>/submit")
@login_required
def submit(proposal_id: int):
    proposal = load_visible(proposal_id)
    policy.require(policy.can_submit_proposal(current_user, proposal), _("Only the proposing RT/RW office may submit it."))
    form = SubmitForm()
    if not form.validate_on_submit():
        flash_invalid(form)
        return _back(proposal)
    if not form.confirmed.data:
        # one last look for the same idea elsewhere, before a copy is filed
        hits = duplicates.similar_proposals(current_user, proposal.title, f"{proposal.problem}\n{proposal.solution}",
                                            exclude=proposal.id)
        hits = [(p, s) for p, s in hits if p.state != ProposalState.draft and s >= 0.25]
        if hits:
            return render_template("proposals/submit_check.html", proposal=proposal, hits=hits, form=form,
                                   endorse_form=EndorseForm())
    try:
        services.submit_proposal(current_user, proposal, form.note.data or "")
    except ValidationFailed as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("proposals.edit", proposal_id=proposal_id))
    db.session.commit()
    flash(_("Submitted. The secretariat will assign it to an OPD."), "success")
    return _back(proposal)


@bp.post("/<int:proposal_id>/withdraw")
@login_required
def withdraw(proposal_id: int):
    proposal = load_visible(proposal_id)
    form = NoteForm()
    return form_action(form, lambda: services.withdraw_proposal(current_user, proposal, form.note.data or ""),
                       _("The proposal was withdrawn."), _back(proposal))


@bp.post("/<int:proposal_id>/assign")
@login_required
def assign(proposal_id: int):
    proposal = load_visible(proposal_id)
    policy.require(policy.can_assign_proposal(current_user, proposal), _("Only the secretariat assigns proposals."))
    form = AssignForm()
    form.opd.choices = [(o.id, o.name) for o in _opds()]

    def call():
        services.assign_proposal(current_user, proposal, db.session.get(Organisation, form.opd.data), form.note.data or "")
    return form_action(form, call, lambda: _("Assigned to %(opd)s.", opd=proposal.assigned_opd.name), _back(proposal))


@bp.post("/<int:proposal_id>/start-review")
@login_required
def start_review(proposal_id: int):
    proposal = load_visible(proposal_id)
    form = NoteForm()
    return form_action(form, lambda: services.start_review(current_user, proposal, form.note.data or ""),
                       _("The review has started."), _back(proposal))


@bp.route("/<int:proposal_id>/review", methods=["GET", "POST"])
@login_required
def review(proposal_id: int):
    proposal = load_visible(proposal_id)
    policy.require(policy.can_review_proposal(current_user, proposal), _("Only officers of the assigned OPD review it."))
    form = ReviewForm()
    if form.validate_on_submit() and commit_or_errors(form, lambda: services.review_proposal(
            current_user, proposal, decision=form.decision.data, feasibility=form.feasibility.data,
            cost_estimate=form.cost_estimate.data, overlap=form.overlap.data, recommendation=form.recommendation.data)):
        flash(_("Review saved: %(state)s.", state=proposal.state.label), "success")
        return _back(proposal)
    return render_template("proposals/review.html", form=form, proposal=proposal), 422 if form.errors else 200


@bp.post("/<int:proposal_id>/endorse")
@login_required
def endorse(proposal_id: int):
    proposal = load_visible(proposal_id)
    form = EndorseForm()
    return form_action(form, lambda: services.endorse_proposal(current_user, proposal, form.note.data or ""),
                       _("Your office now endorses this proposal."), _back(proposal))


@bp.post("/<int:proposal_id>/comments")
@login_required
def comment(proposal_id: int):
    proposal = load_visible(proposal_id)
    form = CommentForm()
    if form.validate_on_submit():
        parent = db.session.get(Comment, int(form.parent_id.data)) if (form.parent_id.data or "").isdigit() else None
        comment = services.add_comment(current_user, proposal, form.body.data, parent)
        db.session.commit()
        flash(_("Comment posted."), "success")
        before = db.session.scalar(select(func.count(Comment.id)).where(Comment.proposal_id == proposal.id,
                                                                       Comment.id < comment.id))
        page = before // COMMENTS_PER_PAGE + 1
        return redirect(url_for("proposals.detail", proposal_id=proposal.id, page=page if page > 1 else None,
                                _anchor=f"comment-{comment.id}"))
    flash_invalid(form)
    return redirect(url_for("proposals.detail", proposal_id=proposal.id, _anchor="comments"))


@bp.post("/comments/<int:comment_id>/hide")
@login_required
def hide_comment(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    policy.require(policy.can_hide_proposal_comment(current_user, comment), _("Only the secretariat hides comments."))
    form = HideCommentForm()
    return form_action(form, lambda: services.hide_comment(current_user, comment, form.reason.data),
                       _("The comment is hidden."),
                       redirect(url_for("proposals.detail", proposal_id=comment.proposal_id, _anchor="comments")))


@bp.post("/<int:proposal_id>/merge")
@login_required
def merge(proposal_id: int):
    proposal = load_visible(proposal_id)
    policy.require(policy.can_merge_proposals(current_user), _("Only the secretariat merges proposals."))
    form = MergeForm()
    if form.validate_on_submit():
        survivor = db.session.get(Proposal, form.into.data)
        try:
            services.merge_proposal(current_user, proposal, survivor, form.note.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            return _back(proposal)
        db.session.commit()
        flash(_("Merged into proposal #%(id)d.", id=survivor.id), "success")
    else:
        flash_invalid(form)
    return _back(proposal)


@bp.route("/routing", methods=["GET", "POST"])
@login_required
def routing():
    policy.require(policy.can_manage_proposal_routing(current_user))
    form = RoutingRuleForm()
    form.organisation.choices = [(o.id, f"{o.short_name} · {o.name}") for o in _opds()]
    if form.validate_on_submit() and commit_or_errors(form, lambda: services.save_routing_rule(
            current_user, dimension=form.dimension.data or None, keywords=form.keywords.data,
            organisation=db.session.get(Organisation, form.organisation.data), position=form.position.data or 0)):
        flash(_("Saved."), "success")
        return redirect(url_for("proposals.routing"))
    rules = db.session.scalars(select(RoutingRule).options(selectinload(RoutingRule.organisation))
                               .order_by(RoutingRule.dimension, RoutingRule.position, RoutingRule.id)).all()
    return render_template("proposals/routing.html", form=form, rules=rules, delete_form=NoteForm()), 422 if form.errors else 200


@bp.post("/routing/<int:rule_id>/delete")
@login_required
def delete_rule(rule_id: int):
    policy.require(policy.can_manage_proposal_routing(current_user))
    services.delete_routing_rule(current_user, db.get_or_404(RoutingRule, rule_id))
    db.session.commit()
    flash(_("The rule was deleted."), "success")
    return redirect(url_for("proposals.routing"))


@bp.post("/<int:proposal_id>/attachments")
@login_required
def upload(proposal_id: int):
    proposal = load_visible(proposal_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            services.add_attachment(current_user, proposal, upload_file.filename, upload_file.read())
        except ValidationFailed as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            flash(_("File attached."), "success")
    else:
        flash_invalid(form)
    return redirect(url_for("proposals.detail", proposal_id=proposal.id, _anchor="attachments"))


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """The file, only to those who may see the proposal; PDFs download, photos show inline."""
    item = db.session.get(Attachment, attachment_id)
    if item is None or not policy.can_view_proposal(current_user, item.proposal):
        raise NotFound(_("No such file, or you may not see it."))
    path = services.upload_dir() / item.stored_name
    if not path.exists():
        raise NotFound(_("No such file, or you may not see it."))
    return send_file(path, mimetype=item.content_type, download_name=item.filename,
                     as_attachment=not item.is_image, max_age=0)


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(attachment_id: int):
    item = db.session.get(Attachment, attachment_id)
    if item is None or not policy.can_view_proposal(current_user, item.proposal):
        raise NotFound(_("No such file, or you may not see it."))
    proposal_id = item.proposal_id
    services.delete_attachment(current_user, item)
    db.session.commit()
    flash(_("The file was removed."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal_id, _anchor="attachments"))


@bp.post("/<int:proposal_id>/carry-over")
@login_required
def carry_over(proposal_id: int):
    proposal = load_visible(proposal_id)
    form = NoteForm()
    return form_action(form, lambda: services.carry_over_proposal(current_user, proposal, form.note.data or ""),
                       lambda: _("Carried over to the %(year)d cycle.", year=proposal.year), _back(proposal))


@bp.post("/<int:proposal_id>/recommend")
@login_required
def recommend(proposal_id: int):
    proposal = load_visible(proposal_id)
    form = RecommendationForm()
    return form_action(form, lambda: services.recommend_proposal(current_user, proposal, form.body.data),
                       _("Recommendation saved."), _back(proposal))
