"""Domain operations on proposals. One state machine (`TRANSITIONS`) is used by every
operation; each takes the acting user, refuses an illegal step (Conflict, 409) or an actor
without the right (PermissionDenied, 403) before changing anything, records a
ProposalTransition and the audit log, fires a signal, and flushes (the caller commits).

State changes are conditional UPDATEs on (id, state, version): if someone else moved the
proposal meanwhile (two officers reviewing at once), the second gets a Conflict.
"""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from collab import permissions as policy
from collab import signals
from collab.areas.models import AreaLevel
from collab.core.after_commit import on_commit
from collab.core.audit import record
from collab.core.db import utcnow
from collab.core.errors import Conflict, ValidationFailed
from collab.core.text import squash
from collab.extensions import db
from collab.masterplan.models import DimensionCode
from collab.orgs.models import Organisation, OrgKind
from collab.proposals.models import (
    Attachment,
    Comment,
    Endorsement,
    Feasibility,
    Horizon,
    Proposal,
    ProposalState,
    ProposalTransition,
    Recommendation,
    Review,
    RoutingRule,
)

S = ProposalState
_BEFORE_VOTING = (S.draft, S.submitted, S.in_review, S.revision_requested, S.ready_for_council)
_OPEN = (S.submitted, S.in_review, S.revision_requested, S.ready_for_council)

# action -> {from state: to state}. The one table every operation goes through.
TRANSITIONS: dict[str, dict[ProposalState, ProposalState]] = {
    "submit": {S.draft: S.submitted, S.revision_requested: S.submitted},
    "assign": {S.submitted: S.submitted},
    "start_review": {S.submitted: S.in_review},
    "request_revision": {S.in_review: S.revision_requested},
    "mark_ready": {S.in_review: S.ready_for_council},
    "withdraw": {s: S.withdrawn for s in _BEFORE_VOTING},
    "merge": {s: S.merged for s in _OPEN},
    "open_voting": {S.ready_for_council: S.voting},
    "accept": {S.voting: S.accepted},
    "reject": {S.voting: S.rejected},
    # the council vote closed without quorum: the proposal waits for another sitting
    "return_to_council": {S.voting: S.ready_for_council},
    # the council did not reach it, or rejected it "not this year": it waits for next year's cycle
    "carry_over": {S.ready_for_council: S.ready_for_council, S.rejected: S.ready_for_council},
}

ACTION_LABELS = {
    "create": _l("created the draft"),
    "submit": _l("submitted"),
    "assign": _l("assigned to an OPD"),
    "start_review": _l("started the review"),
    "request_revision": _l("requested a revision"),
    "mark_ready": _l("marked ready for the council"),
    "withdraw": _l("withdrew"),
    "merge": _l("merged into another proposal"),
    "open_voting": _l("opened the council vote"),
    "accept": _l("accepted by the council"),
    "reject": _l("rejected by the council"),
    "return_to_council": _l("returned to the council queue (no quorum)"),
    "carry_over": _l("carried over to the next cycle"),
}

LIMITS = {"title": 200, "problem": 8000, "solution": 8000, "expected_impact": 4000, "on_behalf_of": 400}
MAX_COST = Decimal("1000000000000")  # one trillion Rupiah: anything above is a typing error


def allowed_actions(proposal: Proposal) -> set[str]:
    return {action for action, moves in TRANSITIONS.items() if proposal.state in moves}


def _target(proposal: Proposal, action: str) -> ProposalState:
    to = TRANSITIONS[action].get(proposal.state)
    if to is None:
        raise Conflict(_l("This step (%(action)s) is not possible while the proposal is “%(state)s”.",
                          state=proposal.state.label, action=ACTION_LABELS[action]))
    return to


def _move(actor, proposal: Proposal, action: str, note: str = "") -> ProposalTransition:
    """Apply `action` atomically: the UPDATE only succeeds if nobody changed the proposal since
    it was read, so the state machine cannot be raced."""
    to = _target(proposal, action)
    from_state, version = proposal.state, proposal.version
    result = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.state == from_state, Proposal.version == version)
        .values(state=to, version=version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_l("Someone else changed this proposal a moment ago. Reload the page and try again."))
    set_committed_value(proposal, "state", to)
    set_committed_value(proposal, "version", version + 1)
    step = ProposalTransition(proposal=proposal, from_state=from_state, to_state=to, action=action,
                              actor_id=getattr(actor, "id", None), note=(note or "").strip()[:4000])
    db.session.add(step)
    record(actor, f"proposal.{action}", proposal, from_state=from_state, to_state=to, note=step.note)
    db.session.flush()
    signals.proposal_state_changed.send(proposal, actor=actor, from_state=from_state, to_state=to,
                                        action=action, note=step.note)
    return step


# -- drafts -----------------------------------------------------------------------------------

def _clean_fields(data: dict, *, partial: bool) -> dict:
    errors: dict[str, list] = {}
    out = {}
    for name, limit in LIMITS.items():
        if name not in data:
            continue
        value = data[name] or ""
        value = squash(value) if name in ("title", "on_behalf_of") else value.strip()
        if len(value) > limit:
            errors[name] = [_l("At most %(n)d characters.", n=limit)]
        out[name] = value
    if not partial and not out.get("title"):
        errors["title"] = [_l("Give the proposal a title.")]
    elif "title" in out and len(out["title"]) < 5:
        errors["title"] = [_l("The title is too short (at least 5 characters).")]
    if "dimension" in data:
        try:
            out["dimension"] = DimensionCode(data["dimension"])
        except ValueError:
            errors["dimension"] = [_l("Choose a masterplan dimension.")]
    elif not partial:
        errors["dimension"] = [_l("Choose a masterplan dimension.")]
    if "horizon" in data:
        try:
            out["horizon"] = Horizon(data["horizon"] or Horizon.short)
        except ValueError:
            errors["horizon"] = [_l("Choose short or long term.")]
    if "estimated_cost" in data:
        cost = data["estimated_cost"]
        try:
            cost = None if cost in (None, "") else Decimal(str(cost)).quantize(Decimal(1))
        except InvalidOperation:
            errors["estimated_cost"] = [_l("Enter an amount in Rupiah.")]
        else:
            if cost is not None and not (0 <= cost <= MAX_COST):
                errors["estimated_cost"] = [_l("Enter an amount between 0 and one trillion Rupiah.")]
            out["estimated_cost"] = cost
    if "suggested_opd" in data:
        opd = data["suggested_opd"]
        if opd is not None and opd.kind != OrgKind.opd:
            errors["suggested_opd"] = [_l("Choose a city agency (OPD).")]
        out["suggested_opd"] = opd
    if errors:
        raise ValidationFailed(_l("Some fields need attention."), errors=errors)
    return out


def create_proposal(actor, **data) -> Proposal:
    """An RT/RW head writes a draft for the office they hold. Without a suggested OPD, the
    routing table suggests one. Refuses: anyone else (403), invalid fields (422)."""
    policy.require(policy.can_create_proposal(actor), _l("Only RT/RW heads holding an office write proposals."))
    fields = _clean_fields(data, partial=False)
    proposal = Proposal(office_id=actor.office.id, author_id=actor.id, state=S.draft,
                        year=data.get("year") or date.today().year, **fields)
    if proposal.suggested_opd is None:
        proposal.suggested_opd = suggest_opd(proposal.dimension, proposal.title, proposal.problem, proposal.solution)
    db.session.add(proposal)
    db.session.flush()
    db.session.add(ProposalTransition(proposal=proposal, from_state=None, to_state=S.draft, action="create",
                                      actor_id=actor.id))
    record(actor, "proposal.create", proposal, title=proposal.title)
    db.session.flush()
    return proposal


def update_proposal(actor, proposal: Proposal, **data) -> Proposal:
    """The author or the office's head edits a draft or a proposal sent back for revision."""
    if proposal.state not in (S.draft, S.revision_requested):
        raise Conflict(_l("Only drafts and proposals sent back for revision can be edited."))
    policy.require(policy.can_edit_proposal(actor, proposal), _l("Only the proposing RT/RW office may edit it."))
    fields = _clean_fields(data, partial=True)
    changed = sorted(k for k, v in fields.items() if getattr(proposal, k) != v)
    for key, value in fields.items():
        setattr(proposal, key, value)
    record(actor, "proposal.update", proposal, fields=changed)
    db.session.flush()
    return proposal


# -- the lifecycle ----------------------------------------------------------------------------

def submit_proposal(actor, proposal: Proposal, note: str = "") -> ProposalTransition:
    """Send a draft (or a revised proposal) to the secretariat. Problem and solution are required."""
    _target(proposal, "submit")
    policy.require(policy.can_submit_proposal(actor, proposal), _l("Only the proposing RT/RW office may submit it."))
    missing = {f: [_l("Required before submitting.")] for f in ("problem", "solution") if not getattr(proposal, f).strip()}
    if missing:
        raise ValidationFailed(_l("Describe the problem and the proposed solution before submitting."), errors=missing)
    step = _move(actor, proposal, "submit", note)
    proposal.submitted_at = proposal.submitted_at or utcnow()
    db.session.flush()
    return step


def assign_proposal(actor, proposal: Proposal, opd: Organisation, note: str = "") -> ProposalTransition:
    """The admin hands a submitted proposal to an OPD for review."""
    _target(proposal, "assign")
    policy.require(policy.can_assign_proposal(actor, proposal), _l("Only the secretariat assigns proposals."))
    if opd is None or opd.kind != OrgKind.opd:
        raise ValidationFailed(_l("Choose a city agency (OPD)."), errors={"opd": [_l("Choose a city agency (OPD).")]})
    proposal.assigned_opd = opd
    return _move(actor, proposal, "assign", note or opd.name)


def start_review(actor, proposal: Proposal, note: str = "") -> ProposalTransition:
    """An officer of the assigned OPD takes the proposal into review."""
    _target(proposal, "start_review")
    if proposal.assigned_opd_id is None:
        raise Conflict(_l("The secretariat has not assigned this proposal to an OPD yet."))
    policy.require(policy.can_review_proposal(actor, proposal), _l("Only officers of the assigned OPD review it."))
    return _move(actor, proposal, "start_review", note)


def review_proposal(actor, proposal: Proposal, *, decision: str, feasibility, recommendation: str,
                    cost_estimate=None, overlap: str = "") -> Review:
    """An officer of the assigned OPD records a review and either requests a revision or marks the
    proposal ready for the council (`decision` is "request_revision" or "mark_ready")."""
    if decision not in ("request_revision", "mark_ready"):
        raise ValidationFailed(_l("Choose a decision."), errors={"decision": [_l("Choose a decision.")]})
    _target(proposal, decision)
    policy.require(policy.can_review_proposal(actor, proposal), _l("Only officers of the assigned OPD review it."))
    errors = {}
    recommendation = (recommendation or "").strip()
    if not recommendation:
        errors["recommendation"] = [_l("Write the recommendation (what to change, or why it is ready).")]
    elif len(recommendation) > 8000:
        errors["recommendation"] = [_l("At most %(n)d characters.", n=8000)]
    try:
        feasibility = Feasibility(feasibility)
    except ValueError:
        errors["feasibility"] = [_l("Choose how feasible it is.")]
    try:
        cost = None if cost_estimate in (None, "") else Decimal(str(cost_estimate)).quantize(Decimal(1))
        if cost is not None and not (0 <= cost <= MAX_COST):
            raise InvalidOperation
    except InvalidOperation:
        errors["cost_estimate"] = [_l("Enter an amount between 0 and one trillion Rupiah.")]
        cost = None
    if errors:
        raise ValidationFailed(_l("Some fields need attention."), errors=errors)
    _move(actor, proposal, decision, recommendation)
    review = Review(proposal=proposal, officer_id=actor.id, organisation_id=actor.organisation_id,
                    feasibility=feasibility, cost_estimate=cost, overlap=(overlap or "").strip()[:8000],
                    recommendation=recommendation, decision=proposal.state)
    db.session.add(review)
    record(actor, "proposal.review", proposal, feasibility=feasibility, decision=decision)
    db.session.flush()
    return review


def withdraw_proposal(actor, proposal: Proposal, reason: str = "") -> ProposalTransition:
    """The author or the office's head withdraws it, any time before the council votes."""
    _target(proposal, "withdraw")
    policy.require(policy.can_withdraw_proposal(actor, proposal), _l("Only the proposing RT/RW office may withdraw it."))
    return _move(actor, proposal, "withdraw", reason)


def merge_proposal(actor, proposal: Proposal, survivor: Proposal, note: str = "") -> ProposalTransition:
    """The admin merges a duplicate into `survivor`: it points to the survivor, its endorsements
    and comments move along, and its office co-signs the survivor (both authors stay credited)."""
    _target(proposal, "merge")
    policy.require(policy.can_merge_proposals(actor), _l("Only the secretariat merges proposals."))
    if survivor is None or survivor.id == proposal.id:
        raise ValidationFailed(_l("Choose another proposal to merge into."),
                               errors={"into": [_l("Choose another proposal to merge into.")]})
    if survivor.state not in _OPEN:
        raise Conflict(_l("The proposal to merge into must still be open (submitted up to ready for council)."))
    step = _move(actor, proposal, "merge", note or f"#{survivor.id} {survivor.title}")
    proposal.merged_into = survivor
    have = {e.office_id for e in survivor.endorsements} | {survivor.office_id}
    for endorsement in list(proposal.endorsements):
        if endorsement.office_id in have:
            continue
        have.add(endorsement.office_id)
        endorsement.proposal = survivor
    if proposal.office_id not in have:
        db.session.add(Endorsement(proposal=survivor, office_id=proposal.office_id, user_id=proposal.author_id,
                                   note=f"#{proposal.id}"))
    for comment in list(proposal.comments):
        comment.proposal = survivor
    record(actor, "proposal.merged_into", survivor, merged=proposal.id)
    db.session.flush()
    return step


def open_voting(actor, proposal: Proposal, note: str = "") -> ProposalTransition:
    """For the council domain: the admin puts a ready proposal on a sitting's agenda."""
    _target(proposal, "open_voting")
    policy.require(policy.is_admin(actor), _l("Only the secretariat opens council votes."))
    return _move(actor, proposal, "open_voting", note)


def record_council_decision(actor, proposal: Proposal, accepted: bool, note: str = "") -> ProposalTransition:
    """For the council domain: the closed vote's result."""
    action = "accept" if accepted else "reject"
    _target(proposal, action)
    policy.require(policy.is_admin(actor), _l("Only the secretariat records the council's decision."))
    return _move(actor, proposal, action, note)


def return_to_council(actor, proposal: Proposal, note: str = "") -> ProposalTransition:
    """For the council domain: the vote closed without quorum, so the proposal is ready for
    the council again (voting -> ready_for_council)."""
    _target(proposal, "return_to_council")
    policy.require(policy.is_admin(actor), _l("Only the secretariat records the council's decision."))
    return _move(actor, proposal, "return_to_council", note)


def carry_over_proposal(actor, proposal: Proposal, note: str = "") -> ProposalTransition:
    """The admin moves a proposal the council did not reach (or rejected "not this year") into
    the next year's cycle, ready for the council again; history, endorsements and reviews stay."""
    _target(proposal, "carry_over")
    policy.require(policy.is_admin(actor), _l("Only the secretariat carries proposals over."))
    step = _move(actor, proposal, "carry_over", note or str(proposal.year + 1))
    proposal.year += 1
    db.session.flush()
    return step


def recommend_proposal(actor, proposal: Proposal, body: str) -> Recommendation:
    """Add the recommendation of the actor's tier as the proposal goes up: the RW head above the
    proposing RT, then the kelurahan (the admin on its behalf). Once per tier."""
    tier = policy.proposal_recommendation_tier(actor, proposal)
    policy.require(tier is not None, _l("Only the RW head above the proposing RT, or the secretariat for the "
                                        "kelurahan, adds a recommendation while the proposal is on its way."))
    body = (body or "").strip()
    if not body or len(body) > 4000:
        message = _l("Write the recommendation (at most %(n)d characters).", n=4000)
        raise ValidationFailed(message, errors={"body": [message]})
    if any(r.tier == tier for r in proposal.recommendations):
        raise Conflict(_l("This tier has already given its recommendation."))
    area = actor.office if tier == "rw" else proposal.office
    while tier == "kelurahan" and area.level != AreaLevel.kelurahan and area.parent is not None:
        area = area.parent
    rec = Recommendation(proposal=proposal, tier=tier, area_id=area.id, author_id=actor.id, body=body)
    try:
        with db.session.begin_nested():
            db.session.add(rec)
    except IntegrityError:
        raise Conflict(_l("This tier has already given its recommendation.")) from None
    record(actor, "proposal.recommend", proposal, tier=tier)
    db.session.flush()
    return rec


# -- endorsements and comments ----------------------------------------------------------------

def endorse_proposal(actor, proposal: Proposal, note: str = "") -> Endorsement:
    """The head of another RT/RW office co-signs, once per office (also a database constraint)."""
    if proposal.state not in (*_OPEN, S.voting):
        raise Conflict(_l("Only proposals on their way to the council can be endorsed."))
    if policy.holds_proposal_office(actor, proposal):
        raise Conflict(_l("Your office proposed this; you cannot endorse your own proposal."))
    policy.require(policy.can_endorse_proposal(actor, proposal), _l("Only heads of other RT/RW offices endorse proposals."))
    office_id = actor.office.id
    exists = db.session.scalar(select(Endorsement.id).where(Endorsement.proposal_id == proposal.id,
                                                            Endorsement.office_id == office_id))
    if exists:
        raise Conflict(_l("Your office has already endorsed this proposal."))
    endorsement = Endorsement(proposal_id=proposal.id, office_id=office_id, user_id=actor.id,
                              note=squash(note)[:400])
    try:
        with db.session.begin_nested():
            db.session.add(endorsement)
    except IntegrityError:
        raise Conflict(_l("Your office has already endorsed this proposal.")) from None
    record(actor, "proposal.endorse", proposal, office_id=office_id)
    db.session.flush()
    signals.proposal_endorsed.send(proposal, actor=actor, endorsement=endorsement)
    return endorsement


def add_comment(actor, proposal: Proposal, body: str, parent: Comment | None = None) -> Comment:
    """Anyone logged in comments on a proposal past draft; a reply names its parent comment."""
    policy.require(policy.can_comment_proposal(actor, proposal), _l("You cannot comment on this proposal."))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_l("Write a comment."), errors={"body": [_l("Write a comment.")]})
    if len(body) > 4000:
        raise ValidationFailed(_l("At most %(n)d characters.", n=4000), errors={"body": [_l("At most %(n)d characters.", n=4000)]})
    if parent is not None and parent.proposal_id != proposal.id:
        raise ValidationFailed(_l("You can only reply to a comment on the same proposal."))
    comment = Comment(proposal=proposal, author_id=actor.id, body=body, parent_id=parent.id if parent else None)
    db.session.add(comment)
    db.session.flush()
    record(actor, "proposal.comment", proposal, comment_id=comment.id)
    signals.proposal_commented.send(proposal, actor=actor, comment=comment)
    return comment


def hide_comment(actor, comment: Comment, reason: str) -> Comment:
    """The admin hides a comment with a reason; the text stays stored and the audit log keeps it."""
    policy.require(policy.can_hide_proposal_comment(actor, comment), _l("Only the secretariat hides comments."))
    if comment.hidden:
        raise Conflict(_l("This comment is already hidden."))
    reason = squash(reason)
    if not reason:
        raise ValidationFailed(_l("Give a reason for hiding it."), errors={"reason": [_l("Give a reason for hiding it.")]})
    comment.hidden_at, comment.hidden_reason, comment.hidden_by_id = utcnow(), reason[:400], actor.id
    record(actor, "proposal.comment_hidden", comment.proposal, comment_id=comment.id, reason=reason,
           body=comment.body)
    db.session.flush()
    return comment


# -- routing ----------------------------------------------------------------------------------

def suggest_opd(dimension, *texts: str) -> Organisation | None:
    """The OPD of the routing rule whose keywords occur most in the text (rules of the proposal's
    dimension, or of no dimension); ties go to the lower position."""
    haystack = " ".join(t or "" for t in texts).lower()
    rules = db.session.scalars(select(RoutingRule).where(
        (RoutingRule.dimension == dimension) | RoutingRule.dimension.is_(None))
        .order_by(RoutingRule.position, RoutingRule.id)).all()
    best, best_hits = None, 0
    for rule in rules:
        keywords = rule.keyword_list
        hits = sum(1 for k in keywords if k in haystack) if keywords else 0
        if keywords and hits > best_hits:
            best, best_hits = rule, hits
    if best is None:  # a rule without keywords is the dimension's default
        best = next((r for r in rules if not r.keyword_list and r.dimension == dimension), None)
    return best.organisation if best else None


def save_routing_rule(actor, *, dimension, keywords: str, organisation: Organisation, position: int = 0) -> RoutingRule:
    policy.require(policy.can_manage_proposal_routing(actor), _l("Only the secretariat maintains the routing table."))
    if organisation is None or organisation.kind != OrgKind.opd:
        raise ValidationFailed(_l("Choose a city agency (OPD)."), errors={"organisation": [_l("Choose a city agency (OPD).")]})
    rule = RoutingRule(dimension=DimensionCode(dimension) if dimension else None,
                       keywords=", ".join(k.strip().lower() for k in (keywords or "").split(",") if k.strip())[:400],
                       organisation=organisation, position=position)
    db.session.add(rule)
    db.session.flush()
    record(actor, "proposal.routing_rule", rule, keywords=rule.keywords, organisation=organisation.short_name)
    return rule


def delete_routing_rule(actor, rule: RoutingRule) -> None:
    policy.require(policy.can_manage_proposal_routing(actor), _l("Only the secretariat maintains the routing table."))
    record(actor, "proposal.routing_rule_deleted", rule, keywords=rule.keywords)
    db.session.delete(rule)
    db.session.flush()



# -- attachments ------------------------------------------------------------------------------

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}
MAX_ATTACHMENTS = 10


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "proposals"


def add_attachment(actor, proposal: Proposal, filename: str, data: bytes) -> Attachment:
    """The proposing office attaches a photo (JPEG/PNG/WebP) or a PDF while it may edit the
    proposal. The type is read from the content, never the name; size is limited by
    UPLOAD_MAX_BYTES. Refuses: others (403), wrong type, empty or too large (422)."""
    policy.require(policy.can_edit_proposal(actor, proposal),
                   _l("Only the proposing RT/RW office adds files, while it is a draft or sent back for revision."))
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if not data:
        raise ValidationFailed(_l("The file is empty."), errors={"file": [_l("The file is empty.")]})
    if len(data) > limit:
        message = _l("The file is too large (at most %(mb)d MB).", mb=limit // (1024 * 1024))
        raise ValidationFailed(message, errors={"file": [message]})
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in ALLOWED_TYPES:
        message = _l("Only photos (JPEG, PNG, WebP) and PDF files can be attached.")
        raise ValidationFailed(message, errors={"file": [message]})
    if len(proposal.attachments) >= MAX_ATTACHMENTS:
        raise Conflict(_l("A proposal has at most %(n)d files.", n=MAX_ATTACHMENTS))
    stored = f"{uuid.uuid4().hex}.{ALLOWED_TYPES[kind.mime]}"
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(data)
    name = squash(Path(filename or "").name)[:200] or stored
    attachment = Attachment(proposal=proposal, filename=name, stored_name=stored, content_type=kind.mime,
                            size=len(data), uploaded_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    record(actor, "proposal.attachment_added", proposal, attachment_id=attachment.id, filename=name)
    return attachment


def delete_attachment(actor, attachment: Attachment) -> None:
    """The proposing office removes a file while it may edit; the file goes after the commit."""
    proposal = attachment.proposal
    policy.require(policy.can_edit_proposal(actor, proposal),
                   _l("Only the proposing RT/RW office removes files, while it is a draft or sent back for revision."))
    path = upload_dir() / attachment.stored_name
    record(actor, "proposal.attachment_deleted", proposal, attachment_id=attachment.id, filename=attachment.filename)
    db.session.delete(attachment)
    db.session.flush()
    on_commit(db.session(), lambda: path.unlink(missing_ok=True))
