"""Council operations: convene a sitting, open and close its vote, cast ballots, and the
figures the pages show. Each takes the acting user, refuses with a reason before changing
anything, writes the audit log and the hash chain, sends the council signals, and flushes
(the caller commits).

Every operation that depends on the sitting's state takes the chain lock first
(`chain.lock_head`) and re-reads the state under it, so a ballot racing the close either lands
before it (and is counted) or is refused; it never lands after a result.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab import signals
from collab.accounts.models import Role, User, UserRole
from collab.core.audit import record
from collab.core.db import utcnow
from collab.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from collab.core.text import squash
from collab.council import chain
from collab.council.models import (
    Ballot,
    Choice,
    Result,
    Sitting,
    SittingAgendaItem,
    SittingMember,
    SittingState,
)
from collab.council.rules import enabled_rules, quorum_met
from collab.extensions import db
from collab.masterplan import services as masterplan
from collab.proposals import services as proposals
from collab.proposals.models import Proposal, ProposalState

MAX_AGENDA = 50


def get_sitting(sitting_id) -> Sitting:
    sitting = (db.session.get(Sitting, sitting_id)
               if isinstance(sitting_id, int) and not isinstance(sitting_id, bool) and 0 < sitting_id < 2**31 else None)
    if sitting is None:
        raise NotFound(_l("No such council sitting."))
    return sitting


def seated_council_members() -> list[User]:
    """Who gets a seat when a sitting is convened: active accounts holding the council_member role."""
    return list(db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == Role.council_member, User.active.is_(True)).order_by(User.name, User.id)))


def ready_proposals() -> list[Proposal]:
    """Proposals the admin may put on an agenda: ready for council and on no open agenda."""
    busy = select(SittingAgendaItem.proposal_id).join(Sitting).where(Sitting.state != SittingState.closed)
    return list(db.session.scalars(select(Proposal).where(Proposal.state == ProposalState.ready_for_council,
                                                          Proposal.id.not_in(busy)).order_by(Proposal.id)))


def proposals_by_id(ids, field: str = "proposals") -> list[Proposal]:
    """The proposals with these ids, once each, in the order given; an unknown id is refused (422 on `field`)."""
    ids = list(dict.fromkeys(ids or []))
    known = [i for i in ids if isinstance(i, int) and 0 < i < 2**31]
    found = {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(known)))} if known else {}
    if len(found) != len(ids):
        _fail(field, _l("Unknown proposal."))
    return [found[i] for i in ids]


def _fail(field: str, message):
    raise ValidationFailed(message, errors={field: [message]})


def _check_agenda(proposals_: list[Proposal], sitting: Sitting | None = None) -> list[Proposal]:
    """The agenda's proposals, once each: at least one, at most MAX_AGENDA, every one ready for
    the council and on no other open agenda (this sitting's own items may stay)."""
    unique = list({p.id: p for p in proposals_}.values())
    if not unique:
        _fail("proposals", _l("Put at least one proposal on the agenda."))
    if len(unique) > MAX_AGENDA:
        _fail("proposals", _l("At most %(n)d proposals fit on one agenda.", n=MAX_AGENDA))
    allowed = {p.id for p in ready_proposals()} | ({i.proposal_id for i in sitting.agenda} if sitting else set())
    for p in unique:
        if p.state != ProposalState.ready_for_council:
            _fail("proposals", _l("“%(title)s” is not ready for the council (it is “%(state)s”).",
                                  title=p.title, state=p.state.label))
        if p.id not in allowed:
            _fail("proposals", _l("“%(title)s” is already on the agenda of another sitting.", title=p.title))
    return unique


def convene_sitting(actor, *, title: str, held_on: date | None, proposals_: list[Proposal],
                    quorum_percent: int | None, majority_rule: str, secret: bool = False,
                    live_tally: bool = True) -> Sitting:
    """The admin convenes a sitting. Refuses (422): no title or date, an empty agenda, a proposal
    that is not ready for the council or already on another open agenda, a quorum outside
    1–100 %, a majority rule the city does not use, and a council with no seated members."""
    policy.require(policy.can_convene_sitting(actor), _l("Only the secretariat convenes the council."))
    if not squash(title):
        _fail("title", _l("Enter the sitting's title."))
    if held_on is None:
        _fail("held_on", _l("Enter the date of the sitting."))
    if quorum_percent is None or not (1 <= quorum_percent <= 100):
        _fail("quorum_percent", _l("The quorum must be a share between 1 and 100 percent of the seated members: "
                                   "any other value can never be satisfied."))
    if majority_rule not in enabled_rules():
        _fail("majority_rule", _l("Choose one of the majority rules this city uses."))
    chain.lock_head()  # convening and agenda changes take turns: a proposal lands on one open agenda
    unique = _check_agenda(proposals_)
    members = seated_council_members()
    if not members:
        _fail("members", _l("Nobody holds the council member role: a sitting needs seated members. "
                             "Give the role to the council's members first."))
    sitting = Sitting(title=squash(title)[:200], held_on=held_on, quorum_percent=quorum_percent,
                      majority_rule=majority_rule, secret=bool(secret), live_tally=bool(live_tally),
                      created_by_id=getattr(actor, "id", None))
    sitting.members = [SittingMember(user=u) for u in members]
    sitting.agenda = [SittingAgendaItem(proposal=p, position=i) for i, p in enumerate(unique)]
    db.session.add(sitting)
    db.session.flush()
    record(actor, "council.convene", sitting, proposals=[p.id for p in unique], members=[u.id for u in members],
           quorum_percent=quorum_percent, majority_rule=majority_rule, secret=sitting.secret,
           live_tally=sitting.live_tally)
    signals.council_sitting_convened.send(sitting, actor=actor)
    return sitting


def change_agenda(actor, sitting: Sitting, proposals_: list[Proposal]) -> Sitting:
    """The admin changes a convened sitting's agenda until the vote opens: proposals that became
    ready since can be added, others taken off (they stay ready for another sitting). The same
    rules as convening apply (422); a sitting whose vote has opened refuses (409)."""
    policy.require(policy.can_convene_sitting(actor), _l("Only the secretariat convenes the council."))
    _locked_state(sitting)
    if sitting.state != SittingState.scheduled:
        raise Conflict(_l("The vote of this sitting has opened: its agenda can no longer change."))
    unique = _check_agenda(proposals_, sitting)
    before = [i.proposal_id for i in sitting.agenda]
    kept = {i.proposal_id: i for i in sitting.agenda}
    sitting.agenda = [kept.get(p.id) or SittingAgendaItem(proposal=p) for p in unique]
    for position, item in enumerate(sitting.agenda):
        item.position = position
    db.session.flush()
    record(actor, "council.agenda", sitting, before=before, after=[p.id for p in unique])
    return sitting


def _locked_state(sitting: Sitting):
    head = chain.lock_head()
    db.session.refresh(sitting, ["state"])
    return head


def open_vote(actor, sitting: Sitting) -> Sitting:
    """The admin opens the vote window; every agenda proposal moves to "voting". Refuses a
    sitting that is not scheduled (409) and a proposal that is no longer ready (409)."""
    policy.require(policy.can_convene_sitting(actor), _l("Only the secretariat opens council votes."))
    _locked_state(sitting)
    if sitting.state != SittingState.scheduled:
        raise Conflict(_l("The vote of this sitting has already been opened."))
    for item in sitting.agenda:
        proposals.open_voting(actor, item.proposal, sitting.title)
    sitting.state, sitting.opened_at = SittingState.open, utcnow()
    record(actor, "council.open", sitting)
    db.session.flush()
    signals.council_vote_opened.send(sitting, actor=actor)
    return sitting


def _agenda_item(sitting: Sitting, proposal: Proposal | None) -> SittingAgendaItem:
    item = next((i for i in sitting.agenda if proposal is not None and i.proposal_id == proposal.id), None)
    if item is None:
        _fail("proposal", _l("This proposal is not on this sitting's agenda."))
    return item


def cast_ballot(actor, sitting: Sitting, proposal: Proposal | None, choice, reason: str = "",
                member: User | None = None) -> tuple[Ballot, bool]:
    """A seated member casts or changes their ballot (approve / reject / abstain) or recuses with
    a reason, while the vote is open. Returns (ballot, changed). Refuses: someone else's ballot
    (403), a person without a seat (403), outside the vote window (409), a proposal not on the
    agenda (422), an unknown choice or a recusal without reason (422), the same ballot again (409)."""
    if member is not None and member.id != getattr(actor, "id", None):
        raise PermissionDenied(_l("You can only cast your own ballot."))
    if not sitting.seated(actor):
        raise PermissionDenied(_l("Only the council members seated in this sitting vote."))
    try:
        choice = Choice(choice)
    except ValueError:
        _fail("choice", _l("Choose approve, reject, abstain or recuse."))
    reason = (reason or "").strip()[:2000]
    if choice == Choice.recused and not reason:
        _fail("reason", _l("Say why you recuse yourself (the conflict of interest)."))
    if choice != Choice.recused:
        reason = ""
    item = _agenda_item(sitting, proposal)
    head = _locked_state(sitting)
    if sitting.state != SittingState.open:
        raise Conflict(_l("The vote is not open: ballots are accepted only between its opening and its close.")
                       if sitting.state == SittingState.scheduled else
                       _l("The vote is closed: its result is final."))
    ballot = db.session.scalar(select(Ballot).where(
        Ballot.sitting_id == sitting.id, Ballot.proposal_id == item.proposal_id, Ballot.user_id == actor.id)
        .execution_options(populate_existing=True))
    if ballot is not None and ballot.choice == choice and ballot.reason == reason:
        raise Conflict(_l("Your ballot is already recorded as “%(choice)s”; nothing changed.", choice=choice.label))
    previous = ballot.choice if ballot else None
    if ballot is None:
        ballot = Ballot(sitting_id=sitting.id, proposal_id=item.proposal_id, user_id=actor.id, choice=choice,
                        reason=reason)
        db.session.add(ballot)
    else:
        ballot.choice, ballot.reason = choice, reason
    try:
        db.session.flush()
    except IntegrityError:  # the unique constraint is the last word on one ballot per member
        db.session.rollback()
        raise Conflict(_l("Your ballot was recorded a moment ago from elsewhere. Reload the page.")) from None
    chain.append(head, kind="ballot", sitting_id=sitting.id, proposal_id=item.proposal_id, user_id=actor.id,
                 data={"choice": choice.value, "reason": reason})
    if sitting.secret:
        record(actor, "council.ballot", sitting, proposal=item.proposal_id)
    else:
        record(actor, "council.ballot", sitting, proposal=item.proposal_id, choice=choice,
               previous=previous.value if previous else None)
    signals.council_ballot_cast.send(sitting, actor=actor, proposal=item.proposal)
    return ballot, True


def counts(sitting: Sitting) -> dict[int, Counter]:
    """proposal_id -> Counter of choices, from the current ballots (one grouped query)."""
    from sqlalchemy import func

    rows = db.session.execute(select(Ballot.proposal_id, Ballot.choice, func.count(Ballot.id))
                              .where(Ballot.sitting_id == sitting.id).group_by(Ballot.proposal_id, Ballot.choice))
    out: dict[int, Counter] = {}
    for proposal_id, choice, n in rows:
        out.setdefault(proposal_id, Counter())[Choice(choice).value] = n
    return out


def tally(sitting: Sitting, proposal_id: int, by_proposal: dict[int, Counter] | None = None) -> dict:
    """The figures of one agenda proposal as anyone may see them now: after the close the
    recorded result; while open the live counts only when the sitting shows the tally live
    (otherwise just how many have voted)."""
    item = next(i for i in sitting.agenda if i.proposal_id == proposal_id)
    if item.result is not None:
        return {"proposal_id": proposal_id, "result": item.result.value, "visible": True, **item.counts,
                "voted": item.approve + item.reject + item.abstain + item.recused}
    c = (by_proposal if by_proposal is not None else counts(sitting)).get(proposal_id, Counter())
    seats = len(sitting.members)
    out = {"proposal_id": proposal_id, "result": None, "visible": sitting.tally_visible(),
           "voted": sum(c.values()), "eligible": seats - c["recused"]}
    if out["visible"]:
        out.update(approve=c["approve"], reject=c["reject"], abstain=c["abstain"], recused=c["recused"])
    return out


def close_vote(actor, sitting: Sitting) -> list[SittingAgendaItem]:
    """The admin closes the vote; each agenda proposal gets its result by the rule set:
    no quorum (back to ready-for-council), accepted (a masterplan item, linked both ways) or
    rejected. The results are chained and final. Refuses a sitting that is not open (409)."""
    policy.require(policy.can_convene_sitting(actor), _l("Only the secretariat closes council votes."))
    head = _locked_state(sitting)
    if sitting.state == SittingState.closed:
        raise Conflict(_l("This vote is already closed; its result is final."))
    if sitting.state != SittingState.open:
        raise Conflict(_l("The vote has not been opened yet."))
    rule = enabled_rules().get(sitting.majority_rule)
    if rule is None:
        raise Conflict(_l("The majority rule of this sitting is no longer in the settings; it cannot be decided."))
    by_proposal = counts(sitting)
    seats = len(sitting.members)
    now = utcnow()
    decided = []
    for item in sitting.agenda:
        c = by_proposal.get(item.proposal_id, Counter())
        eligible = seats - c["recused"]
        present = c["approve"] + c["reject"] + c["abstain"]
        if not quorum_met(sitting.quorum_percent, present, eligible):
            result = Result.no_quorum
        elif rule.accepts(c["approve"], c["reject"], c["abstain"], eligible):
            result = Result.accepted
        else:
            result = Result.rejected
        item.result, item.decided_at, item.eligible = result, now, eligible
        item.approve, item.reject, item.abstain, item.recused = c["approve"], c["reject"], c["abstain"], c["recused"]
        note = f"{sitting.title}: {c['approve']}/{c['reject']}/{c['abstain']}"
        if result == Result.no_quorum:
            proposals.return_to_council(actor, item.proposal, note)
        else:
            proposals.record_council_decision(actor, item.proposal, result == Result.accepted, note)
            if result == Result.accepted:
                masterplan.create_item_from_proposal(actor, item.proposal, sitting.held_on.year)
        db.session.flush()
        chain.append(head, kind="result", sitting_id=sitting.id, proposal_id=item.proposal_id, user_id=None,
                     data=chain.result_data(item))
        record(actor, "council.decide", sitting, proposal=item.proposal_id, result=result, **item.counts)
        decided.append(item)
    sitting.state, sitting.closed_at = SittingState.closed, now
    record(actor, "council.close", sitting)
    db.session.flush()
    for item in decided:
        signals.council_decided.send(item, actor=actor)
    return decided


def ballot_of(sitting: Sitting, user, proposal_id: int) -> Ballot | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Ballot).where(Ballot.sitting_id == sitting.id, Ballot.proposal_id == proposal_id,
                                                  Ballot.user_id == user.id))


def names_by_choice(sitting: Sitting, viewer) -> dict[int, dict[str, list[str]]]:
    """proposal_id -> choice -> names; empty unless the policy lets `viewer` see names."""
    if not policy.can_see_ballot_names(viewer, sitting):
        return {}
    out: dict[int, dict[str, list[str]]] = {}
    for b in db.session.scalars(select(Ballot).where(Ballot.sitting_id == sitting.id)
                                .options(selectinload(Ballot.user)).order_by(Ballot.id)):
        out.setdefault(b.proposal_id, {}).setdefault(b.choice.value, []).append(b.user.name)
    return out


def decisions_page(page: int, per_page: int, result: str | None = None):
    """Decided agenda items, newest first, with their sitting and proposal (bounded queries)."""
    stmt = (select(SittingAgendaItem).join(Sitting).where(SittingAgendaItem.result.is_not(None))
            .options(selectinload(SittingAgendaItem.sitting), selectinload(SittingAgendaItem.proposal))
            .order_by(Sitting.held_on.desc(), SittingAgendaItem.id.desc()))
    if result:
        stmt = stmt.where(SittingAgendaItem.result == Result(result))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def names_for_items(items: list[SittingAgendaItem]) -> dict[tuple, dict[str, list[str]]]:
    """(sitting_id, proposal_id) -> choice -> names, for decided items of open-ballot sittings (one query)."""
    keys = {(i.sitting_id, i.proposal_id) for i in items if not i.sitting.secret and i.result is not None}
    if not keys:
        return {}
    out: dict[tuple, dict[str, list[str]]] = {}
    rows = db.session.scalars(select(Ballot).where(Ballot.sitting_id.in_({k[0] for k in keys}))
                              .options(selectinload(Ballot.user)).order_by(Ballot.id))
    for b in rows:
        if (b.sitting_id, b.proposal_id) in keys:
            out.setdefault((b.sitting_id, b.proposal_id), {}).setdefault(b.choice.value, []).append(b.user.name)
    return out


def masterplan_items_for(items: list[SittingAgendaItem]) -> dict:
    from collab.masterplan.models import MasterplanItem

    ids = [i.proposal_id for i in items if i.result == Result.accepted]
    if not ids:
        return {}
    return {m.proposal_id: m for m in db.session.scalars(select(MasterplanItem).where(MasterplanItem.proposal_id.in_(ids)))}


def masterplan_items(sitting: Sitting) -> dict:
    """proposal_id -> the masterplan item it became, for the sitting's accepted proposals (one query)."""
    from collab.masterplan.models import MasterplanItem

    ids = [i.proposal_id for i in sitting.agenda if i.result == Result.accepted]
    if not ids:
        return {}
    return {m.proposal_id: m for m in db.session.scalars(select(MasterplanItem).where(MasterplanItem.proposal_id.in_(ids)))}


def load_sitting(sitting_id: int) -> Sitting:
    sitting = db.session.scalar(select(Sitting).where(Sitting.id == sitting_id).options(
        selectinload(Sitting.members).selectinload(SittingMember.user),
        selectinload(Sitting.agenda).selectinload(SittingAgendaItem.proposal)))
    if sitting is None:
        raise NotFound(_l("No such council sitting."))
    return sitting
