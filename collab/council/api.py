"""The council in the JSON API: the same services as the pages. Names per choice appear only
for closed open-ballot sittings; counts follow the sitting's tally setting."""
from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.accounts.models import User
from collab.core.api import PageArgs, actor, make_blueprint, page_payload, require_login
from collab.core.errors import NotFound
from collab.council import chain, services
from collab.council.models import Choice, Sitting
from collab.council.packet import review_packet
from collab.extensions import db
from collab.proposals.models import Proposal

ROW_ID = validate.Range(min=1, max=2**31 - 1, error="Unknown id.")

blp = make_blueprint("council", __name__, "/council",
                     "Council sittings, review packets, ballots, decisions and the vote record's verification.")


class TallySchema(Schema):
    proposal_id = fields.Integer()
    result = fields.String(allow_none=True, metadata={"description": "accepted | rejected | no_quorum; null while open"})
    visible = fields.Boolean(metadata={"description": "false while the sitting hides the tally until the close"})
    voted = fields.Integer()
    eligible = fields.Integer(metadata={"description": "seated members minus those who recused"})
    approve = fields.Integer()
    reject = fields.Integer()
    abstain = fields.Integer()
    recused = fields.Integer()


class AgendaSchema(Schema):
    proposal_id = fields.Integer()
    title = fields.String()
    position = fields.Integer()
    result = fields.String(allow_none=True)
    decided_at = fields.DateTime()
    tally = fields.Dict()
    names = fields.Dict(metadata={"description": "choice -> names; only for closed, open-ballot sittings"})
    masterplan_item_id = fields.Integer(allow_none=True)


class SittingSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    held_on = fields.Date(required=True)
    quorum_percent = fields.Integer(required=True, metadata={"description": "share of seated members, 1-100"})
    majority_rule = fields.String(load_default="simple", metadata={"description": "simple | two_thirds | absolute"})
    secret = fields.Boolean(load_default=False)
    live_tally = fields.Boolean(load_default=True)
    proposal_ids = fields.List(fields.Integer(validate=ROW_ID), load_only=True, required=True,
                               validate=validate.Length(max=200))
    state = fields.String(dump_only=True, metadata={"description": "scheduled | open | closed"})
    seats = fields.Integer(dump_only=True, metadata={"description": "seated members (a snapshot taken when convened)"})
    opened_at = fields.DateTime(dump_only=True)
    closed_at = fields.DateTime(dump_only=True)


class SittingDetailSchema(SittingSchema):
    members = fields.List(fields.Dict(), dump_only=True)
    agenda = fields.List(fields.Nested(AgendaSchema), dump_only=True)


class SittingPage(Schema):
    items = fields.List(fields.Nested(SittingSchema))
    meta = fields.Dict()


class BallotInSchema(Schema):
    choice = fields.Enum(Choice, required=True, metadata={"description": "approve | reject | abstain | recused"})
    reason = fields.String(load_default="", validate=validate.Length(max=2000),
                           metadata={"description": "required when recusing"})
    member_id = fields.Integer(load_default=None, validate=ROW_ID, metadata={"description": "optional; must be the caller"})


class BallotOutSchema(Schema):
    sitting_id = fields.Integer()
    proposal_id = fields.Integer()
    choice = fields.Function(lambda b: b.choice.value)
    reason = fields.String()
    updated_at = fields.DateTime()


class PacketSchema(Schema):
    proposal = fields.Dict()
    endorsements = fields.List(fields.Dict())
    reviews = fields.List(fields.Dict())
    recommendations = fields.List(fields.Dict())
    similar = fields.List(fields.Dict())
    fgd = fields.Dict(allow_none=True)
    estimated_cost = fields.String(allow_none=True)
    review_cost = fields.String(allow_none=True)
    my_ballot = fields.String(allow_none=True)


class DecisionSchema(Schema):
    sitting_id = fields.Integer()
    sitting = fields.String()
    held_on = fields.Date()
    proposal_id = fields.Integer()
    title = fields.String()
    result = fields.String(metadata={"description": "accepted | rejected | no_quorum"})
    approve = fields.Integer()
    reject = fields.Integer()
    abstain = fields.Integer()
    recused = fields.Integer()
    eligible = fields.Integer()
    secret = fields.Boolean()
    names = fields.Dict(metadata={"description": "choice -> names; empty for a secret ballot"})
    masterplan_item_id = fields.Integer(allow_none=True)


class DecisionPage(Schema):
    items = fields.List(fields.Nested(DecisionSchema))
    meta = fields.Dict()


class DecisionQuery(PageArgs):
    result = fields.String(load_default=None, validate=validate.OneOf(["accepted", "rejected", "no_quorum"]))


class VerifySchema(Schema):
    ok = fields.Boolean()
    events = fields.Integer(metadata={"description": "links checked"})
    broken_seq = fields.Integer(allow_none=True, metadata={"description": "the first broken link"})
    problem = fields.String(metadata={"description": "hash | prev_hash | missing | head | ballot | ballot_missing "
                                                     "| result | result_missing; empty when ok"})
    details = fields.Dict()


def _sitting(sitting_id: int) -> Sitting:
    return services.load_sitting(sitting_id)


def _detail(sitting: Sitting) -> dict:
    by_proposal = services.counts(sitting)
    names = services.names_by_choice(sitting, actor())
    agenda, items = [], services.masterplan_items(sitting)
    for i in sitting.agenda:
        item = items.get(i.proposal_id)
        agenda.append({"proposal_id": i.proposal_id, "title": i.proposal.title, "position": i.position,
                       "result": i.result.value if i.result else None, "decided_at": i.decided_at,
                       "tally": services.tally(sitting, i.proposal_id, by_proposal),
                       "names": names.get(i.proposal_id, {}), "masterplan_item_id": item.id if item else None})
    out = {key: getattr(sitting, key) for key in ("id", "title", "held_on", "quorum_percent", "majority_rule",
                                                   "secret", "live_tally", "opened_at", "closed_at", "seats")}
    out.update(state=sitting.state.value, agenda=agenda,
               members=[{"id": m.user_id, "name": m.user.name} for m in sitting.members])
    return out


@blp.route("/sittings")
class Sittings(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, SittingPage)
    def get(self, args):
        """Every sitting, newest first (public)."""
        stmt = select(Sitting).options(selectinload(Sitting.members)).order_by(Sitting.held_on.desc(), Sitting.id.desc())
        return page_payload(db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False))

    @blp.arguments(SittingSchema)
    @blp.response(201, SittingDetailSchema)
    @blp.problems(403, 422)
    def post(self, data):
        """Convene a sitting (the admin): agenda of ready proposals, quorum, majority rule, ballot and tally settings."""
        require_login()
        chosen = services.proposals_by_id(data["proposal_ids"], field="proposal_ids")
        sitting = services.convene_sitting(actor(), title=data["title"], held_on=data["held_on"], proposals_=chosen,
                                           quorum_percent=data["quorum_percent"], majority_rule=data["majority_rule"],
                                           secret=data["secret"], live_tally=data["live_tally"])
        db.session.commit()
        return _detail(services.load_sitting(sitting.id))


@blp.route("/sittings/<int:sitting_id>")
@blp.response(200, SittingDetailSchema)
@blp.problems(404)
def get_sitting(sitting_id):
    """A sitting with its agenda, tallies (as the sitting allows), results and, for closed open-ballot sittings, names."""
    return _detail(_sitting(sitting_id))


class AgendaInSchema(Schema):
    proposal_ids = fields.List(fields.Integer(validate=ROW_ID), required=True, validate=validate.Length(max=200),
                               metadata={"description": "The whole agenda, in order; proposals ready for the council."})


@blp.route("/sittings/<int:sitting_id>/agenda", methods=["PUT"])
@blp.arguments(AgendaInSchema)
@blp.response(200, SittingDetailSchema)
@blp.problems(403, 404, 409, 422)
def change_agenda(data, sitting_id):
    """Replace a sitting's agenda until its vote opens (the admin)."""
    require_login()
    sitting = _sitting(sitting_id)
    services.change_agenda(actor(), sitting, services.proposals_by_id(data["proposal_ids"], field="proposal_ids"))
    db.session.commit()
    return _detail(services.load_sitting(sitting_id))


@blp.route("/sittings/<int:sitting_id>/open", methods=["POST"])
@blp.response(200, SittingDetailSchema)
@blp.problems(403, 409)
def open_vote(sitting_id):
    """Open the vote window (the admin); agenda proposals move to voting."""
    require_login()
    sitting = _sitting(sitting_id)
    services.open_vote(actor(), sitting)
    db.session.commit()
    return _detail(services.load_sitting(sitting_id))


@blp.route("/sittings/<int:sitting_id>/close", methods=["POST"])
@blp.response(200, SittingDetailSchema)
@blp.problems(403, 409)
def close_vote(sitting_id):
    """Close the vote (the admin); results are computed by the rule set, chained and final."""
    require_login()
    sitting = _sitting(sitting_id)
    services.close_vote(actor(), sitting)
    db.session.commit()
    return _detail(services.load_sitting(sitting_id))


def _agenda_proposal(sitting, proposal_id):
    item = next((i for i in sitting.agenda if i.proposal_id == proposal_id), None)
    if item is None:
        raise NotFound(_("This proposal is not on this sitting's agenda."))
    return item.proposal


@blp.route("/sittings/<int:sitting_id>/proposals/<int:proposal_id>/packet")
@blp.response(200, PacketSchema)
@blp.problems(403, 404)
def packet(sitting_id, proposal_id):
    """The review packet (the admin and seated members), with the caller's current ballot."""
    require_login()
    sitting = _sitting(sitting_id)
    policy.require(policy.can_read_review_packet(actor(), sitting),
                   _("Review packets are for the council members seated in this sitting."))
    p = review_packet(actor(), sitting, _agenda_proposal(sitting, proposal_id))
    prop = p["proposal"]
    ballot = services.ballot_of(sitting, actor(), proposal_id)
    origin = p["fgd"]
    return {
        "proposal": {"id": prop.id, "title": prop.title, "problem": prop.problem, "solution": prop.solution,
                     "expected_impact": prop.expected_impact, "dimension": prop.dimension.value,
                     "office": prop.office.full_name(), "author": prop.author.name, "year": prop.year,
                     "state": prop.state.value},
        "endorsements": [{"office": e.office.full_name(), "note": e.note} for e in p["endorsements"]],
        "reviews": [{"organisation": r.organisation.short_name if r.organisation else None,
                     "feasibility": r.feasibility.value, "cost_estimate": str(r.cost_estimate) if r.cost_estimate is not None else None,
                     "overlap": r.overlap, "recommendation": r.recommendation} for r in p["reviews"]],
        "recommendations": [{"tier": r.tier, "body": r.body} for r in p["recommendations"]],
        "similar": [{"id": s.id, "title": s.title, "state": s.state.value, "score": round(score, 3)}
                    for s, score in p["similar"]],
        "fgd": {"session_id": origin.session_id, "topic": origin.session.topic} if origin else None,
        "estimated_cost": str(p["estimated_cost"]) if p["estimated_cost"] is not None else None,
        "review_cost": str(p["review_cost"]) if p["review_cost"] is not None else None,
        "my_ballot": ballot.choice.value if ballot else None,
    }


@blp.route("/sittings/<int:sitting_id>/proposals/<int:proposal_id>/ballot", methods=["POST"])
@blp.arguments(BallotInSchema)
@blp.response(200, BallotOutSchema)
@blp.problems(403, 409, 422)
def cast_ballot(data, sitting_id, proposal_id):
    """Cast or change the caller's ballot, or recuse with a reason (seated members, while open).
    The same ballot twice is refused (409) and changes nothing."""
    require_login()
    sitting = _sitting(sitting_id)
    member = None
    if data["member_id"] is not None:
        member = db.session.get(User, data["member_id"])
        if member is None:
            raise services.PermissionDenied(_("You can only cast your own ballot."))
    ballot, _changed = services.cast_ballot(actor(), sitting, db.session.get(Proposal, proposal_id), data["choice"],
                                            data["reason"], member=member)
    db.session.commit()
    return ballot


@blp.route("/decisions")
@blp.arguments(DecisionQuery, location="query")
@blp.response(200, DecisionPage)
def decisions(args):
    """Every council decision, newest first (public): date, result, counts, and names per choice
    unless the ballot was secret."""
    page = services.decisions_page(args["page"], args["per_page"], args["result"])
    names = services.names_for_items(page.items)
    items = services.masterplan_items_for(page.items)
    rows = [{"sitting_id": i.sitting_id, "sitting": i.sitting.title, "held_on": i.sitting.held_on,
             "proposal_id": i.proposal_id, "title": i.proposal.title, "result": i.result.value, **i.counts,
             "secret": i.sitting.secret, "names": names.get((i.sitting_id, i.proposal_id), {}),
             "masterplan_item_id": items[i.proposal_id].id if i.proposal_id in items else None} for i in page.items]
    return {"items": rows, "meta": {"page": page.page, "per_page": page.per_page, "total": page.total,
                                    "pages": page.pages}}


@blp.route("/verify")
@blp.response(200, VerifySchema)
def verify():
    """Recompute the vote record's hash chain and check ballots and results against it; names
    the first broken link (public: it reveals no ballots)."""
    report = chain.verify()
    db.session.rollback()
    return report
