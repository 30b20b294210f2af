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
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from collab import permissions as policy
from collab import signals
from collab.core.audit import record
from collab.core.db import utcnow
from collab.core.errors import Conflict, PermissionDenied, ValidationFailed
from collab.core.text import squash
from collab.extensions import db
from collab.masterplan.models import DimensionCode, MasterplanItem
from collab.masterplan.services import realise_via_programme
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
from collab.proposals.models import Proposal, ProposalState

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
    proposal_ids = _accepted_proposal_ids(proposal_ids, errors)
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


def _accepted_proposal_ids(proposal_ids, errors: dict) -> list[int]:
    """The ids, deduplicated, if every one names an accepted proposal; else an error on "proposals"."""
    ids = list(dict.fromkeys(int(i) for i in proposal_ids or ()))
    if ids:
        found = set(db.session.scalars(select(Proposal.id).where(Proposal.id.in_(ids),
                                                                  Proposal.state == ProposalState.accepted)))
        if found != set(ids):
            errors["proposals"] = [_l("Only accepted proposals can be carried out by a programme.")]
    return ids


def update_programme(actor, programme: Programme, *, name: str, goal: str, dimension: DimensionCode,
                     items: list[MasterplanItem], proposal_ids: list[int] = (),
                     starts_on: date | None = None, ends_on: date | None = None) -> None:
    """Change name, goal, dimension, dates and the linked masterplan items and proposals: the lead and
    co-owner OPDs or the admin, until the programme is completed. Refuses items of another dimension,
    proposals that are not accepted, dates out of order, and dates that would leave milestones or
    commitments outside the programme's period; nothing is changed on refusal."""
    policy.require(policy.can_edit_programme(actor, programme), _l("Only the lead and co-owner OPDs edit the programme."))
    _require_not_completed(programme)
    errors: dict = {}
    if not squash(name):
        errors["name"] = [_l("Enter the programme's name.")]
    elif len(squash(name)) > 200:
        errors["name"] = [_l("The name is too long (at most 200 characters).")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_l("The end date must not be before the start date.")]
    dues = [m.due_on for m in programme.milestones] + [c.due_on for c in programme.commitments if c.due_on]
    if starts_on and any(d < starts_on for d in dues):
        errors["starts_on"] = [_l("Milestones or commitments are due before this start date; change them first.")]
    if ends_on and "ends_on" not in errors and any(d > ends_on for d in dues):
        errors["ends_on"] = [_l("Milestones or commitments are due after this end date; change them first.")]
    if any(item.dimension.code != dimension for item in items):
        errors["items"] = [_l("Masterplan items must belong to the programme's dimension.")]
    removed = [i for i in programme.items if i not in items]
    if any(i.realised_on is not None for i in removed):
        errors["items"] = [_l("A masterplan item already realised stays linked.")]
    proposal_ids = _accepted_proposal_ids(proposal_ids, errors)
    _raise(errors)
    before = {"name": programme.name, "dimension": programme.dimension.value,
              "items": [i.id for i in programme.items], "proposals": [pl.proposal_id for pl in programme.proposal_links]}
    programme.name, programme.goal, programme.dimension = squash(name), (goal or "").strip(), dimension
    programme.starts_on, programme.ends_on = starts_on, ends_on
    programme.items = list(items)
    kept = {pl.proposal_id: pl for pl in programme.proposal_links}
    programme.proposal_links = [kept.get(pid) or ProgrammeProposal(proposal_id=pid) for pid in proposal_ids]
    db.session.flush()
    record(actor, "programme.edit", programme, before=before, name=programme.name, dimension=dimension.value,
           items=[i.id for i in items], proposals=proposal_ids)


def remove_member(actor, member: ProgrammeMember) -> None:
    """An organisation leaves the programme: its own people withdraw it, or the lead OPD (or the
    admin) removes it. The lead cannot leave. Its open milestones pass to the lead OPD; its
    commitments stay on record. Its people lose the discussion channel at once."""
    programme = member.programme
    policy.require(policy.can_remove_programme_member(actor, member),
                   _l("Only the lead OPD or the organisation itself can end its membership."))
    _require_not_completed(programme)
    if member.role == MemberRole.lead:
        raise Conflict(_l("The lead OPD cannot leave its own programme."))
    if member.status not in (MemberStatus.invited, MemberStatus.accepted):
        raise Conflict(_l("This organisation is no longer a member."))
    member.status, member.responded_at = MemberStatus.left, utcnow()
    for milestone in programme.milestones:
        if milestone.owner_organisation_id == member.organisation_id and milestone.status != MilestoneStatus.done:
            milestone.owner_organisation = programme.lead_organisation
    db.session.flush()
    record(actor, "programme.remove_member", programme, organisation=member.organisation.short_name)
    signals.programme_member_left.send(member, actor=actor)


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
    if existing is not None and existing.status not in (MemberStatus.declined, MemberStatus.left):
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
        if member is None or member.status in (MemberStatus.declined, MemberStatus.left):
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
    update = ProgrammeUpdate(body=body.strip(), photo=accept_upload(photo, "photo", images_only=True), author_id=actor.id,
                             programme_id=programme.id)  # the feed can be long: never load it to add one
    db.session.add(update)
    db.session.flush()
    record(actor, "programme.update_post", programme, update=update.id)
    return update


# The discussion channel (namespace /programmes, docs/programme-channel.md): the same contract as
# the FGD live room. A message is stored, then announced after the commit; `seq` is per programme.
MAX_MESSAGE_LENGTH = 2000
MAX_CLIENT_KEY = 64


def message_payload(message: ProgrammeComment, author_name: str | None = None) -> dict:
    """The wire shape of a channel message (socket `message` event and the JSON API)."""
    return {"id": message.id, "seq": message.seq, "programme_id": message.programme_id,
            "author_id": message.author_id,
            "author": author_name or (message.author.name if message.author else None),
            "body": message.body, "created_at": message.created_at.isoformat()}


def post_comment(actor, programme: Programme, *, body: str, client_key: str) -> tuple[ProgrammeComment, bool]:
    """Post to the members' discussion channel; returns (message, created).

    Members of the programme (accepted organisations) and the admin only. Idempotent on
    (author, client_key): a retried send returns the stored message with created=False and is
    not announced again. Refuses empty or over-long bodies and missing keys (nothing stored)."""
    policy.require(policy.can_discuss_programme(actor, programme), _l("Only members take part in the discussion."))
    client_key = (client_key or "").strip()
    if not client_key or len(client_key) > MAX_CLIENT_KEY:
        raise _fail("client_key", _l("Every message needs a client key of at most %(n)d characters.", n=MAX_CLIENT_KEY))
    # Lock the programme row first (FOR UPDATE on PostgreSQL; SQLite has one writer), so a retry racing
    # the original finds the stored message, and seqs become visible in commit order.
    db.session.execute(select(Programme.id).where(Programme.id == programme.id).with_for_update())
    existing = db.session.scalar(select(ProgrammeComment).where(
        ProgrammeComment.programme_id == programme.id, ProgrammeComment.author_id == actor.id,
        ProgrammeComment.client_key == client_key))
    body = (body or "").strip()
    if existing is not None:
        if existing.body != body:  # not a retry: a reused key (e.g. a form sent again after "back")
            raise Conflict(_l("This message was already sent with other text; reload the page to write a new one."))
        return existing, False
    if not body:
        raise _fail("body", _l("Write a message."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise _fail("body", _l("The message is too long (at most %(n)d characters).", n=MAX_MESSAGE_LENGTH))
    seq = db.session.execute(update(Programme).where(Programme.id == programme.id)
                             .values(last_seq=Programme.last_seq + 1).returning(Programme.last_seq)).scalar_one()
    set_committed_value(programme, "last_seq", seq)  # the identity map follows the UPDATE
    comment = ProgrammeComment(programme_id=programme.id, seq=seq, body=body, author_id=actor.id,
                               client_key=client_key)
    db.session.add(comment)
    db.session.flush()
    record(actor, "programme.comment", programme, comment=comment.id, seq=seq)
    signals.programme_message_posted.send(programme, actor=actor, payload=message_payload(comment, actor.name))
    return comment, True


def messages_after(programme: Programme, after_seq: int = 0, limit: int = 200) -> list[ProgrammeComment]:
    """Channel messages with seq > after_seq, oldest first (at most `limit`; ask again from the last)."""
    return list(db.session.scalars(
        select(ProgrammeComment).where(ProgrammeComment.programme_id == programme.id,
                                       ProgrammeComment.seq > max(after_seq or 0, 0))
        .options(selectinload(ProgrammeComment.author)).order_by(ProgrammeComment.seq).limit(limit)))


def latest_messages(programme: Programme, limit: int = 100) -> list[ProgrammeComment]:
    """The newest `limit` messages, oldest first (the page shows these; the API pages further back)."""
    return messages_after(programme, max(programme.last_seq - limit, 0), limit)


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
    realised = [item for item in programme.items
                if realise_via_programme(actor, item, programme=programme, realised_on=realised_on, note=note)]
    programme.state = ProgrammeState.completed
    record(actor, "programme.complete", programme, items=[i.id for i in realised])
    signals.programme_items_realised.send(programme, actor=actor, items=realised)
    return realised


# -- reading ----------------------------------------------------------------------------------

def programmes_of(organisation_id: int) -> list[Programme]:
    """Programmes where the organisation is invited or a member (not declined, not left)."""
    return list(db.session.scalars(
        select(Programme).join(ProgrammeMember)
        .where(ProgrammeMember.organisation_id == organisation_id, ProgrammeMember.status.in_([MemberStatus.invited, MemberStatus.accepted]))
        .order_by(Programme.created_at.desc())))
