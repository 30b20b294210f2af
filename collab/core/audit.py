"""The append-only audit log: who did what to which object.

Written only by domain operations through `record`; rows are never updated or deleted
(an ORM guard refuses it). The names people read for the action codes are at the end.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from collab.core.db import utcnow
from collab.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (db.Index("ix_audit_log_object", "object_type", "object_id"),)

    @property
    def label(self) -> str:
        return action_label(self.action)

    @property
    def object_label(self) -> str:
        name = str(OBJECT_LABELS.get(self.object_type, self.object_type))
        return f"{name} #{self.object_id}" if self.object_id else name

    def details(self) -> list[tuple[str, str]]:
        """The data as (name, value) pairs in the current language, empty ones left out; values
        stay plain text (the template escapes them)."""
        return [(str(DETAIL_LABELS.get(key, key.replace("_", " "))), _show(value))
                for key, value in (self.data or {}).items() if value not in (None, "", [], {})]


def record(actor, action: str, obj=None, **data: Any) -> AuditLog:
    """Append an entry. `obj` is a model instance (flushed, so it has an id) or None."""
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "system",
        object_id=getattr(obj, "id", None),
        data={k: _jsonable(v) for k, v in data.items()},
    )
    db.session.add(entry)
    return entry


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (str, int, float)):
        return value.value
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None), dict)) else str(value)


@event.listens_for(Session, "before_flush")
def _append_only(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditLog) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("the audit log is append-only")


# -- how the log reads to a person ---------------------------------------------------------------
# The action codes are written by the domain services; their human names live here, in one list,
# so the audit page, its filter and any export speak the same words. A code missing here is shown
# as itself.

class Domain(NamedTuple):
    label: LazyString
    prefixes: tuple[str, ...]  # the action codes "<prefix>.<verb>" that belong to it


DOMAINS: dict[str, Domain] = {
    "proposal": Domain(_l("Proposals"), ("proposal",)),
    "fgd": Domain(_l("FGD sessions"), ("fgd",)),
    "council": Domain(_l("Council"), ("council",)),
    "programme": Domain(_l("Programmes, commitments and milestones"), ("programme", "commitment", "milestone")),
    "masterplan": Domain(_l("Masterplan"), ("masterplan", "masterplan_item", "dimension")),
    "area": Domain(_l("Areas and RT/RW heads"), ("area", "office")),
    "organisation": Domain(_l("Organisations"), ("organisation",)),
    "user": Domain(_l("Accounts and sign-ins"), ("user", "api_token", "notifications")),
}

ACTION_LABELS: dict[str, LazyString] = {
    "proposal.create": _l("Proposal created"),
    "proposal.update": _l("Proposal edited"),
    "proposal.submit": _l("Proposal submitted"),
    "proposal.assign": _l("Proposal assigned to an OPD"),
    "proposal.start_review": _l("Review of the proposal started"),
    "proposal.review": _l("Review recorded"),
    "proposal.request_revision": _l("Revision of the proposal requested"),
    "proposal.mark_ready": _l("Proposal marked ready for the council"),
    "proposal.recommend": _l("Recommendation given"),
    "proposal.endorse": _l("Proposal endorsed"),
    "proposal.withdraw": _l("Proposal withdrawn"),
    "proposal.merge": _l("Proposal merged into another"),
    "proposal.merged_into": _l("Another proposal merged into this one"),
    "proposal.open_voting": _l("Council vote on the proposal opened"),
    "proposal.accept": _l("Proposal accepted by the council"),
    "proposal.reject": _l("Proposal rejected by the council"),
    "proposal.return_to_council": _l("Proposal returned to the council queue"),
    "proposal.carry_over": _l("Proposal carried over to the next cycle"),
    "proposal.comment": _l("Comment posted"),
    "proposal.comment_hidden": _l("Comment hidden"),
    "proposal.attachment_added": _l("Attachment added"),
    "proposal.attachment_deleted": _l("Attachment deleted"),
    "proposal.routing_rule": _l("OPD routing rule saved"),
    "proposal.routing_rule_deleted": _l("OPD routing rule deleted"),
    "fgd.schedule": _l("FGD scheduled"),
    "fgd.update": _l("FGD details changed"),
    "fgd.invite": _l("Participants invited"),
    "fgd.uninvite": _l("Invitation withdrawn"),
    "fgd.rsvp": _l("Attendance confirmed or declined"),
    "fgd.check_in": _l("Attendance recorded"),
    "fgd.open": _l("FGD opened"),
    "fgd.end": _l("FGD ended"),
    "fgd.mute": _l("Participant muted"),
    "fgd.unmute": _l("Participant unmuted"),
    "fgd.hide_message": _l("Message hidden"),
    "fgd.mark_point": _l("Point marking changed"),
    "fgd.point_proposal": _l("Proposal drafted from an FGD point"),
    "fgd.action_item": _l("Action item recorded"),
    "fgd.poll_create": _l("Poll opened"),
    "fgd.poll_close": _l("Poll closed"),
    "fgd.minutes_save": _l("Minutes saved"),
    "fgd.minutes_publish": _l("Minutes published"),
    "council.convene": _l("Council sitting convened"),
    "council.agenda": _l("Council sitting agenda changed"),
    "council.open": _l("Council vote opened"),
    "council.ballot": _l("Ballot cast"),
    "council.decide": _l("Council decision recorded"),
    "council.close": _l("Council sitting closed"),
    "programme.create": _l("Programme created"),
    "programme.edit": _l("Programme edited"),
    "programme.link_items": _l("Masterplan items linked to the programme"),
    "programme.invite": _l("Organisation invited to the programme"),
    "programme.accept": _l("Programme invitation accepted"),
    "programme.decline": _l("Programme invitation declined"),
    "programme.remove_member": _l("Organisation left the programme"),
    "programme.start": _l("Programme started"),
    "programme.complete": _l("Programme completed"),
    "programme.update_post": _l("Progress update posted"),
    "programme.comment": _l("Message posted in the programme channel"),
    "commitment.create": _l("Commitment recorded"),
    "commitment.update": _l("Commitment changed"),
    "commitment.fulfil": _l("Commitment fulfilled"),
    "milestone.create": _l("Milestone added"),
    "milestone.update": _l("Milestone changed"),
    "milestone.start": _l("Milestone started"),
    "milestone.complete": _l("Milestone completed"),
    "milestone.delete": _l("Milestone deleted"),
    "masterplan.create": _l("Masterplan created"),
    "dimension.update": _l("Masterplan dimension edited"),
    "masterplan_item.create": _l("Masterplan item added"),
    "masterplan_item.update": _l("Masterplan item edited"),
    "masterplan_item.from_proposal": _l("Masterplan item added from an accepted proposal"),
    "masterplan_item.realise": _l("Masterplan item marked as realised"),
    "masterplan_item.unrealise": _l("Realisation of a masterplan item withdrawn"),
    "area.create": _l("Area added"),
    "area.rename": _l("Area renamed"),
    "area.import": _l("Areas imported"),
    "office.change_head": _l("New RT/RW head recorded"),
    "organisation.create": _l("Organisation added"),
    "organisation.update": _l("Organisation edited"),
    "user.create": _l("Account created"),
    "user.create_admin": _l("Admin account created from the command line"),
    "user.update": _l("Account edited"),
    "user.import": _l("Accounts imported"),
    "user.activate": _l("Account reactivated"),
    "user.deactivate": _l("Account deactivated"),
    "user.activation_link": _l("Activation link issued"),
    "user.reset_link": _l("Password reset link issued"),
    "user.activation": _l("Account activated through its link"),
    "user.reset": _l("Password reset through a link"),
    "user.login": _l("Logged in"),
    "user.logout": _l("Logged out"),
    "user.password_change": _l("Password changed"),
    "api_token.create": _l("API token created"),
    "api_token.revoke": _l("API token revoked"),
    "notifications.preferences": _l("Notification settings changed"),
}

# object_type is the model's class name in lower case
OBJECT_LABELS: dict[str, LazyString] = {
    "proposal": _l("Proposal"),
    "routingrule": _l("OPD routing rule"),
    "fgdsession": _l("FGD session"),
    "sitting": _l("Council sitting"),
    "programme": _l("Programme"),
    "commitment": _l("Commitment"),
    "milestone": _l("Milestone"),
    "masterplan": _l("Masterplan"),
    "masterplanitem": _l("Masterplan item"),
    "dimension": _l("Dimension"),
    "area": _l("Area"),
    "organisation": _l("Organisation"),
    "user": _l("Account"),
    "apitoken": _l("API token"),
    "system": _l("System"),
}

DETAIL_LABELS: dict[str, LazyString] = {
    "title": _l("Title"),
    "name": _l("Name"),
    "code": _l("Code"),
    "topic": _l("Topic"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "body": _l("Text"),
    "from_state": _l("Status before"),
    "to_state": _l("Status after"),
    "before": _l("Before"),
    "after": _l("After"),
    "fields": _l("Fields changed"),
    "count": _l("Number"),
    "proposal": _l("Proposal"),
    "proposal_id": _l("Proposal"),
    "proposals": _l("Proposals"),
    "merged": _l("Merged proposal"),
    "author_id": _l("Author"),
    "fgd_session_id": _l("FGD session"),
    "feasibility": _l("Feasibility"),
    "decision": _l("Decision"),
    "tier": _l("Level"),
    "office_id": _l("On behalf of"),
    "comment_id": _l("Comment"),
    "comment": _l("Message"),
    "seq": _l("Message number"),
    "attachment_id": _l("Attachment"),
    "filename": _l("File name"),
    "keywords": _l("Keywords"),
    "organisation": _l("Organisation"),
    "role": _l("Role"),
    "roles": _l("Roles"),
    "roles_before": _l("Roles before"),
    "area_id": _l("Area"),
    "user_id": _l("Participant"),
    "answer": _l("Answer"),
    "message_id": _l("Message"),
    "is_point": _l("Marked as a point"),
    "action_item_id": _l("Action item"),
    "poll_id": _l("Poll"),
    "members": _l("Members"),
    "quorum_percent": _l("Quorum (%)"),
    "majority_rule": _l("Majority rule"),
    "secret": _l("Secret ballot"),
    "live_tally": _l("Live tally"),
    "choice": _l("Choice"),
    "previous": _l("Previous choice"),
    "result": _l("Result"),
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "abstain": _l("Abstain"),
    "recused": _l("Recused"),
    "eligible": _l("Eligible to vote"),
    "lead": _l("Lead OPD"),
    "items": _l("Masterplan items"),
    "dimension": _l("Dimension"),
    "programme": _l("Programme"),
    "kind": _l("Kind"),
    "amount": _l("Amount"),
    "fulfilled_on": _l("Fulfilled on"),
    "update": _l("Update"),
    "milestone": _l("Milestone"),
    "weight": _l("Weight"),
    "evidence_url": _l("Evidence link"),
    "period": _l("Period"),
    "year": _l("Year"),
    "realised_on": _l("Realised on"),
    "was": _l("Realised on before"),
    "new_head": _l("New head"),
    "previous_head": _l("Previous head"),
    "started_on": _l("Since"),
    # notification categories (notifications.preferences)
    "reviews": _l("Reviews"),
    "fgd": _l("FGD"),
    "council": _l("Council"),
    "programmes": _l("Programmes"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def actions_labelled(text: str) -> list[str]:
    """The codes whose name, in the current language, contains `text` (for the search box)."""
    needle = text.casefold()
    return [code for code, label in ACTION_LABELS.items() if needle in str(label).casefold()]


def _show(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{str(DETAIL_LABELS.get(k, k))}: {_show(v)}" for k, v in value.items())
    return str(value)
