"""Programmes in the JSON API: the same services as the pages."""
from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.core.api import PageArgs, ProblemSchema, actor, make_blueprint, page_payload, require_login
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
    ProgrammeState,
)

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
    starts_on = fields.Date(allow_none=True, load_default=None)
    ends_on = fields.Date(allow_none=True, load_default=None)
    state = fields.Enum(ProgrammeState, dump_only=True)
    progress = fields.Float(dump_only=True, allow_none=True,
                            metadata={"description": "weighted share of done milestones, computed on read"})
    masterplan_items = fields.Function(lambda p: [i.id for i in p.items], dump_only=True)


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
                                         selectinload(Programme.members)).order_by(Programme.id.desc())
        if not policy.is_admin(user):
            mine = select(ProgrammeMember.programme_id).where(
                ProgrammeMember.organisation_id == getattr(user, "organisation_id", None))
            stmt = stmt.where((Programme.state != ProgrammeState.draft) | Programme.id.in_(mine))
        if args["state"]:
            stmt = stmt.where(Programme.state == args["state"])
        if args["dimension"]:
            stmt = stmt.where(Programme.dimension == args["dimension"])
        return page_payload(db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False))

    @blp.arguments(ProgrammeSchema)
    @blp.response(201, ProgrammeDetailSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    def post(self, data):
        """Create a draft programme (OPD officers for their own OPD; the admin for any)."""
        require_login()
        lead = _org(data["lead_organisation_id"])
        items = db.session.scalars(select(MasterplanItem).where(MasterplanItem.id.in_(data["item_ids"]))).all()
        programme = services.create_programme(actor(), name=data["name"], goal=data["goal"], dimension=data["dimension"],
                                              lead=lead, items=items, starts_on=data["starts_on"], ends_on=data["ends_on"])
        db.session.commit()
        return programme


@blp.route("/<int:programme_id>")
@blp.response(200, ProgrammeDetailSchema)
@blp.alt_response(404, schema=ProblemSchema)
def get_programme(programme_id):
    """One programme with members, commitments and milestones; progress computed on read."""
    return _programme(programme_id)


@blp.route("/<int:programme_id>/members", methods=["POST"])
@blp.arguments(ProgrammeInviteSchema)
@blp.response(201, ProgrammeMemberSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema)
def invite_member(data, programme_id):
    """Invite a co-owner OPD or a partner (the lead OPD or the admin)."""
    require_login()
    member = services.invite_member(actor(), _programme(programme_id), _org(data["organisation_id"]), data["role"])
    db.session.commit()
    return member


@blp.route("/members/<int:member_id>/respond", methods=["POST"])
@blp.arguments(ProgrammeRespondSchema)
@blp.response(200, ProgrammeMemberSchema)
@blp.alt_response(403, schema=ProblemSchema)
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
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
def add_commitment(data, programme_id):
    """Record a commitment of the caller's own organisation (accepted members)."""
    require_login()
    commitment = services.add_commitment(actor(), _programme(programme_id), **data)
    db.session.commit()
    return commitment


@blp.route("/commitments/<int:commitment_id>", methods=["PUT"])
@blp.arguments(ProgrammeCommitmentSchema)
@blp.response(200, ProgrammeCommitmentSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
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
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
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
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
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
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema)
def complete_milestone(data, milestone_id):
    """Mark a milestone done with evidence (a link or a note)."""
    require_login()
    milestone = db.get_or_404(Milestone, milestone_id)
    services.complete_milestone(actor(), milestone, **data)
    db.session.commit()
    return milestone
