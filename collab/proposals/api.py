"""Proposals in the JSON API: the same services as the pages. The public reads proposals past
draft, without authors' contact details; refusals come back as 403/409/422 problems."""
from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.core.api import PageArgs, actor, make_blueprint, page_payload, require_login
from collab.core.errors import NotFound
from collab.extensions import db
from collab.masterplan.models import DimensionCode
from collab.orgs.models import Organisation
from collab.proposals import duplicates, services
from collab.proposals.models import Comment, Feasibility, Horizon, Proposal, ProposalState
from collab.proposals.views import filtered, kelurahan_counts, state_counts

blp = make_blueprint("proposals", __name__, "/proposals",
                     "Innovation proposals from RT/RW offices: lifecycle, reviews, endorsements, comments.")


class AreaRef(Schema):
    id = fields.Integer()
    name = fields.Function(lambda a: a.full_name())


class PersonRef(Schema):
    id = fields.Integer()
    name = fields.String()


class EndorsementSchema(Schema):
    id = fields.Integer()
    office = fields.Nested(AreaRef)
    note = fields.String()
    created_at = fields.DateTime()


class TransitionSchema(Schema):
    action = fields.String()
    from_state = fields.Enum(ProposalState, allow_none=True)
    to_state = fields.Enum(ProposalState)
    actor = fields.Nested(PersonRef, allow_none=True)
    note = fields.String()
    at = fields.DateTime()


class ReviewSchema(Schema):
    id = fields.Integer()
    organisation_id = fields.Integer(allow_none=True)
    officer = fields.Nested(PersonRef, allow_none=True)
    feasibility = fields.Enum(Feasibility)
    cost_estimate = fields.Decimal(as_string=True, allow_none=True)
    overlap = fields.String()
    recommendation = fields.String()
    decision = fields.Enum(ProposalState)
    created_at = fields.DateTime()


class CommentSchema(Schema):
    id = fields.Integer()
    parent_id = fields.Integer(allow_none=True)
    author = fields.Nested(PersonRef, allow_none=True)
    body = fields.Method("_body")
    hidden = fields.Boolean()
    hidden_reason = fields.String()
    created_at = fields.DateTime()

    def _body(self, c):
        return None if c.hidden else c.body


class AttachmentSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    created_at = fields.DateTime()
    url = fields.Function(lambda a: url_for("proposals.attachment", attachment_id=a.id))


class FileIn(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ProposalSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    problem = fields.String()
    solution = fields.String()
    expected_impact = fields.String()
    dimension = fields.Enum(DimensionCode)
    office = fields.Nested(AreaRef)
    author = fields.Nested(PersonRef, metadata={"description": "name only: no contact details"})
    on_behalf_of = fields.String()
    suggested_opd_id = fields.Integer(allow_none=True)
    assigned_opd_id = fields.Integer(allow_none=True)
    estimated_cost = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "Rupiah"})
    horizon = fields.Enum(Horizon)
    state = fields.Enum(ProposalState)
    version = fields.Integer()
    merged_into_id = fields.Integer(allow_none=True)
    year = fields.Integer(metadata={"description": "planning cycle"})
    submitted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class RecommendationSchema(Schema):
    tier = fields.String(metadata={"description": "rw | kelurahan"})
    area = fields.Nested(AreaRef)
    author = fields.Nested(PersonRef, allow_none=True)
    body = fields.String()
    created_at = fields.DateTime()


class RecommendIn(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class ProposalDetailSchema(ProposalSchema):
    transitions = fields.List(fields.Nested(TransitionSchema))
    endorsements = fields.List(fields.Nested(EndorsementSchema))
    reviews = fields.List(fields.Nested(ReviewSchema))
    comments = fields.List(fields.Nested(CommentSchema))
    attachments = fields.List(fields.Nested(AttachmentSchema))
    recommendations = fields.List(fields.Nested(RecommendationSchema), metadata={"description": "Musrenbang chain"})
    allowed_actions = fields.Function(lambda p: sorted(services.allowed_actions(p)))


class ProposalPage(Schema):
    items = fields.List(fields.Nested(ProposalSchema))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "per state"})
    counts_by_kelurahan = fields.List(fields.Dict(), metadata={
        "description": "per kelurahan (of the listed state, or all states): kelurahan_id, kelurahan, count"})
    meta = fields.Dict()


class ProposalIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=5, max=200))
    dimension = fields.Enum(DimensionCode, required=True)
    problem = fields.String(load_default="", validate=validate.Length(max=8000))
    solution = fields.String(load_default="", validate=validate.Length(max=8000))
    expected_impact = fields.String(load_default="", validate=validate.Length(max=4000))
    on_behalf_of = fields.String(load_default="", validate=validate.Length(max=400))
    suggested_opd_id = fields.Integer(load_default=None, allow_none=True)
    estimated_cost = fields.Decimal(load_default=None, allow_none=True, validate=validate.Range(min=0))
    horizon = fields.Enum(Horizon, load_default=Horizon.short)


class ProposalPatch(ProposalIn):
    """Only the fields sent are changed."""


class ProposalQuery(PageArgs):
    state = fields.Enum(ProposalState, load_default=None)
    dimension = fields.Enum(DimensionCode, load_default=None)
    horizon = fields.Enum(Horizon, load_default=None)
    kelurahan = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                               metadata={"description": "area id (kelurahan or any ancestor/office)"})
    opd = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                         metadata={"description": "assigned OPD id"})
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2999))
    q = fields.String(load_default=None, validate=validate.Length(max=200), metadata={"description": "full-text search"})


class NoteIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=4000))


class AssignIn(NoteIn):
    opd_id = fields.Integer(required=True)


class ReviewIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["request_revision", "mark_ready"]))
    feasibility = fields.Enum(Feasibility, required=True)
    cost_estimate = fields.Decimal(load_default=None, allow_none=True)
    overlap = fields.String(load_default="", validate=validate.Length(max=8000))
    recommendation = fields.String(required=True, validate=validate.Length(min=1, max=8000))


class MergeIn(NoteIn):
    into_id = fields.Integer(required=True)


class CommentIn(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    parent_id = fields.Integer(load_default=None, allow_none=True)


class HideIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=400))


class SimilarQuery(Schema):
    title = fields.String(load_default="", validate=validate.Length(max=400))
    body = fields.String(load_default="", validate=validate.Length(max=4000))
    exclude = fields.Integer(load_default=None)


class SimilarHit(Schema):
    proposal = fields.Nested(ProposalSchema)
    score = fields.Float()


def _load(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not policy.can_view_proposal(actor(), proposal):
        raise NotFound(_("No such proposal, or you may not see it."))
    return proposal


def _data(data: dict) -> dict:
    data = dict(data)
    if "suggested_opd_id" in data:
        opd_id = data.pop("suggested_opd_id")
        data["suggested_opd"] = db.session.get(Organisation, opd_id) if opd_id else None
    return data


class _Args:
    """The list filters from the loaded query args, in the shape `views.filtered` reads."""

    def __init__(self, args):
        self.args = {k: (v.value if hasattr(v, "value") else v) for k, v in args.items() if v is not None}

    def get(self, key, default=None, type=None):
        value = self.args.get(key, default)
        return type(value) if type is not None and value is not None else value


ERRORS = {403: "not allowed", 404: "not found or not visible", 409: "illegal in the current state",
          422: "invalid input"}
_problems = blp.problems(*ERRORS, descriptions=ERRORS)


@blp.route("/")
class Proposals(MethodView):
    @blp.arguments(ProposalQuery, location="query")
    @blp.response(200, ProposalPage)
    def get(self, args):
        """List proposals (public: past draft; the caller's own office's drafts too), with filters,
        full-text search `q` and counts per state."""
        stmt = filtered(actor(), _Args(args))
        counts = {s.value: n for s, n in state_counts(stmt).items()}
        if args["state"]:
            stmt = stmt.where(Proposal.state == args["state"])
        page = db.paginate(stmt.options(selectinload(Proposal.office), selectinload(Proposal.author))
                           .order_by(Proposal.updated_at.desc(), Proposal.id.desc()),
                           page=args["page"], per_page=args["per_page"], error_out=False)
        return {**page_payload(page), "counts": counts, "counts_by_kelurahan": [
            {"kelurahan_id": k.id, "kelurahan": k.name, "count": n} for k, n in kelurahan_counts(stmt)]}

    @blp.arguments(ProposalIn)
    @blp.response(201, ProposalDetailSchema)
    @_problems
    def post(self, data):
        """Create a draft for the caller's RT/RW office."""
        require_login()
        proposal = services.create_proposal(actor(), **_data(data))
        db.session.commit()
        return proposal


@blp.route("/similar")
@blp.arguments(SimilarQuery, location="query")
@blp.response(200, SimilarHit(many=True))
def similar(args):
    """Proposals that look like the same idea as the given title/body (Indonesian-aware), best first."""
    require_login()
    hits = duplicates.similar_proposals(actor(), args["title"], args["body"], exclude=args["exclude"])
    return [{"proposal": p, "score": s} for p, s in hits]


@blp.route("/<int:proposal_id>")
class ProposalItem(MethodView):
    @blp.response(200, ProposalDetailSchema)
    @_problems
    def get(self, proposal_id):
        """One proposal with its history, endorsements, reviews and comments."""
        return _load(proposal_id)

    @blp.arguments(ProposalPatch(partial=True))
    @blp.response(200, ProposalDetailSchema)
    @_problems
    def patch(self, data, proposal_id):
        """Edit a draft or a proposal sent back for revision (the proposing office)."""
        require_login()
        proposal = _load(proposal_id)
        services.update_proposal(actor(), proposal, **_data(data))
        db.session.commit()
        return proposal


def _step(name: str, schema, call, doc: str):
    def view(data, proposal_id):
        require_login()
        proposal = _load(proposal_id)
        call(proposal, data)
        db.session.commit()
        db.session.refresh(proposal)
        return proposal

    view.__name__ = name.replace("-", "_")
    view.__doc__ = doc
    view = _problems(blp.response(200, ProposalDetailSchema)(blp.arguments(schema)(view)))
    blp.route(f"/<int:proposal_id>/{name}", methods=["POST"], endpoint=view.__name__)(view)


_step("submit", NoteIn, lambda p, d: services.submit_proposal(actor(), p, d["note"]),
      "Submit a draft or a revised proposal (the proposing office).")
_step("withdraw", NoteIn, lambda p, d: services.withdraw_proposal(actor(), p, d["note"]),
      "Withdraw before the council votes (the proposing office).")
_step("assign", AssignIn, lambda p, d: services.assign_proposal(actor(), p, db.session.get(Organisation, d["opd_id"]),
                                                                d["note"]),
      "Assign a submitted proposal to an OPD (admin).")
_step("start-review", NoteIn, lambda p, d: services.start_review(actor(), p, d["note"]),
      "Take an assigned proposal into review (officer of the assigned OPD).")
_step("review", ReviewIn, lambda p, d: services.review_proposal(actor(), p, **d),
      "Record a review and request a revision or mark it ready for the council (officer of the assigned OPD).")
_step("merge", MergeIn, lambda p, d: services.merge_proposal(actor(), p, db.session.get(Proposal, d["into_id"]),
                                                             d["note"]),
      "Merge this proposal into another one (admin).")
_step("carry-over", NoteIn, lambda p, d: services.carry_over_proposal(actor(), p, d["note"]),
      "Carry a proposal the council did not reach, or rejected for this year, into the next cycle (admin).")
_step("recommend", RecommendIn, lambda p, d: services.recommend_proposal(actor(), p, d["body"]),
      "Add the RW (head of the RW above the proposing RT) or kelurahan (admin) recommendation.")
_step("endorse", NoteIn, lambda p, d: services.endorse_proposal(actor(), p, d["note"][:400]),
      "Endorse on behalf of the caller's RT/RW office (once per office, not one's own).")


@blp.route("/<int:proposal_id>/comments", methods=["POST"])
@blp.arguments(CommentIn)
@blp.response(201, CommentSchema)
@_problems
def post_comment(data, proposal_id):
    """Comment (anyone logged in, on a proposal past draft); `parent_id` makes it a reply."""
    require_login()
    proposal = _load(proposal_id)
    parent = db.session.get(Comment, data["parent_id"]) if data["parent_id"] else None
    comment = services.add_comment(actor(), proposal, data["body"], parent)
    db.session.commit()
    return comment


@blp.route("/<int:proposal_id>/attachments", methods=["POST"])
@blp.arguments(FileIn, location="files")
@blp.response(201, AttachmentSchema)
@_problems
def upload_attachment(files, proposal_id):
    """Attach a photo (JPEG/PNG/WebP) or PDF, checked by content (the proposing office, while editable).
    Download with the returned `url` (visible to those who may see the proposal)."""
    require_login()
    proposal = _load(proposal_id)
    upload = files["file"]
    attachment = services.add_attachment(actor(), proposal, upload.filename, upload.read())
    db.session.commit()
    return attachment


@blp.route("/comments/<int:comment_id>/hide", methods=["POST"])
@blp.arguments(HideIn)
@blp.response(200, CommentSchema)
@_problems
def hide_comment(data, comment_id):
    """Hide a comment with a reason (admin)."""
    require_login()
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("No such comment."))
    services.hide_comment(actor(), comment, data["reason"])
    db.session.commit()
    return comment

