"""The access policy: the one place that answers "may this user do this to this object".

Predicates are `can_<verb>_<noun>(user, obj=None) -> bool`; templates ask them to hide a
button, services call `require(...)` to refuse with a reason (PermissionDenied -> 403).
`user` may be None or anonymous (the public).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from collab.accounts.models import Role
from collab.core.errors import PermissionDenied


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def has_role(user, *roles: Role) -> bool:
    return _authenticated(user) and user.has_role(*roles)


def is_admin(user) -> bool:
    return has_role(user, Role.admin)


def require(allowed: bool, message=None) -> None:
    """Refuse unless `allowed`; the message says why, in the reader's language."""
    if not allowed:
        raise PermissionDenied(message or _l("You are not allowed to do this."))


# -- foundation: secretariat tools ------------------------------------------------------------

def can_manage_organisations(user) -> bool:
    return is_admin(user)


def can_manage_areas(user) -> bool:
    return is_admin(user)


def can_manage_users(user) -> bool:
    return is_admin(user)


def can_manage_masterplan(user) -> bool:
    return is_admin(user)


def can_view_audit_log(user) -> bool:
    return is_admin(user)


def can_view_user(user, other) -> bool:
    """Admins see every account; everyone sees their own."""
    return _authenticated(user) and (user.is_admin or user.id == other.id)


def can_manage_api_tokens(user, owner) -> bool:
    """A person manages their own tokens only; nobody else can mint one for them."""
    return _authenticated(user) and user.id == owner.id


def can_use_api(user) -> bool:
    return _authenticated(user)


# -- programmes -------------------------------------------------------------------------------
# Membership is by organisation: a person acts for `user.organisation` in a programme once that
# organisation has accepted its invitation. Statuses and roles are compared by their values.

def _programme_member(user, programme, *roles: str):
    if not _authenticated(user) or user.organisation_id is None:
        return None
    member = next((m for m in programme.members if m.organisation_id == user.organisation_id), None)
    if member is None or member.status != "accepted" or (roles and member.role not in roles):
        return None
    return member


def can_create_programme(user) -> bool:
    """The secretariat, or an OPD officer (for their own OPD as lead)."""
    return is_admin(user) or (has_role(user, Role.opd_officer) and user.organisation is not None
                              and user.organisation.kind == "opd")


def can_view_programme(user, programme) -> bool:
    """Running and completed programmes are public; drafts only to the admin and invited organisations."""
    if programme.state != "draft" or is_admin(user):
        return True
    return _authenticated(user) and any(m.organisation_id == user.organisation_id for m in programme.members)


def can_manage_programme(user, programme) -> bool:
    """Invite members, start, mark items realised: the admin or an officer of the lead OPD."""
    return is_admin(user) or _programme_member(user, programme, "lead") is not None


def can_edit_milestones(user, programme) -> bool:
    """Add and change milestones: the admin or officers of the lead and co-owner OPDs."""
    return is_admin(user) or _programme_member(user, programme, "lead", "co_owner") is not None


def can_update_milestone(user, milestone) -> bool:
    """Progress a milestone: those who edit milestones, or the milestone's owner organisation."""
    programme = milestone.programme
    if can_edit_milestones(user, programme):
        return True
    member = _programme_member(user, programme)
    return member is not None and member.organisation_id == milestone.owner_organisation_id


def can_respond_to_invitation(user, member) -> bool:
    """Only people of the invited organisation accept or decline, and only while invited."""
    return (_authenticated(user) and member.status == "invited" and user.organisation_id == member.organisation_id
            and has_role(user, Role.opd_officer, Role.partner_rep, Role.admin))


def can_record_commitment(user, programme) -> bool:
    """Any accepted member organisation records its own commitments."""
    return programme.state != "completed" and _programme_member(user, programme) is not None


def can_edit_commitment(user, commitment) -> bool:
    """Only the pledging organisation edits or fulfils a commitment: not the lead, not other partners."""
    member = _programme_member(user, commitment.programme)
    return member is not None and member.organisation_id == commitment.organisation_id


def can_post_programme_update(user, programme) -> bool:
    return is_admin(user) or _programme_member(user, programme) is not None


def can_discuss_programme(user, programme) -> bool:
    """Read and write the members' discussion channel: accepted member organisations and the admin."""
    return can_post_programme_update(user, programme)


def can_edit_programme(user, programme) -> bool:
    """Name, goal, dimension, dates, linked items and proposals: those who plan milestones."""
    return programme.state != "completed" and can_edit_milestones(user, programme)


def can_remove_programme_member(user, member) -> bool:
    """End a co-owner's or partner's membership: the lead OPD or the admin, or the organisation itself."""
    if member.role == "lead" or member.status not in ("invited", "accepted"):
        return False
    if can_manage_programme(user, member.programme):
        return True
    return _authenticated(user) and user.organisation_id == member.organisation_id and has_role(
        user, Role.opd_officer, Role.partner_rep)


# -- fgd ---------------------------------------------------------------------------------------

def can_schedule_fgd(user) -> bool:
    return has_role(user, Role.admin, Role.opd_officer)


def can_manage_fgd(user, fgd) -> bool:
    """Admins, the person who scheduled it and its facilitators edit, invite, moderate and
    write the minutes."""
    return _authenticated(user) and (user.is_admin or fgd.created_by_id == user.id or fgd.is_facilitator(user))


def is_fgd_participant(user, fgd) -> bool:
    """Invited, or one of its managers."""
    return _authenticated(user) and (can_manage_fgd(user, fgd) or fgd.invitation_for(user) is not None)


def can_view_fgd(user, fgd) -> bool:
    return fgd.public or is_fgd_participant(user, fgd)


def can_join_fgd_room(user, fgd) -> bool:
    """Only participants enter the live room (public sessions are public to read, not to join)."""
    return is_fgd_participant(user, fgd)


def can_read_fgd_minutes(user, fgd) -> bool:
    """Published minutes: participants, and everybody when the FGD is public. Drafts: managers."""
    if can_manage_fgd(user, fgd):
        return fgd.minutes is not None
    return fgd.minutes is not None and fgd.minutes.published_at is not None and can_view_fgd(user, fgd)


# -- proposals --------------------------------------------------------------------------------
# A proposal belongs to an RT/RW office: whoever heads that office now acts for it, beside the
# person who wrote it. States are compared by their values (no import of the proposals package).

def holds_proposal_office(user, proposal) -> bool:
    if not has_role(user, Role.rt_rw_head):
        return False
    office = user.office
    return office is not None and office.id == proposal.office_id


def _proposal_owner(user, proposal) -> bool:
    return _authenticated(user) and (user.id == proposal.author_id or holds_proposal_office(user, proposal))


def can_view_proposal(user, proposal) -> bool:
    """Everything past draft is public; drafts only to the office (and author) and the admin."""
    return proposal.state != "draft" or is_admin(user) or _proposal_owner(user, proposal)


def can_see_proposal_contacts(user, proposal) -> bool:
    """Authors' contact details: the admin, the office and officers of the assigned OPD."""
    return is_admin(user) or _proposal_owner(user, proposal) or (
        has_role(user, Role.opd_officer) and user.organisation_id is not None
        and user.organisation_id == proposal.assigned_opd_id)


def can_create_proposal(user) -> bool:
    """RT/RW heads holding an office write proposals for that office."""
    return has_role(user, Role.rt_rw_head) and user.office is not None


def can_edit_proposal(user, proposal) -> bool:
    """The author or the office's current head, while it is a draft or sent back for revision."""
    return proposal.state in ("draft", "revision_requested") and _proposal_owner(user, proposal)


def can_submit_proposal(user, proposal) -> bool:
    return can_edit_proposal(user, proposal)


def can_withdraw_proposal(user, proposal) -> bool:
    """The author or the office's head, before the council votes."""
    return proposal.state in ("draft", "submitted", "in_review", "revision_requested", "ready_for_council") \
        and _proposal_owner(user, proposal)


def can_assign_proposal(user, proposal=None) -> bool:
    return is_admin(user)


def can_merge_proposals(user) -> bool:
    return is_admin(user)


def can_review_proposal(user, proposal) -> bool:
    """Officers of the OPD the proposal is assigned to."""
    return (has_role(user, Role.opd_officer) and proposal.assigned_opd_id is not None
            and user.organisation_id == proposal.assigned_opd_id)


def can_endorse_proposal(user, proposal) -> bool:
    """Heads of *other* RT/RW offices co-sign a proposal that is on its way (not a draft, not closed)."""
    return (can_create_proposal(user) and user.office.id != proposal.office_id
            and proposal.state in ("submitted", "in_review", "revision_requested", "ready_for_council", "voting"))


def can_comment_proposal(user, proposal) -> bool:
    """Anyone logged in, on a proposal they can see that has left draft."""
    return _authenticated(user) and proposal.state != "draft" and can_view_proposal(user, proposal)


def can_hide_proposal_comment(user, comment=None) -> bool:
    return is_admin(user)


def can_manage_proposal_routing(user) -> bool:
    return is_admin(user)


def proposal_recommendation_tier(user, proposal) -> str | None:
    """Which Musrenbang tier `user` may recommend at: "rw" for the head of the RW above the
    proposing RT, "kelurahan" for the admin (on the kelurahan's behalf); None otherwise."""
    if proposal.state not in ("submitted", "in_review", "revision_requested", "ready_for_council"):
        return None
    if has_role(user, Role.rt_rw_head) and user.office is not None and proposal.office is not None \
            and proposal.office.parent_id == user.office.id and user.office.level == "rw":
        return "rw"
    return "kelurahan" if is_admin(user) else None


def can_recommend_proposal(user, proposal) -> bool:
    return proposal_recommendation_tier(user, proposal) is not None


# -- council ----------------------------------------------------------------------------------
# Seats are a snapshot per sitting (collab/council/models.py): "seated" means holding a seat in
# that sitting, not merely holding the council_member role today. States compared by value.

def can_convene_sitting(user) -> bool:
    """Convene, open and close council votes: the secretariat."""
    return is_admin(user)


def can_read_review_packet(user, sitting) -> bool:
    """The review packets: the admin and the sitting's seated members."""
    return is_admin(user) or (_authenticated(user) and sitting.seated(user))


def can_cast_ballot(user, sitting) -> bool:
    """Only seated members vote, and only while the vote is open."""
    return _authenticated(user) and sitting.state == "open" and sitting.seated(user)


def can_see_ballot_names(user, sitting) -> bool:
    """Names per choice: everybody once an open ballot is closed; never for a secret ballot."""
    return not sitting.secret and sitting.state == "closed"


# -- notifications ----------------------------------------------------------------------------
# A notification and the notification settings belong to one person; nobody else reads or
# changes them (not even an admin: they are personal mail).

def can_read_notifications(user) -> bool:
    return _authenticated(user)


def can_read_notification(user, notification) -> bool:
    return _authenticated(user) and notification.user_id == user.id


def can_manage_notification_settings(user, owner) -> bool:
    return _authenticated(user) and owner is not None and user.id == owner.id
