"""Programmes in the JSON API: the same services as the pages."""
from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.core.api import PageArgs, actor, make_blueprint, page_payload, require_login
from collab.core.errors import NotFound, ValidationFailed
from collab.extensions import db
from collab.masterplan.models import DimensionCode, MasterplanItem
from collab.orgs.models import Organisation
from collab.programmes import services
from collab.programmes.models import (
    Commitment,
    CommitmentKind,
    MemberRole,
    Milestone,
    Programme,
    ProgrammeMember,
    ProgrammeProposal,
    ProgrammeState,
    ProgrammeUpdate,
)
from collab.programmes.uploads import Upload

blp = make_blueprint("programmes", __name__, "/programmes", "Keroyokan programmes: members, commitments, milestones.")


class ProgrammeMemberSchema(Schema):
    id = fields.Integer()
    organisation_id = fields.Integer()
    organisation = fields.Function(lambda m: m.organisation.short_name)
    role = fields.Enum(MemberRole)
    status = fields.Function(lambda m: m.status.value)


class ProgrammeCommitmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    organisation_id = fields.Integer(dump_only=True)
    kind = fields.Enum(CommitmentKind, required=True)
    amount = fields.Decimal(allow_none=True, load_default=None, as_string=True)
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    due_on = fields.Date(allow_none=True, load_default=None)
    fulfilled_amount = fields.Decimal(dump_only=True, as_string=True)
    fulfilled_on = fields.Date(dump_only=True)
    evidence_url = fields.String(dump_only=True)


class ProgrammeFulfilSchema(Schema):
    fulfilled_on = fields.Date(required=True)
    amount = fields.Decimal(allow_none=True, load_default=None)
    evidence_url = fields.String(load_default="", validate=validate.Length(max=500))
    evidence_note = fields.String(load_default="", validate=validate.Length(max=4000))


class ProgrammeMilestoneSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    weight = fields.Integer(required=True)
    due_on = fields.Date(required=True)
    owner_organisation_id = fields.Integer(allow_none=True, load_default=None)
    status = fields.Function(lambda m: m.status.value, dump_only=True)
    evidence_url = fields.String(dump_only=True)
    evidence_note = fields.String(dump_only=True)
    overdue = fields.Function(lambda m: m.overdue(), dump_only=True)


class ProgrammeCompleteSchema(Schema):
    evidence_url = fields.String(load_default="", validate=validate.Length(max=500))
    evidence_note = fields.String(load_default="", validate=validate.Length(max=4000))


class ProgrammeSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    goal = fields.String(load_default="")
    dimension = fields.Enum(DimensionCode, required=True)
    lead_organisation_id = fields.Integer(required=True)
    item_ids = fields.List(fields.Integer(), load_default=list, load_only=True)
    proposal_ids = fields.List(fields.Integer(), load_default=list, load_only=True)
    starts_on = fields.Date(allow_none=True, load_default=None)
    ends_on = fields.Date(allow_none=True, load_default=None)
    state = fields.Enum(ProgrammeState, dump_only=True)
    progress = fields.Float(dump_only=True, allow_none=True,
                            metadata={"description": "weighted share of done milestones, computed on read"})
    masterplan_items = fields.Function(lambda p: [i.id for i in p.items], dump_only=True)
    proposals = fields.Function(lambda p: [pl.proposal_id for pl in p.proposal_links], dump_only=True)


class ProgrammeEditSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    goal = fields.String(load_default="", validate=validate.Length(max=8000))
    dimension = fields.Enum(DimensionCode, required=True)
    item_ids = fields.List(fields.Integer(), load_default=list)
    proposal_ids = fields.List(fields.Integer(), load_default=list)
    starts_on = fields.Date(allow_none=True, load_default=None)
    ends_on = fields.Date(allow_none=True, load_default=None)


class ProgrammeDetailSchema(ProgrammeSchema):
    members = fields.List(fields.Nested(ProgrammeMemberSchema), dump_only=True)
    commitments = fields.List(fields.Nested(ProgrammeCommitmentSchema), dump_only=True)
    milestones = fields.List(fields.Nested(ProgrammeMilestoneSchema), dump_only=True)


class ProgrammePage(Schema):
    items = fields.List(fields.Nested(ProgrammeSchema))
    meta = fields.Dict()


class ProgrammeListQuery(PageArgs):
    state = fields.Enum(ProgrammeState, load_default=None)
    dimension = fields.Enum(DimensionCode, load_default=None)
    proposal = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "only programmes carrying out this proposal"})


class ProgrammeInviteSchema(Schema):
    organisation_id = fields.Integer(required=True)
    role = fields.Enum(MemberRole, required=True)


class ProgrammeRespondSchema(Schema):
    accept = fields.Boolean(required=True)


def _programme(programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None or not policy.can_view_programme(actor(), programme):
        raise NotFound(_("No such programme."))
    return programme


def _org(org_id) -> Organisation | None:
    if org_id is None:
        return None
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise ValidationFailed(_("Unknown organisation."), errors={"organisation_id": [_("Unknown organisation.")]})
    return org


@blp.route("/")
class Programmes(MethodView):
    @blp.arguments(ProgrammeListQuery, location="query")
    @blp.response(200, ProgrammePage)
    def get(self, args):
        """Programmes visible to the caller (drafts only to their members), newest first."""
        user = actor()
        stmt = select(Programme).options(selectinload(Programme.milestones), selectinload(Programme.items),
                                         selectinload(Programme.members), selectinload(Programme.proposal_links)
                                         ).order_by(Programme.id.desc())
        if not policy.is_admin(user):
            mine = select(ProgrammeMember.programme_id).where(
                ProgrammeMember.organisation_id == getattr(user, "organisation_id", None))
            stmt = stmt.where((Programme.state != ProgrammeState.draft) | Programme.id.in_(mine))
        if args["state"]:
            stmt = stmt.where(Programme.state == args["state"])
        if args["dimension"]:
            stmt = stmt.where(Programme.dimension == args["dimension"])
        if args["proposal"] is not None:
            stmt = stmt.where(Programme.id.in_(select(ProgrammeProposal.programme_id).where(
                ProgrammeProposal.proposal_id == args["proposal"])))
        return page_payload(db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False))

    @blp.arguments(ProgrammeSchema)
    @blp.response(201, ProgrammeDetailSchema)
    @blp.problems(403, 422)
    def post(self, data):
        """Create a draft programme (OPD officers for their own OPD; the admin for any)."""
        require_login()
        lead = _org(data["lead_organisation_id"])
        items = db.session.scalars(select(MasterplanItem).where(MasterplanItem.id.in_(data["item_ids"]))).all()
        programme = services.create_programme(actor(), name=data["name"], goal=data["goal"], dimension=data["dimension"],
                                              lead=lead, items=items, proposal_ids=data["proposal_ids"],
                                              starts_on=data["starts_on"], ends_on=data["ends_on"])
        db.session.commit()
        return programme


@blp.route("/<int:programme_id>")
class ProgrammeOne(MethodView):
    @blp.response(200, ProgrammeDetailSchema)
    @blp.problems(404)
    def get(self, programme_id):
        """One programme with members, commitments and milestones; progress computed on read."""
        return _programme(programme_id)

    @blp.arguments(ProgrammeEditSchema)
    @blp.response(200, ProgrammeDetailSchema)
    @blp.problems(403, 409, 422)
    def put(self, data, programme_id):
        """Change name, goal, dimension, dates, linked masterplan items and accepted proposals
        (the lead and co-owner OPDs, the admin; not once completed). The list fields replace the links."""
        require_login()
        programme = _programme(programme_id)
        items = db.session.scalars(select(MasterplanItem).where(MasterplanItem.id.in_(data["item_ids"]))).all()
        if len(items) != len(set(data["item_ids"])):
            raise ValidationFailed(_("Unknown masterplan item."), errors={"item_ids": [_("Unknown masterplan item.")]})
        services.update_programme(actor(), programme, name=data["name"], goal=data["goal"], dimension=data["dimension"],
                                  items=items, proposal_ids=data["proposal_ids"], starts_on=data["starts_on"],
                                  ends_on=data["ends_on"])
        db.session.commit()
        return programme


@blp.route("/<int:programme_id>/members", methods=["POST"])
@blp.arguments(ProgrammeInviteSchema)
@blp.response(201, ProgrammeMemberSchema)
@blp.problems(403, 409)
def invite_member(data, programme_id):
    """Invite a co-owner OPD or a partner (the lead OPD or the admin)."""
    require_login()
    member = services.invite_member(actor(), _programme(programme_id), _org(data["organisation_id"]), data["role"])
    db.session.commit()
    return member


@blp.route("/members/<int:member_id>/respond", methods=["POST"])
@blp.arguments(ProgrammeRespondSchema)
@blp.response(200, ProgrammeMemberSchema)
@blp.problems(403)
def respond(data, member_id):
    """Accept or decline an invitation (people of the invited organisation)."""
    require_login()
    member = db.get_or_404(ProgrammeMember, member_id)
    services.respond_to_invitation(actor(), member, accept=data["accept"])
    db.session.commit()
    return member


@blp.route("/<int:programme_id>/commitments", methods=["POST"])
@blp.arguments(ProgrammeCommitmentSchema)
@blp.response(201, ProgrammeCommitmentSchema)
@blp.problems(403, 422)
def add_commitment(data, programme_id):
    """Record a commitment of the caller's own organisation (accepted members)."""
    require_login()
    commitment = services.add_commitment(actor(), _programme(programme_id), **data)
    db.session.commit()
    return commitment


@blp.route("/commitments/<int:commitment_id>", methods=["PUT"])
@blp.arguments(ProgrammeCommitmentSchema)
@blp.response(200, ProgrammeCommitmentSchema)
@blp.problems(403, 422)
def update_commitment(data, commitment_id):
    """Change a pledge: only the pledging organisation; 403 for anyone else."""
    require_login()
    commitment = db.get_or_404(Commitment, commitment_id)
    services.update_commitment(actor(), commitment, **data)
    db.session.commit()
    return commitment


@blp.route("/commitments/<int:commitment_id>/fulfil", methods=["POST"])
@blp.arguments(ProgrammeFulfilSchema)
@blp.response(200, ProgrammeCommitmentSchema)
@blp.problems(403, 422)
def fulfil_commitment(data, commitment_id):
    """Record fulfilment with evidence (the pledging organisation)."""
    require_login()
    commitment = db.get_or_404(Commitment, commitment_id)
    services.fulfil_commitment(actor(), commitment, **data)
    db.session.commit()
    return commitment


@blp.route("/<int:programme_id>/milestones", methods=["POST"])
@blp.arguments(ProgrammeMilestoneSchema)
@blp.response(201, ProgrammeMilestoneSchema)
@blp.problems(403, 422)
def add_milestone(data, programme_id):
    """Add a milestone (lead and co-owner OPDs, the admin)."""
    require_login()
    milestone = services.add_milestone(actor(), _programme(programme_id), title=data["title"], weight=data["weight"],
                                       due_on=data["due_on"], owner=_org(data["owner_organisation_id"]))
    db.session.commit()
    return milestone


@blp.route("/milestones/<int:milestone_id>/complete", methods=["POST"])
@blp.arguments(ProgrammeCompleteSchema)
@blp.response(200, ProgrammeMilestoneSchema)
@blp.problems(403, 409)
def complete_milestone(data, milestone_id):
    """Mark a milestone done with evidence (a link or a note)."""
    require_login()
    milestone = db.get_or_404(Milestone, milestone_id)
    services.complete_milestone(actor(), milestone, **data)
    db.session.commit()
    return milestone


@blp.route("/members/<int:member_id>", methods=["DELETE"])
@blp.response(204)
@blp.problems(403, 409)
def remove_member(member_id):
    """End a co-owner's or partner's membership (the lead OPD, the admin, or the organisation itself).
    Its people's discussion sockets are closed; its commitments stay on record."""
    require_login()
    member = db.get_or_404(ProgrammeMember, member_id)
    _programme(member.programme_id)
    services.remove_member(actor(), member)
    db.session.commit()


# -- evidence files and photos (multipart/form-data, checked like the form path) ---------------------

class EvidenceFileIn(Schema):
    evidence_file = fields.Raw(load_default=None, metadata={"type": "string", "format": "binary",
                                                            "description": "PDF, JPG or PNG, checked by content"})


class PhotoIn(Schema):
    photo = fields.Raw(load_default=None, metadata={"type": "string", "format": "binary",
                                                    "description": "JPG or PNG, checked by content"})


class UpdateIn(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=8000))


class UpdateOut(Schema):
    id = fields.Integer()
    body = fields.String()
    author_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    photo_url = fields.Function(lambda u: url_for("programmes.file", name=u.photo) if u.photo else None)


def _upload(storage) -> Upload | None:
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return Upload(storage.filename, storage.read())


@blp.route("/milestones/<int:milestone_id>/complete/upload", methods=["POST"])
@blp.arguments(ProgrammeCompleteSchema, location="form")
@blp.arguments(EvidenceFileIn, location="files")
@blp.response(200, ProgrammeMilestoneSchema)
@blp.problems(403, 409, 422)
def complete_milestone_upload(data, files, milestone_id):
    """Mark a milestone done with an evidence file (multipart/form-data), a link or a note."""
    require_login()
    milestone = db.get_or_404(Milestone, milestone_id)
    services.complete_milestone(actor(), milestone, **data, evidence_file=_upload(files.get("evidence_file")))
    db.session.commit()
    return milestone


@blp.route("/commitments/<int:commitment_id>/fulfil/upload", methods=["POST"])
@blp.arguments(ProgrammeFulfilSchema, location="form")
@blp.arguments(EvidenceFileIn, location="files")
@blp.response(200, ProgrammeCommitmentSchema)
@blp.problems(403, 409, 422)
def fulfil_commitment_upload(data, files, commitment_id):
    """Record fulfilment with an evidence file (multipart/form-data), a link or a note (the pledging organisation)."""
    require_login()
    commitment = db.get_or_404(Commitment, commitment_id)
    services.fulfil_commitment(actor(), commitment, **data, evidence_file=_upload(files.get("evidence_file")))
    db.session.commit()
    return commitment


@blp.route("/<int:programme_id>/updates", methods=["POST"])
@blp.arguments(UpdateIn, location="form")
@blp.arguments(PhotoIn, location="files")
@blp.response(201, UpdateOut)
@blp.problems(403, 422)
def post_update(data, files, programme_id):
    """Post to the updates feed (members, the admin) with an optional photo (multipart/form-data)."""
    require_login()
    update = services.post_update(actor(), _programme(programme_id), body=data["body"],
                                  photo=_upload(files.get("photo")))
    db.session.commit()
    return update


# -- the discussion channel: history and a plain-HTTP send (the socket is docs/programme-channel.md) --

class MessageOut(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    programme_id = fields.Integer()
    author_id = fields.Integer(allow_none=True)
    author = fields.String(allow_none=True)
    body = fields.String()
    created_at = fields.String()


class MessagesQuery(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1),
                           metadata={"description": "return messages with seq greater than this"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class MessagesPage(Schema):
    items = fields.List(fields.Nested(MessageOut))
    last_seq = fields.Integer(metadata={"description": "the programme's newest seq; ask again with after= the last item's seq"})


class MessageIn(Schema):
    body = fields.String(required=True)
    client_key = fields.String(required=True, validate=validate.Length(min=1, max=64),
                               metadata={"description": "chosen by the client; a retry with the same key is stored once"})


def _member_programme(programme_id: int) -> Programme:
    require_login()
    programme = _programme(programme_id)
    policy.require(policy.can_discuss_programme(actor(), programme), _("Only members take part in the discussion."))
    return programme


@blp.route("/<int:programme_id>/messages")
class Messages(MethodView):
    @blp.arguments(MessagesQuery, location="query")
    @blp.response(200, MessagesPage)
    @blp.problems(403)
    def get(self, args, programme_id):
        """The discussion history after a seq, oldest first (members and the admin)."""
        programme = _member_programme(programme_id)
        messages = services.messages_after(programme, args["after"], args["limit"])
        return {"items": [services.message_payload(m) for m in messages], "last_seq": programme.last_seq}

    @blp.arguments(MessageIn)
    @blp.response(201, MessageOut)
    @blp.problems(403, 422)
    def post(self, data, programme_id):
        """Post to the discussion (members); broadcast live to the channel after the commit.
        A retry with the same client_key answers 200 with the stored message."""
        programme = _member_programme(programme_id)
        message, created = services.post_comment(actor(), programme, body=data["body"], client_key=data["client_key"])
        db.session.commit()
        return services.message_payload(message), 201 if created else 200


# -- the rest of the page's actions, for API parity ------------------------------------------------

class RealiseIn(Schema):
    realised_on = fields.Date(load_default=None, metadata={"description": "default: today"})


@blp.route("/<int:programme_id>/start", methods=["POST"])
@blp.response(200, ProgrammeDetailSchema)
@blp.problems(403, 409, 422)
def start_programme(programme_id):
    """Draft -> running (the lead OPD, the admin); refused without milestones (a weight sum of zero)."""
    require_login()
    programme = _programme(programme_id)
    services.start_programme(actor(), programme)
    db.session.commit()
    return programme


@blp.route("/<int:programme_id>/realise", methods=["POST"])
@blp.arguments(RealiseIn)
@blp.response(200, ProgrammeDetailSchema)
@blp.problems(403, 409)
def realise(data, programme_id):
    """Complete the programme and mark its masterplan items realised: every milestone must be done
    and evidenced (the lead OPD, the admin)."""
    require_login()
    programme = _programme(programme_id)
    services.realise_linked_items(actor(), programme, realised_on=data["realised_on"])
    db.session.commit()
    return programme


@blp.route("/milestones/<int:milestone_id>")
class MilestoneOne(MethodView):
    @blp.arguments(ProgrammeMilestoneSchema)
    @blp.response(200, ProgrammeMilestoneSchema)
    @blp.problems(403, 409, 422)
    def put(self, data, milestone_id):
        """Change title, weight, due date, owner (the lead and co-owner OPDs, the admin)."""
        require_login()
        item = db.get_or_404(Milestone, milestone_id)
        _programme(item.programme_id)
        services.update_milestone(actor(), item, title=data["title"], weight=data["weight"], due_on=data["due_on"],
                                  owner=_org(data["owner_organisation_id"]))
        db.session.commit()
        return item

    @blp.response(204)
    @blp.problems(403, 409)
    def delete(self, milestone_id):
        """Remove a milestone that is not done; a running programme keeps at least one."""
        require_login()
        item = db.get_or_404(Milestone, milestone_id)
        _programme(item.programme_id)
        services.delete_milestone(actor(), item)
        db.session.commit()


@blp.route("/milestones/<int:milestone_id>/start", methods=["POST"])
@blp.response(200, ProgrammeMilestoneSchema)
@blp.problems(403, 409)
def start_milestone(milestone_id):
    """Planned -> in progress (milestone editors and the owner organisation)."""
    require_login()
    item = db.get_or_404(Milestone, milestone_id)
    _programme(item.programme_id)
    services.start_milestone(actor(), item)
    db.session.commit()
    return item


class UpdatesPage(Schema):
    items = fields.List(fields.Nested(UpdateOut))
    meta = fields.Dict()


@blp.route("/<int:programme_id>/updates", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, UpdatesPage)
def list_updates(args, programme_id):
    """The updates feed, newest first (public where the programme is)."""
    programme = _programme(programme_id)
    stmt = (select(ProgrammeUpdate).where(ProgrammeUpdate.programme_id == programme.id)
            .order_by(ProgrammeUpdate.id.desc()))
    return page_payload(db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False))
