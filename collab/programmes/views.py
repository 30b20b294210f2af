"""Programme pages: public list and detail; members' forms on the detail page."""
from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.core.errors import NotFound, ValidationFailed
from collab.core.views import commit_or_errors
from collab.extensions import db
from collab.masterplan.models import Dimension, DimensionCode, MasterplanItem
from collab.masterplan.services import active_masterplan
from collab.orgs.models import Organisation, OrgKind
from collab.programmes import services
from collab.programmes.forms import (
    CommentForm,
    CommitmentForm,
    CompleteForm,
    FulfilForm,
    InviteForm,
    MilestoneForm,
    ProgrammeForm,
    UpdateForm,
)
from collab.programmes.models import (
    Commitment,
    CommitmentKind,
    MemberRole,
    MemberStatus,
    Milestone,
    Programme,
    ProgrammeMember,
    ProgrammeProposal,
    ProgrammeState,
    ProgrammeUpdate,
)
from collab.programmes.uploads import Upload, folder
from collab.proposals.models import Proposal, ProposalState

bp = Blueprint("programmes", __name__, url_prefix="/programmes")
MESSAGES_ON_PAGE = 100
UPDATES_ON_PAGE = 10


def _visible(stmt):
    """Drafts only for the admin and the organisations in them."""
    if policy.is_admin(current_user):
        return stmt
    orgs = select(ProgrammeMember.programme_id).where(
        ProgrammeMember.organisation_id == getattr(current_user, "organisation_id", None))
    return stmt.where(or_(Programme.state != ProgrammeState.draft, Programme.id.in_(orgs)))


def _load(programme_id: int) -> Programme:
    programme = db.session.scalar(select(Programme).where(Programme.id == programme_id).options(
        selectinload(Programme.lead_organisation),
        selectinload(Programme.members).selectinload(ProgrammeMember.organisation),
        selectinload(Programme.commitments).selectinload(Commitment.organisation),
        selectinload(Programme.milestones).selectinload(Milestone.owner_organisation),
        selectinload(Programme.proposal_links),
        selectinload(Programme.items)))
    if programme is None or not policy.can_view_programme(current_user, programme):
        raise NotFound(_("No such programme."))
    return programme


@bp.get("/")
def index():
    state, dimension, org = request.args.get("state"), request.args.get("dimension"), request.args.get("org", type=int)
    org = org if org is not None and 0 < org < 2**31 else None  # an id no column can hold filters nothing
    query = (request.args.get("q") or "").strip()
    stmt = _visible(select(Programme)).options(
        selectinload(Programme.lead_organisation), selectinload(Programme.milestones),
        selectinload(Programme.members)).order_by(Programme.created_at.desc(), Programme.id.desc())
    if state in ProgrammeState.__members__:
        stmt = stmt.where(Programme.state == ProgrammeState(state))
    if dimension in DimensionCode.__members__:
        stmt = stmt.where(Programme.dimension == DimensionCode(dimension))
    if org:
        stmt = stmt.where(Programme.id.in_(select(ProgrammeMember.programme_id).where(
            ProgrammeMember.organisation_id == org, ProgrammeMember.status == MemberStatus.accepted)))
    if query:
        stmt = stmt.where(Programme.name.ilike(f"%{query}%"))
    page = db.paginate(stmt, page=min(max(request.args.get("page", 1, type=int), 1), 100_000),  # a huge number is no 500
                       per_page=20, error_out=False)
    orgs = db.session.scalars(select(Organisation).where(Organisation.kind.in_([OrgKind.opd, OrgKind.partner]))
                              .order_by(Organisation.short_name)).all()
    return render_template("programmes/index.html", page=page, states=list(ProgrammeState),
                           dimensions=list(DimensionCode), orgs=orgs,
                           filters={"state": state, "dimension": dimension, "org": org, "q": query})


def _item_choices() -> list[tuple[int, str]]:
    plan = active_masterplan()
    if plan is None:
        return []
    items = db.session.scalars(select(MasterplanItem).join(Dimension).where(Dimension.masterplan_id == plan.id)
                               .options(selectinload(MasterplanItem.dimension))
                               .order_by(Dimension.position, MasterplanItem.year, MasterplanItem.id))
    return [(i.id, f"{i.dimension.label} {i.year}: {i.title}") for i in items]


def _proposal_choices(linked: list[int] = ()) -> list[tuple[int, str]]:
    """Accepted proposals (and whatever is already linked), newest first."""
    rows = db.session.execute(select(Proposal.id, Proposal.title, Proposal.year)
                              .where(or_(Proposal.state == ProposalState.accepted, Proposal.id.in_(list(linked))))
                              .order_by(Proposal.id.desc()).limit(500)).all()
    return [(pid, f"{year}: {title}") for pid, title, year in rows]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    policy.require(policy.can_create_programme(current_user))
    form = ProgrammeForm()
    opds = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.opd, Organisation.active.is_(True))
                              .order_by(Organisation.name)).all()
    if not policy.is_admin(current_user):
        opds = [o for o in opds if o.id == current_user.organisation_id]
    form.lead.choices = [(o.id, o.name) for o in opds]
    form.items.choices = _item_choices()
    form.proposals.choices = _proposal_choices()
    if form.validate_on_submit():
        items = db.session.scalars(select(MasterplanItem).where(MasterplanItem.id.in_(form.items.data or []))).all()
        if done := commit_or_errors(form, lambda: services.create_programme(
                current_user, name=form.name.data, goal=form.goal.data, dimension=DimensionCode(form.dimension.data),
                lead=db.session.get(Organisation, form.lead.data), items=items, proposal_ids=form.proposals.data or [],
                starts_on=form.starts_on.data, ends_on=form.ends_on.data)):
            flash(_("The programme is created as a draft. Invite members and plan milestones, then start it."), "success")
            return redirect(url_for("programmes.detail", programme_id=done.value.id))
    return render_template("programmes/form.html", form=form), 422 if form.errors else 200


@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def edit(programme_id: int):
    programme = _load(programme_id)
    policy.require(policy.can_edit_programme(current_user, programme),
                   _("Only the lead and co-owner OPDs edit the programme."))
    form = ProgrammeForm(obj=programme)
    del form.lead  # the lead OPD does not change
    linked = [pl.proposal_id for pl in programme.proposal_links]
    form.items.choices = _item_choices()
    form.proposals.choices = _proposal_choices(linked)
    if request.method == "GET":
        form.dimension.data = programme.dimension.value
        form.items.data = [i.id for i in programme.items]
        form.proposals.data = linked
    if form.validate_on_submit():
        items = db.session.scalars(select(MasterplanItem).where(MasterplanItem.id.in_(form.items.data or []))).all()
        if commit_or_errors(form, lambda: services.update_programme(
                current_user, programme, name=form.name.data, goal=form.goal.data,
                dimension=DimensionCode(form.dimension.data), items=items, proposal_ids=form.proposals.data or [],
                starts_on=form.starts_on.data, ends_on=form.ends_on.data)):
            flash(_("The programme is saved."), "success")
            return redirect(url_for("programmes.detail", programme_id=programme.id))
    return render_template("programmes/form.html", form=form, programme=programme), 422 if form.errors else 200


def _forms(programme: Programme, **given) -> dict:
    """Every form of the detail page, each with its own prefix so field ids stay unique;
    `given` replaces one (a submitted form with its errors). Per-row forms are keyed "fulfil:<id>"
    and "complete:<id>"."""
    forms = {"invite_form": InviteForm(formdata=None, prefix="invite"),
             "commitment_form": CommitmentForm(formdata=None, prefix="pledge"),
             "milestone_form": MilestoneForm(formdata=None, prefix="milestone"),
             "update_form": UpdateForm(formdata=None, prefix="update"),
             "comment_form": CommentForm(formdata=None, prefix="comment", client_key=secrets.token_urlsafe(16)),
             "fulfil_forms": {c.id: FulfilForm(formdata=None, prefix=f"c{c.id}") for c in programme.commitments},
             "complete_forms": {m.id: CompleteForm(formdata=None, prefix=f"m{m.id}") for m in programme.milestones}}
    for key, form in given.items():
        if ":" in key:
            kind, row = key.split(":")
            forms[f"{kind}_forms"][int(row)] = form
        else:
            forms[key] = form
    taken = {m.organisation_id for m in programme.members if m.status in (MemberStatus.invited, MemberStatus.accepted)}
    if policy.can_manage_programme(current_user, programme):
        orgs = db.session.scalars(select(Organisation).where(
            Organisation.kind.in_([OrgKind.opd, OrgKind.partner]), Organisation.active.is_(True))
            .order_by(Organisation.kind, Organisation.name)).all()
        forms["invite_form"].organisation.choices = [(o.id, f"{o.name} ({o.kind.label})") for o in orgs if o.id not in taken]
    forms["milestone_form"].owner.choices = [(m.organisation_id, m.organisation.name) for m in programme.members
                                             if m.status in (MemberStatus.invited, MemberStatus.accepted)]
    return forms


def _detail(programme: Programme, status: int = 200, **forms):
    my_member = programme.member_for(getattr(current_user, "organisation_id", None))
    messages = (services.latest_messages(programme, MESSAGES_ON_PAGE)
                if policy.can_discuss_programme(current_user, programme) else [])
    proposals = db.session.scalars(select(Proposal).where(
        Proposal.id.in_([pl.proposal_id for pl in programme.proposal_links])).order_by(Proposal.id)).all()
    updates = db.paginate(select(ProgrammeUpdate).where(ProgrammeUpdate.programme_id == programme.id)
                          .options(selectinload(ProgrammeUpdate.author)).order_by(ProgrammeUpdate.id.desc()),
                          page=min(max(request.args.get("page", 1, type=int), 1), 100_000),
                          per_page=UPDATES_ON_PAGE, error_out=False)
    return render_template("programmes/detail.html", programme=programme, my_member=my_member, messages=messages,
                           proposals=proposals, updates=updates, **_forms(programme, **forms)), status


@bp.get("/<int:programme_id>")
def detail(programme_id: int):
    return _detail(_load(programme_id))


@bp.app_template_global("proposal_programmes")
def proposal_programmes(proposal) -> list[Programme]:
    """For the proposal page: the programmes carrying the proposal out that the reader may see."""
    stmt = (select(Programme).join(ProgrammeProposal, ProgrammeProposal.programme_id == Programme.id)
            .where(ProgrammeProposal.proposal_id == proposal.id)
            .options(selectinload(Programme.lead_organisation), selectinload(Programme.milestones))
            .order_by(Programme.id))
    return list(db.session.scalars(_visible(stmt)))


def _upload(field) -> Upload | None:
    storage = field.data
    if not storage or not getattr(storage, "filename", ""):
        return None
    return Upload(storage.filename, storage.read())


def _act(programme: Programme, form_name: str, form, call, message: str, anchor: str):
    """Validate, call the service, commit once; on refusal re-render the page with the errors."""
    if form.validate_on_submit() and commit_or_errors(form, call):
        flash(message, "success")
        return redirect(url_for("programmes.detail", programme_id=programme.id) + anchor)
    return _detail(_load(programme.id), 422, **{form_name: form})


@bp.post("/<int:programme_id>/invite")
@login_required
def invite(programme_id: int):
    programme = _load(programme_id)
    policy.require(policy.can_manage_programme(current_user, programme))
    form = InviteForm(prefix="invite")
    form.organisation.choices = [(o.id, o.name) for o in db.session.scalars(select(Organisation))]

    def call():
        org = db.session.get(Organisation, form.organisation.data)
        services.invite_member(current_user, programme, org, MemberRole(form.role.data))
    return _act(programme, "invite_form", form, call, _("The invitation is sent."), "#members")


@bp.post("/members/<int:member_id>/respond")
@login_required
def respond(member_id: int):
    member = db.get_or_404(ProgrammeMember, member_id)
    answer = request.form.get("answer")
    if answer not in ("accept", "decline"):
        raise ValidationFailed(_("Choose to accept or decline."))
    services.respond_to_invitation(current_user, member, accept=answer == "accept")
    db.session.commit()
    flash(_("Thank you: your answer is recorded."), "success")
    return redirect(url_for("programmes.detail", programme_id=member.programme_id))


@bp.post("/members/<int:member_id>/remove")
@login_required
def remove_member(member_id: int):
    member = db.get_or_404(ProgrammeMember, member_id)
    _load(member.programme_id)
    services.remove_member(current_user, member)
    db.session.commit()
    flash(_("%(org)s is no longer a member of the programme.", org=member.organisation.name), "success")
    return redirect(url_for("programmes.detail", programme_id=member.programme_id) + "#members")


@bp.post("/<int:programme_id>/start")
@login_required
def start(programme_id: int):
    programme = _load(programme_id)
    services.start_programme(current_user, programme)
    db.session.commit()
    flash(_("The programme is running."), "success")
    return redirect(url_for("programmes.detail", programme_id=programme.id))


@bp.post("/<int:programme_id>/commitments")
@login_required
def add_commitment(programme_id: int):
    programme = _load(programme_id)
    policy.require(policy.can_record_commitment(current_user, programme))
    form = CommitmentForm(prefix="pledge")

    def call():
        services.add_commitment(current_user, programme, kind=CommitmentKind(form.kind.data), amount=form.amount.data,
                                description=form.description.data, due_on=form.due_on.data)
    return _act(programme, "commitment_form", form, call, _("The commitment is recorded."), "#commitments")


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_commitment(commitment_id: int):
    commitment = db.get_or_404(Commitment, commitment_id)
    policy.require(policy.can_edit_commitment(current_user, commitment),
                   _("Only the organisation that made this pledge can change it."))
    form = CommitmentForm(obj=commitment)
    if request.method == "GET":
        form.kind.data = commitment.kind.value
    if form.validate_on_submit() and commit_or_errors(form, lambda: services.update_commitment(
            current_user, commitment, kind=CommitmentKind(form.kind.data), amount=form.amount.data,
            description=form.description.data, due_on=form.due_on.data)):
        flash(_("The commitment is saved."), "success")
        return redirect(url_for("programmes.detail", programme_id=commitment.programme_id) + "#commitments")
    return render_template("programmes/commitment_form.html", form=form, commitment=commitment), \
        422 if form.errors else 200


@bp.post("/commitments/<int:commitment_id>/fulfil")
@login_required
def fulfil(commitment_id: int):
    commitment = db.get_or_404(Commitment, commitment_id)
    policy.require(policy.can_edit_commitment(current_user, commitment),
                   _("Only the organisation that made this pledge can record its fulfilment."))
    form = FulfilForm(prefix=f"c{commitment_id}")

    def call():
        services.fulfil_commitment(current_user, commitment, fulfilled_on=form.fulfilled_on.data, amount=form.amount.data,
                                   evidence_url=form.evidence_url.data, evidence_note=form.evidence_note.data,
                                   evidence_file=_upload(form.evidence_file))
    return _act(commitment.programme, f"fulfil:{commitment_id}", form, call, _("The fulfilment is recorded."), "#commitments")


@bp.post("/<int:programme_id>/milestones")
@login_required
def add_milestone(programme_id: int):
    programme = _load(programme_id)
    policy.require(policy.can_edit_milestones(current_user, programme))
    form = MilestoneForm(prefix="milestone")
    form.owner.choices = [(m.organisation_id, m.organisation.name) for m in programme.members]

    def call():
        services.add_milestone(current_user, programme, title=form.title.data, weight=form.weight.data,
                               due_on=form.due_on.data, owner=db.session.get(Organisation, form.owner.data))
    return _act(programme, "milestone_form", form, call, _("The milestone is added."), "#milestones")


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@login_required
def edit_milestone(milestone_id: int):
    milestone = db.get_or_404(Milestone, milestone_id)
    policy.require(policy.can_edit_milestones(current_user, milestone.programme))
    form = MilestoneForm(obj=milestone)
    form.owner.choices = [(m.organisation_id, m.organisation.name) for m in milestone.programme.members]
    if request.method == "GET":
        form.owner.data = milestone.owner_organisation_id
    if form.validate_on_submit() and commit_or_errors(form, lambda: services.update_milestone(
            current_user, milestone, title=form.title.data, weight=form.weight.data,
            due_on=form.due_on.data, owner=db.session.get(Organisation, form.owner.data))):
        flash(_("The milestone is saved."), "success")
        return redirect(url_for("programmes.detail", programme_id=milestone.programme_id) + "#milestones")
    return render_template("programmes/milestone_form.html", form=form, milestone=milestone), \
        422 if form.errors else 200


@bp.post("/milestones/<int:milestone_id>/start")
@login_required
def start_milestone(milestone_id: int):
    milestone = db.get_or_404(Milestone, milestone_id)
    services.start_milestone(current_user, milestone)
    db.session.commit()
    return redirect(url_for("programmes.detail", programme_id=milestone.programme_id) + "#milestones")


@bp.post("/milestones/<int:milestone_id>/complete")
@login_required
def complete_milestone(milestone_id: int):
    milestone = db.get_or_404(Milestone, milestone_id)
    policy.require(policy.can_update_milestone(current_user, milestone))
    form = CompleteForm(prefix=f"m{milestone_id}")

    def call():
        services.complete_milestone(current_user, milestone, evidence_url=form.evidence_url.data,
                                    evidence_note=form.evidence_note.data, evidence_file=_upload(form.evidence_file))
    return _act(milestone.programme, f"complete:{milestone_id}", form, call, _("The milestone is done."), "#milestones")


@bp.post("/milestones/<int:milestone_id>/delete")
@login_required
def delete_milestone(milestone_id: int):
    milestone = db.get_or_404(Milestone, milestone_id)
    programme_id = milestone.programme_id
    services.delete_milestone(current_user, milestone)
    db.session.commit()
    flash(_("The milestone is deleted."), "success")
    return redirect(url_for("programmes.detail", programme_id=programme_id) + "#milestones")


@bp.post("/<int:programme_id>/updates")
@login_required
def post_update(programme_id: int):
    programme = _load(programme_id)
    policy.require(policy.can_post_programme_update(current_user, programme))
    form = UpdateForm(prefix="update")
    return _act(programme, "update_form", form,
                lambda: services.post_update(current_user, programme, body=form.body.data, photo=_upload(form.photo)),
                _("The update is posted."), "#updates")


@bp.post("/<int:programme_id>/comments")
@login_required
def post_comment(programme_id: int):
    programme = _load(programme_id)
    policy.require(policy.can_discuss_programme(current_user, programme))
    form = CommentForm(prefix="comment")
    return _act(programme, "comment_form", form,
                lambda: services.post_comment(current_user, programme, body=form.body.data,
                                              client_key=form.client_key.data or secrets.token_urlsafe(16)),
                _("The message is posted."), "#discussion")


@bp.post("/<int:programme_id>/realise")
@login_required
def realise(programme_id: int):
    programme = _load(programme_id)
    items = services.realise_linked_items(current_user, programme)
    db.session.commit()
    flash(_("The programme is completed; %(n)d masterplan item(s) are marked realised.", n=len(items)), "success")
    return redirect(url_for("programmes.detail", programme_id=programme.id))


@bp.get("/files/<name>")
def file(name: str):
    """An evidence file or photo, served only where its programme is visible to the reader."""
    owner = (db.session.scalar(select(Milestone.programme_id).where(Milestone.evidence_file == name))
             or db.session.scalar(select(Commitment.programme_id).where(Commitment.evidence_file == name))
             or db.session.scalar(select(ProgrammeUpdate.programme_id).where(ProgrammeUpdate.photo == name)))
    if owner is None:
        raise NotFound(_("No such file."))
    _load(owner)
    return send_from_directory(folder(), name, max_age=3600)
