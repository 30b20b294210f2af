"""Programme operations. Each takes the acting user, enforces the policy and the rules,
writes the audit log and fires signals; it flushes and never commits.

Refusals: PermissionDenied (policy), ValidationFailed (bad input; nothing is written),
Conflict (wrong state).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from collab import permissions as policy
from collab import signals
from collab.core.audit import record
from collab.core.db import utcnow
from collab.core.errors import Conflict, PermissionDenied, ValidationFailed
from collab.core.text import squash
from collab.extensions import db
from collab.masterplan.models import DimensionCode, MasterplanItem
from collab.orgs.models import Organisation, OrgKind
from collab.programmes.models import (
    Commitment,
    CommitmentKind,
    MemberRole,
    MemberStatus,
    Milestone,
    MilestoneStatus,
    Programme,
    ProgrammeComment,
    ProgrammeMember,
    ProgrammeProposal,
    ProgrammeState,
    ProgrammeUpdate,
)
from collab.programmes.uploads import Upload, accept_upload

# A single pledge above 1 trillion Rupiah is a typing error, not a keroyokan programme.
MAX_AMOUNT = Decimal("1000000000000")
MAX_WEIGHT = 100


def _fail(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, errors={field: [message]})


def _raise(errors: dict) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, errors=errors)


def _amount(value, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [_l("Enter an amount in Rupiah, digits only.")]
        return None
    if not amount.is_finite():
        errors[field] = [_l("Enter an amount in Rupiah, digits only.")]
    elif amount < 0:
        errors[field] = [_l("The amount cannot be negative.")]
    elif amount > MAX_AMOUNT:
        errors[field] = [_l("The amount is implausibly large (at most Rp 1 trillion per commitment).")]
    else:
        return amount.quantize(Decimal("0.01"))
    return None


def _url(value: str | None, field: str, errors: dict) -> str:
    value = (value or "").strip()
    if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc or len(value) > 500):
        errors[field] = [_l("Enter a web address starting with http:// or https://.")]
    return value


def _require_not_completed(programme: Programme) -> None:
    if programme.state == ProgrammeState.completed:
        raise Conflict(_l("The programme is completed; it can no longer be changed."))


# -- programmes -------------------------------------------------------------------------------

def create_programme(actor, *, name: str, goal: str, dimension: DimensionCode, lead: Organisation,
                     items: list[MasterplanItem] = (), proposal_ids: list[int] = (),
                     starts_on: date | None = None, ends_on: date | None = None) -> Programme:
    """Create a draft programme. The admin may name any OPD as lead; an OPD officer only their own."""
    policy.require(policy.can_create_programme(actor), _l("Only OPD officers and the secretariat create programmes."))
    if not policy.is_admin(actor) and lead.id != actor.organisation_id:
        raise PermissionDenied(_l("You can only create programmes led by your own OPD."))
    errors: dict = {}
    if not squash(name):
        errors["name"] = [_l("Enter the programme's name.")]
    elif len(squash(name)) > 200:
        errors["name"] = [_l("The name is too long (at most 200 characters).")]
    if lead.kind != OrgKind.opd:
        errors["lead"] = [_l("The lead must be an OPD.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_l("The end date must not be before the start date.")]
    if any(item.dimension.code != dimension for item in items):
        errors["items"] = [_l("Masterplan items must belong to the programme's dimension.")]
    _raise(errors)
    programme = Programme(name=squash(name), goal=(goal or "").strip(), dimension=dimension, lead_organisation=lead,
                          starts_on=starts_on, ends_on=ends_on, created_by_id=getattr(actor, "id", None))
    programme.members.append(ProgrammeMember(organisation=lead, role=MemberRole.lead, status=MemberStatus.accepted,
                                             responded_at=utcnow()))
    programme.items = list(items)
    programme.proposal_links = [ProgrammeProposal(proposal_id=pid) for pid in dict.fromkeys(proposal_ids)]
    db.session.add(programme)
    db.session.flush()
    record(actor, "programme.create", programme, lead=lead.short_name, items=[i.id for i in items])
    signals.programme_created.send(programme, actor=actor)
    return programme


def link_items(actor, programme: Programme, items: list[MasterplanItem]) -> None:
    """Link further masterplan items (same dimension) to the programme."""
    policy.require(policy.can_manage_programme(actor, programme))
    _require_not_completed(programme)
    if any(item.dimension.code != programme.dimension for item in items):
        raise _fail("items", _l("Masterplan items must belong to the programme's dimension."))
    for item in items:
        if item not in programme.items:
            programme.items.append(item)
    record(actor, "programme.link_items", programme, items=[i.id for i in items])


def invite_member(actor, programme: Programme, organisation: Organisation, role: MemberRole) -> ProgrammeMember:
    """Invite a co-owner OPD or a partner organisation (the lead or the admin)."""
    policy.require(policy.can_manage_programme(actor, programme), _l("Only the lead OPD invites members."))
    _require_not_completed(programme)
    if role == MemberRole.lead:
        raise _fail("role", _l("A programme has one lead OPD."))
    if role == MemberRole.co_owner and organisation.kind != OrgKind.opd:
        raise _fail("organisation", _l("Co-owners must be OPDs; invite other organisations as partners."))
    if role == MemberRole.partner and organisation.kind == OrgKind.opd:
        raise _fail("organisation", _l("OPDs join as co-owners."))
    if not organisation.active:
        raise _fail("organisation", _l("This organisation is inactive."))
    existing = programme.member_for(organisation.id)
    if existing is not None and existing.status != MemberStatus.declined:
        raise Conflict(_l("%(org)s is already invited to this programme.", org=organisation.short_name))
    if existing is not None:  # invited again after a decline
        existing.role, existing.status, existing.invited_at, existing.responded_at = role, MemberStatus.invited, utcnow(), None
        member = existing
    else:
        member = ProgrammeMember(organisation=organisation, role=role, status=MemberStatus.invited)
        programme.members.append(member)
    db.session.flush()
    record(actor, "programme.invite", programme, organisation=organisation.short_name, role=role)
    signals.programme_member_invited.send(member, actor=actor)
    return member


def respond_to_invitation(actor, member: ProgrammeMember, *, accept: bool) -> None:
    """Accept or decline: only people of the invited organisation."""
    policy.require(policy.can_respond_to_invitation(actor, member),
                   _l("Only the invited organisation can answer this invitation."))
    member.status = MemberStatus.accepted if accept else MemberStatus.declined
    member.responded_at = utcnow()
    record(actor, "programme.accept" if accept else "programme.decline", member.programme,
           organisation=member.organisation.short_name)
    signals.programme_member_responded.send(member, actor=actor)


def start_programme(actor, programme: Programme) -> None:
    """Draft -> running. Refused without milestones: progress needs a weight sum above zero."""
    policy.require(policy.can_manage_programme(actor, programme))
    if programme.state != ProgrammeState.draft:
        raise Conflict(_l("Only a draft programme can be started."))
    if sum(m.weight for m in programme.milestones) <= 0:
        raise _fail("milestones", _l("Add at least one milestone with a weight above zero before starting: "
                                     "progress is computed from milestone weights."))
    programme.state = ProgrammeState.active
    record(actor, "programme.start", programme)


# -- commitments ------------------------------------------------------------------------------

def _commitment_fields(programme, kind, amount, description, due_on) -> tuple[Decimal | None, str]:
    errors: dict = {}
    value = _amount(amount, "amount", errors)
    description = (description or "").strip()
    if kind == CommitmentKind.funds and value is None and "amount" not in errors:
        errors["amount"] = [_l("Enter the amount of funds in Rupiah.")]
    if kind != CommitmentKind.funds and not description:
        errors["description"] = [_l("Describe what is committed.")]
    if due_on and programme.starts_on and due_on < programme.starts_on:
        errors["due_on"] = [_l("The due date cannot be before the programme starts.")]
    if due_on and programme.ends_on and due_on > programme.ends_on:
        errors["due_on"] = [_l("The due date cannot be after the programme ends.")]
    _raise(errors)
    return value, description


def add_commitment(actor, programme: Programme, *, kind: CommitmentKind, amount=None, description: str = "",
                   due_on: date | None = None) -> Commitment:
    """Record a commitment of the actor's own organisation (accepted members only)."""
    policy.require(policy.can_record_commitment(actor, programme),
                   _l("Only members of the programme record commitments, for their own organisation."))
    value, description = _commitment_fields(programme, kind, amount, description, due_on)
    commitment = Commitment(organisation_id=actor.organisation_id, kind=kind, amount=value,
                            description=description, due_on=due_on)
    programme.commitments.append(commitment)
    db.session.flush()
    record(actor, "commitment.create", commitment, programme=programme.id, kind=kind, amount=str(value or ""))
    return commitment


def update_commitment(actor, commitment: Commitment, *, kind: CommitmentKind, amount=None, description: str = "",
                      due_on: date | None = None) -> None:
    """Change a pledge: only the pledging organisation, and not once fulfilled."""
    policy.require(policy.can_edit_commitment(actor, commitment),
                   _l("Only the organisation that made this pledge can change it."))
    if commitment.fulfilled:
        raise Conflict(_l("A fulfilled commitment cannot be changed."))
    value, description = _commitment_fields(commitment.programme, kind, amount, description, due_on)
    before = str(commitment.amount or "")
    commitment.kind, commitment.amount, commitment.description, commitment.due_on = kind, value, description, due_on
    record(actor, "commitment.update", commitment, before=before, amount=str(value or ""))


def fulfil_commitment(actor, commitment: Commitment, *, fulfilled_on: date, amount=None, evidence_url: str = "",
                      evidence_note: str = "", evidence_file: Upload | None = None) -> None:
    """Record fulfilment with evidence (a link, a note or a PDF/JPG/PNG file): only the pledging organisation."""
    policy.require(policy.can_edit_commitment(actor, commitment),
                   _l("Only the organisation that made this pledge can record its fulfilment."))
    if commitment.fulfilled:
        raise Conflict(_l("This commitment is already fulfilled."))
    errors: dict = {}
    value = _amount(amount, "amount", errors)
    url = _url(evidence_url, "evidence_url", errors)
    if commitment.kind == CommitmentKind.funds and value is None and "amount" not in errors:
        errors["amount"] = [_l("Enter the amount actually given.")]
    if fulfilled_on > date.today():
        errors["fulfilled_on"] = [_l("The fulfilment date cannot be in the future.")]
    if commitment.programme.starts_on and fulfilled_on < commitment.programme.starts_on:
        errors["fulfilled_on"] = [_l("The fulfilment date cannot be before the programme starts.")]
    if not url and not (evidence_note or "").strip() and evidence_file is None:
        errors["evidence_url"] = [_l("Give evidence: a link, a file or a note.")]
    _raise(errors)
    commitment.evidence_file = accept_upload(evidence_file, "evidence_file")
    commitment.fulfilled_amount, commitment.fulfilled_on, commitment.fulfilled_at = value, fulfilled_on, utcnow()
    commitment.evidence_url, commitment.evidence_note = url, (evidence_note or "").strip()
    record(actor, "commitment.fulfil", commitment, amount=str(value or ""), fulfilled_on=fulfilled_on.isoformat())
    signals.commitment_fulfilled.send(commitment, actor=actor)


# -- milestones -------------------------------------------------------------------------------

def _milestone_fields(programme, title, weight, due_on, owner) -> str:
    errors: dict = {}
    if not squash(title):
        errors["title"] = [_l("Enter the milestone's title.")]
    if weight is None or not (0 < weight <= MAX_WEIGHT):
        errors["weight"] = [_l("The weight must be a whole number from 1 to %(max)d.", max=MAX_WEIGHT)]
    if due_on is None:
        errors["due_on"] = [_l("Enter the due date.")]
    elif programme.starts_on and due_on < programme.starts_on:
        errors["due_on"] = [_l("The due date cannot be before the programme starts.")]
    elif programme.ends_on and due_on > programme.ends_on:
        errors["due_on"] = [_l("The due date cannot be after the programme ends.")]
    if owner is not None:
        member = programme.member_for(owner.id)
        if member is None or member.status == MemberStatus.declined:
            errors["owner"] = [_l("The owner must be a member organisation of the programme.")]
    _raise(errors)
    return squash(title)


def add_milestone(actor, programme: Programme, *, title: str, weight: int, due_on: date,
                  owner: Organisation | None = None) -> Milestone:
    """Add a milestone (lead or co-owner OPDs, admin)."""
    policy.require(policy.can_edit_milestones(actor, programme), _l("Only the lead and co-owner OPDs plan milestones."))
    _require_not_completed(programme)
    title = _milestone_fields(programme, title, weight, due_on, owner)
    milestone = Milestone(title=title, weight=weight, due_on=due_on, owner_organisation=owner or programme.lead_organisation)
    programme.milestones.append(milestone)
    db.session.flush()
    record(actor, "milestone.create", milestone, programme=programme.id, weight=weight)
    return milestone


def update_milestone(actor, milestone: Milestone, *, title: str, weight: int, due_on: date,
                     owner: Organisation | None = None) -> None:
    programme = milestone.programme
    policy.require(policy.can_edit_milestones(actor, programme), _l("Only the lead and co-owner OPDs plan milestones."))
    _require_not_completed(programme)
    title = _milestone_fields(programme, title, weight, due_on, owner)
    milestone.title, milestone.weight, milestone.due_on = title, weight, due_on
    milestone.owner_organisation = owner or milestone.owner_organisation
    record(actor, "milestone.update", milestone, weight=weight)


def delete_milestone(actor, milestone: Milestone) -> None:
    programme = milestone.programme
    policy.require(policy.can_edit_milestones(actor, programme))
    _require_not_completed(programme)
    if milestone.status == MilestoneStatus.done:
        raise Conflict(_l("A done milestone cannot be deleted."))
    if programme.state != ProgrammeState.draft and len(programme.milestones) == 1:
        raise Conflict(_l("A running programme keeps at least one milestone: progress is computed from them."))
    record(actor, "milestone.delete", programme, milestone=milestone.title)
    programme.milestones.remove(milestone)
    db.session.flush()


def start_milestone(actor, milestone: Milestone) -> None:
    policy.require(policy.can_update_milestone(actor, milestone))
    if milestone.status != MilestoneStatus.planned:
        raise Conflict(_l("Only a planned milestone can be started."))
    milestone.status = MilestoneStatus.in_progress
    record(actor, "milestone.start", milestone)


def complete_milestone(actor, milestone: Milestone, *, evidence_url: str = "", evidence_note: str = "",
                       evidence_file: Upload | None = None) -> None:
    """Mark done with evidence (a link, a note or a PDF/JPG/PNG file): required, the evaluation asks for it."""
    policy.require(policy.can_update_milestone(actor, milestone))
    if milestone.programme.state != ProgrammeState.active:
        raise Conflict(_l("Milestones are completed while the programme is running."))
    if milestone.status == MilestoneStatus.done:
        raise Conflict(_l("This milestone is already done."))
    errors: dict = {}
    url = _url(evidence_url, "evidence_url", errors)
    if not url and not (evidence_note or "").strip() and evidence_file is None:
        errors["evidence_url"] = [_l("Give evidence: a link, a file or a note.")]
    _raise(errors)
    milestone.evidence_file = accept_upload(evidence_file, "evidence_file")
    milestone.status, milestone.done_at = MilestoneStatus.done, utcnow()
    milestone.evidence_url, milestone.evidence_note = url, (evidence_note or "").strip()
    record(actor, "milestone.complete", milestone, evidence_url=url)
    signals.milestone_completed.send(milestone, actor=actor)


# -- feed and discussion ----------------------------------------------------------------------

def post_update(actor, programme: Programme, *, body: str, photo: Upload | None = None) -> ProgrammeUpdate:
    """A news item for the feed (members and the admin), optionally with a JPG/PNG photo."""
    policy.require(policy.can_post_programme_update(actor, programme), _l("Only members post updates."))
    if not (body or "").strip():
        raise _fail("body", _l("Write the update."))
    update = ProgrammeUpdate(body=body.strip(), photo=accept_upload(photo, "photo", images_only=True), author_id=actor.id)
    programme.updates.append(update)
    db.session.flush()
    record(actor, "programme.update_post", programme, update=update.id)
    return update


def post_comment(actor, programme: Programme, *, body: str) -> ProgrammeComment:
    policy.require(policy.can_discuss_programme(actor, programme), _l("Only members take part in the discussion."))
    if not (body or "").strip():
        raise _fail("body", _l("Write a message."))
    comment = ProgrammeComment(body=body.strip(), author_id=actor.id)
    programme.comments.append(comment)
    db.session.flush()
    record(actor, "programme.comment", programme, comment=comment.id)
    return comment


# -- realisation ------------------------------------------------------------------------------

def realise_linked_items(actor, programme: Programme, *, realised_on: date | None = None) -> list[MasterplanItem]:
    """When every milestone is done and evidenced, mark the linked masterplan items realised
    and complete the programme (the lead OPD or the admin). The evidence note names the
    programme and its milestones, so the evaluation report can show it."""
    policy.require(policy.can_manage_programme(actor, programme), _l("Only the lead OPD closes a programme."))
    if programme.state != ProgrammeState.active:
        raise Conflict(_l("Only a running programme can be closed."))
    if not programme.all_milestones_evidenced:
        raise Conflict(_l("Every milestone must be done and have evidence first."))
    realised_on = realised_on or date.today()
    if realised_on > date.today():
        raise _fail("realised_on", _l("The realisation date cannot be in the future."))
    note = "\n".join([f"Programme: {programme.name}"] + [
        f"- {m.title}: {m.evidence_url or m.evidence_note or m.evidence_file}" for m in programme.milestones])
    realised = []
    for item in programme.items:
        if item.realised_on is None:
            item.realised_on, item.realisation_note = realised_on, note
            record(actor, "masterplan_item.realise", item, realised_on=realised_on, programme=programme.id)
            realised.append(item)
    programme.state = ProgrammeState.completed
    record(actor, "programme.complete", programme, items=[i.id for i in realised])
    signals.programme_items_realised.send(programme, actor=actor, items=realised)
    return realised


# -- reading ----------------------------------------------------------------------------------

def programmes_of(organisation_id: int) -> list[Programme]:
    """Programmes where the organisation is invited or a member (not declined)."""
    return list(db.session.scalars(
        select(Programme).join(ProgrammeMember)
        .where(ProgrammeMember.organisation_id == organisation_id, ProgrammeMember.status != MemberStatus.declined)
        .order_by(Programme.created_at.desc())))
