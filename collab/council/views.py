"""Council pages: sittings (public), convening (admin), review packets and ballots (seated
members), opening and closing the vote (admin)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.core.errors import Conflict, NotFound, ValidationFailed
from collab.core.forms import apply_errors
from collab.core.views import form_action
from collab.council import packet as packets
from collab.council import services
from collab.council.forms import AgendaForm, BallotForm, SittingForm
from collab.council.models import Ballot, Sitting, SittingAgendaItem
from collab.council.rules import enabled_rules
from collab.extensions import db
from collab.masterplan.services import item_for_proposal
from collab.proposals.models import Proposal

bp = Blueprint("council", __name__, url_prefix="/council")


@bp.get("/")
def index():
    stmt = (select(Sitting).options(selectinload(Sitting.agenda), selectinload(Sitting.members))
            .order_by(Sitting.held_on.desc(), Sitting.id.desc()))
    page = db.paginate(stmt, per_page=20, error_out=False)
    return render_template("council/index.html", page=page)


def _sitting_form(form: SittingForm) -> SittingForm:
    form.proposals.choices = [(p.id, f"#{p.id} {p.title}") for p in services.ready_proposals()]
    form.majority_rule.choices = [(r.name, r.label) for r in enabled_rules().values()]
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    policy.require(policy.can_convene_sitting(current_user), _("Only the secretariat convenes the council."))
    form = _sitting_form(SittingForm())
    members = services.seated_council_members()
    if form.validate_on_submit():
        try:
            sitting = services.convene_sitting(
                current_user, title=form.title.data, held_on=form.held_on.data, proposals_=services.proposals_by_id(form.proposals.data),
                quorum_percent=form.quorum_percent.data, majority_rule=form.majority_rule.data,
                secret=form.secret.data, live_tally=form.live_tally.data)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc)
            if not any(exc.errors.get(k) for k in ("title", "held_on", "proposals", "quorum_percent",
                                                   "majority_rule")):
                form.form_errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("The sitting is convened. Open the vote when the members are ready."), "success")
            return redirect(url_for("council.detail", sitting_id=sitting.id))
    return render_template("council/form.html", form=form, members=members), 422 if form.errors else 200


@bp.get("/<int:sitting_id>")
def detail(sitting_id: int):
    sitting = services.load_sitting(sitting_id)
    by_proposal = services.counts(sitting)
    tallies = {i.proposal_id: services.tally(sitting, i.proposal_id, by_proposal) for i in sitting.agenda}
    mine = {}
    if current_user.is_authenticated and sitting.seated(current_user):
        mine = {b.proposal_id: b for b in db.session.scalars(select(Ballot).where(
            Ballot.sitting_id == sitting.id, Ballot.user_id == current_user.id))}
    items = services.masterplan_items(sitting)
    editable = sitting.state.value == "scheduled" and policy.can_convene_sitting(current_user)
    return render_template("council/detail.html", sitting=sitting, tallies=tallies, mine=mine,
                           agenda_form=agenda_form(sitting) if editable else None,
                           names=services.names_by_choice(sitting, current_user), items=items,
                           rule=enabled_rules().get(sitting.majority_rule))


def agenda_form(sitting: Sitting, form: AgendaForm | None = None) -> AgendaForm:
    """The agenda as checkboxes: the sitting's proposals (ticked) and those ready since."""
    form = form or AgendaForm(formdata=None, data={"proposals": [i.proposal_id for i in sitting.agenda]})
    form.proposals.choices = [(p.id, f"#{p.id} {p.title}") for p in
                              [i.proposal for i in sitting.agenda] + services.ready_proposals()]
    return form


@bp.post("/<int:sitting_id>/agenda")
@login_required
def agenda(sitting_id: int):
    sitting = services.load_sitting(sitting_id)
    policy.require(policy.can_convene_sitting(current_user), _("Only the secretariat convenes the council."))
    form = agenda_form(sitting, AgendaForm())
    return form_action(  # a refusal is flashed by the app's handler, back on the sitting page
        form, lambda: services.change_agenda(current_user, sitting, services.proposals_by_id(form.proposals.data)),
        _("The agenda is saved."), redirect(url_for("council.detail", sitting_id=sitting_id)))


@bp.post("/<int:sitting_id>/open")
@login_required
def open_vote(sitting_id: int):
    sitting = services.load_sitting(sitting_id)
    services.open_vote(current_user, sitting)
    db.session.commit()
    flash(_("The vote is open. Seated members can now cast their ballots."), "success")
    return redirect(url_for("council.detail", sitting_id=sitting.id))


@bp.post("/<int:sitting_id>/close")
@login_required
def close_vote(sitting_id: int):
    sitting = services.load_sitting(sitting_id)
    services.close_vote(current_user, sitting)
    db.session.commit()
    flash(_("The vote is closed and the results are recorded."), "success")
    return redirect(url_for("council.detail", sitting_id=sitting.id))


def _agenda_proposal(sitting: Sitting, proposal_id: int) -> SittingAgendaItem:
    item = next((i for i in sitting.agenda if i.proposal_id == proposal_id), None)
    if item is None:
        raise NotFound(_("This proposal is not on this sitting's agenda."))
    return item


@bp.get("/<int:sitting_id>/proposals/<int:proposal_id>")
@login_required
def packet(sitting_id: int, proposal_id: int, form: BallotForm | None = None, status: int = 200):
    sitting = services.load_sitting(sitting_id)
    policy.require(policy.can_read_review_packet(current_user, sitting),
                   _("Review packets are for the council members seated in this sitting."))
    item = _agenda_proposal(sitting, proposal_id)
    data = packets.review_packet(current_user, sitting, item.proposal)
    ballot = services.ballot_of(sitting, current_user, proposal_id)
    if form is None:
        form = BallotForm(formdata=None, data={"choice": ballot.choice.value if ballot else None,
                                               "reason": ballot.reason if ballot else ""})
    return render_template("council/packet.html", sitting=sitting, item=item, packet=data, ballot=ballot,
                           form=form, tally=services.tally(sitting, proposal_id)), status


@bp.post("/<int:sitting_id>/proposals/<int:proposal_id>/ballot")
@login_required
def ballot(sitting_id: int, proposal_id: int):
    sitting = services.load_sitting(sitting_id)
    form = BallotForm()
    proposal = db.session.get(Proposal, proposal_id)
    if not form.validate_on_submit():
        policy.require(policy.can_read_review_packet(current_user, sitting))
        return packet(sitting_id, proposal_id, form=form, status=422)
    try:
        services.cast_ballot(current_user, sitting, proposal, form.choice.data, form.reason.data)
    except ValidationFailed as exc:
        db.session.rollback()
        if "proposal" in exc.errors:
            raise
        apply_errors(form, exc)
        return packet(sitting_id, proposal_id, form=form, status=422)
    except Conflict as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("council.packet", sitting_id=sitting_id, proposal_id=proposal_id))
    db.session.commit()
    flash(_("Your ballot is recorded. You may change it until the vote closes."), "success")
    return redirect(url_for("council.detail", sitting_id=sitting_id) + f"#agenda-{proposal_id}")


@bp.get("/verify")
def verify():
    """The vote record proves itself to anyone: the chain is recomputed on every visit."""
    from collab.council.chain import verify as verify_chain

    report = verify_chain()
    db.session.rollback()
    return render_template("council/verify.html", report=report), 200 if report.ok else 409


@bp.app_template_global("council_decisions")
def council_decisions(proposal):
    """For the proposal page: the council's decisions on it and its masterplan item."""
    rows = db.session.scalars(select(SittingAgendaItem).where(SittingAgendaItem.proposal_id == proposal.id,
                                                       SittingAgendaItem.result.is_not(None))
                              .options(selectinload(SittingAgendaItem.sitting)).order_by(SittingAgendaItem.id)).all()
    return {"decisions": rows, "item": item_for_proposal(proposal.id)}


@bp.record_once
def _register_cli(state):
    from collab.council.cli import verify_votes_command

    state.app.cli.add_command(verify_votes_command)
