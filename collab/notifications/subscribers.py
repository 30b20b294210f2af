"""Domain events -> notifications. Each subscriber decides who is told and with which text;
`services.notify` adds the rows in the action's transaction (a rolled-back action tells nobody)
and the channels deliver after the commit. Subscribers never commit and never send.

The council subscribers follow the contract documented in collab/signals.py (sitting, decision
with .proposal and .result); they read the sitting's title and members defensively so they work
with any model that keeps that contract.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from collab import signals
from collab.accounts.models import OfficeTerm, Role, User, UserRole
from collab.extensions import db
from collab.notifications.models import Category
from collab.notifications.services import notify


def _path(endpoint: str, fallback: str = "/", **values) -> str:
    try:
        return url_for(endpoint, _external=False, **values)
    except (BuildError, RuntimeError):  # RuntimeError: outside a request without SERVER_NAME
        return fallback


def _first_path(endpoints: list[tuple[str, dict]], fallback: str) -> str:
    for endpoint, values in endpoints:
        try:
            return url_for(endpoint, _external=False, **values)
        except (BuildError, RuntimeError):  # RuntimeError: outside a request without SERVER_NAME
            continue
    return fallback


def office_heads(area_id: int | None) -> list[User]:
    if area_id is None:
        return []
    return list(db.session.scalars(select(User).join(OfficeTerm, OfficeTerm.user_id == User.id).where(
        OfficeTerm.area_id == area_id, OfficeTerm.ended_on.is_(None), User.active.is_(True))))


def organisation_people(organisation_id: int | None, *roles: Role) -> list[User]:
    if organisation_id is None:
        return []
    stmt = select(User).where(User.organisation_id == organisation_id, User.active.is_(True))
    if roles:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles))))
    return list(db.session.scalars(stmt.order_by(User.id)))


def people_with_role(role: Role) -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole).where(UserRole.role == role, User.active.is_(True))
                                   .order_by(User.id)))


# -- proposals ------------------------------------------------------------------------------------

def _proposal_people(proposal) -> list[User]:
    """The author and whoever now heads the proposing office (a successor carries it on)."""
    return [proposal.author, *office_heads(proposal.office_id)]


def _proposal_url(proposal) -> str:
    return _path("proposals.detail", f"/proposals/{proposal.id}", proposal_id=proposal.id)


@signals.proposal_state_changed.connect
def _on_proposal_state(proposal, actor=None, from_state=None, to_state=None, action=None, note="", **_):
    params = {"title": proposal.title, "note": note or "–"}
    if action == "assign":
        opd = proposal.assigned_opd
        notify(organisation_people(proposal.assigned_opd_id, Role.opd_officer), "review_requested", Category.reviews,
               actor=actor, target=proposal, url=_proposal_url(proposal),
               params={**params, "opd": opd.short_name if opd else ""})
        return
    if action == "submit":
        if from_state == "revision_requested" and proposal.assigned_opd_id:  # back to the same reviewers
            notify(organisation_people(proposal.assigned_opd_id, Role.opd_officer), "proposal_resubmitted",
                   Category.reviews, actor=actor, target=proposal, url=_proposal_url(proposal), params=params)
        elif proposal.assigned_opd_id is None:  # the secretariat routes it to an OPD
            notify(people_with_role(Role.admin), "proposal_submit", Category.reviews, actor=actor, target=proposal,
                   url=_proposal_url(proposal), params=params)
        return
    if action in ("create", "return_to_council"):  # a vote without quorum is told by _on_decided
        return
    category = Category.council if action in ("accept", "reject", "open_voting") else Category.proposals
    told = notify(_proposal_people(proposal), f"proposal_{action}", category, actor=actor, target=proposal,
                  url=_proposal_url(proposal), params=params)
    if action in ("accept", "reject"):  # the offices that stood behind it learn the result too
        already = {n.user_id for n in told} | {proposal.author_id}
        notify([u for u in _endorsers(proposal) if u.id not in already], f"endorsed_{action}", Category.council,
               actor=actor, target=proposal, url=_proposal_url(proposal), params=params)


def _endorsers(proposal) -> list[User]:
    """Who endorsed it, and whoever now heads each endorsing office."""
    people = [e.user for e in proposal.endorsements if e.user is not None]
    for endorsement in proposal.endorsements:
        people += office_heads(endorsement.office_id)
    return people


@signals.proposal_endorsed.connect
def _on_endorsed(proposal, actor=None, **_):
    notify(_proposal_people(proposal), "proposal_endorsed", Category.proposals, actor=actor, target=proposal,
           url=_proposal_url(proposal), params={"title": proposal.title})


@signals.proposal_commented.connect
def _on_commented(proposal, actor=None, comment=None, **_):
    url = _proposal_url(proposal) + (f"#comment-{comment.id}" if getattr(comment, "id", None) else "")
    notify(_proposal_people(proposal), "proposal_commented", Category.proposals, actor=actor, target=proposal,
           url=url, params={"title": proposal.title})


# -- fgd --------------------------------------------------------------------------------------------

def fgd_url(fgd) -> str:
    return _path("fgd.detail", f"/fgd/{fgd.id}", session_id=fgd.id)


@signals.fgd_invited.connect
def _on_fgd_invited(fgd, actor=None, users=(), **_):
    notify(users, "fgd_invited", Category.fgd, actor=actor, target=fgd, url=fgd_url(fgd),
           params={"title": fgd.topic, "when_at": fgd.starts_at.isoformat()})


@signals.fgd_minutes_published.connect
def _on_minutes(fgd, actor=None, **_):
    people = [i.user for i in fgd.invitations] + [f.user for f in fgd.facilitator_rows]
    notify(people, "fgd_minutes_published", Category.fgd, actor=actor, target=fgd,
           url=_path("fgd.minutes", f"/fgd/{fgd.id}/minutes", session_id=fgd.id), params={"title": fgd.topic})


@signals.fgd_point_proposed.connect
def _on_point_proposed(fgd, actor=None, proposal=None, **_):
    notify([proposal.author], "fgd_point_proposed", Category.proposals, actor=actor, target=proposal,
           url=_proposal_url(proposal), params={"title": proposal.title, "fgd": fgd.topic})


# -- council ----------------------------------------------------------------------------------------

def _sitting_title(sitting) -> str:
    return str(getattr(sitting, "title", None) or getattr(sitting, "name", None) or sitting)


def _sitting_people(sitting) -> list[User]:
    """Seated members if the sitting knows them, else every council member."""
    members = getattr(sitting, "members", None)
    if isinstance(members, (list, tuple)) and members:
        return [getattr(m, "user", m) for m in members]
    return people_with_role(Role.council_member)


def _sitting_url(sitting) -> str:
    sid = getattr(sitting, "id", None)
    return _first_path([("council.sitting", {"sitting_id": sid}), ("council.detail", {"sitting_id": sid}),
                        ("council.index", {})], f"/council/{sid}" if sid is not None else "/council/")


@signals.council_sitting_convened.connect
def _on_convened(sitting, actor=None, **_):
    notify(_sitting_people(sitting), "council_sitting_convened", Category.council, actor=actor, target=sitting,
           url=_sitting_url(sitting), params={"title": _sitting_title(sitting)})


@signals.council_vote_opened.connect
def _on_vote_opened(sitting, actor=None, **_):
    notify(_sitting_people(sitting), "council_vote_opened", Category.council, actor=actor, target=sitting,
           url=_sitting_url(sitting), params={"title": _sitting_title(sitting)})


@signals.council_decided.connect
def _on_decided(decision, actor=None, **_):
    """The seated members learn every result of their sitting; the proposing office learns a
    vote without quorum here (accepted / rejected move the proposal, and proposal_state_changed
    tells the author then)."""
    result = getattr(decision, "result", None)
    result = str(getattr(result, "value", result))
    proposal = decision.proposal
    sitting = getattr(decision, "sitting", None)
    if sitting is not None:
        notify(_sitting_people(sitting), "council_result", Category.council, actor=actor, target=sitting,
               url=_sitting_url(sitting),
               params={"title": proposal.title, "sitting": _sitting_title(sitting), "result": result})
    if result == "no_quorum":
        notify([*_proposal_people(proposal), *_endorsers(proposal)], "council_no_quorum", Category.council, actor=actor, target=proposal,
               url=_proposal_url(proposal), params={"title": proposal.title})


# -- programmes ---------------------------------------------------------------------------------------

def programme_url(programme_id: int, anchor: str = "") -> str:
    return _path("programmes.detail", f"/programmes/{programme_id}", programme_id=programme_id) + anchor


_PROGRAMME_ROLES = (Role.opd_officer, Role.partner_rep)


@signals.programme_member_invited.connect
def _on_member_invited(member, actor=None, **_):
    notify(organisation_people(member.organisation_id, *_PROGRAMME_ROLES), "programme_invited", Category.programmes,
           actor=actor, target=member.programme, url=programme_url(member.programme_id, "#invitation"),
           params={"title": member.programme.name})


@signals.programme_member_responded.connect
def _on_member_responded(member, actor=None, **_):
    kind = "programme_accepted" if str(member.status) == "accepted" else "programme_declined"
    programme = member.programme
    notify(organisation_people(programme.lead_organisation_id, Role.opd_officer), kind, Category.programmes,
           actor=actor, target=programme, url=programme_url(programme.id),
           params={"title": programme.name, "org": member.organisation.short_name})


@signals.commitment_fulfilled.connect
def _on_fulfilled(commitment, actor=None, **_):
    programme = commitment.programme
    notify(organisation_people(programme.lead_organisation_id, Role.opd_officer), "commitment_fulfilled",
           Category.programmes, actor=actor, target=programme,
           url=programme_url(programme.id, f"#commitment-{commitment.id}"),
           params={"title": programme.name, "org": commitment.organisation.short_name})


@signals.milestone_completed.connect
def _on_milestone(milestone, actor=None, **_):
    programme = milestone.programme
    people = [p for m in programme.accepted_members()
              for p in organisation_people(m.organisation_id, *_PROGRAMME_ROLES)]
    notify(people, "milestone_completed", Category.programmes, actor=actor, target=programme,
           url=programme_url(programme.id, f"#milestone-{milestone.id}"),
           params={"title": programme.name, "milestone": milestone.title})
