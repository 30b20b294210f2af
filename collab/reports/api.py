"""Open data: the dashboard and evaluation figures as JSON and CSV (public)."""
from __future__ import annotations

import csv
import io

from flask import Response
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from collab.core.api import make_blueprint
from collab.core.errors import NotFound
from collab.masterplan.models import DimensionCode
from collab.masterplan.services import active_masterplan
from collab.reports import exports, services

blp = make_blueprint("reports", __name__, "/reports", "Open data: realisation, programmes, commitments, evaluation.")


class OpenRealisationRow(Schema):
    dimension = fields.String()
    label = fields.String()
    year = fields.Integer()
    planned = fields.Integer()
    realised = fields.Integer()
    percent = fields.Float(allow_none=True)


class SummarySchema(Schema):
    programmes_by_state = fields.Dict(keys=fields.String(), values=fields.Integer())
    collaboration = fields.Dict(keys=fields.String(), values=fields.Integer())
    commitments = fields.Dict()
    commitments_by_organisation = fields.List(fields.Dict())


class EvaluationQuery(Schema):
    dimension = fields.Enum(DimensionCode, load_default=None)
    year = fields.Integer(load_default=None, validate=validate.Range(min=1, max=9999))


class EvaluationRowSchema(Schema):
    item_id = fields.Function(lambda r: r.item.id)
    dimension = fields.Function(lambda r: r.item.dimension.code.value)
    year = fields.Function(lambda r: r.item.year)
    title = fields.Function(lambda r: r.item.title)
    realised_on = fields.Function(lambda r: r.item.realised_on.isoformat() if r.item.realised_on else None)
    programmes = fields.Function(lambda r: [{"id": p.id, "name": p.name, "progress": p.progress} for p in r.programmes])
    progress = fields.Float(allow_none=True)
    evidence = fields.List(fields.String())
    missing = fields.List(fields.String())


def _plan():
    plan = active_masterplan()
    if plan is None:
        raise NotFound(_("No masterplan has been set up yet."))
    return plan


def _csv(rows: list[dict], name: str) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()) if rows else ["empty"])
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@blp.route("/realisation")
@blp.response(200, OpenRealisationRow(many=True))
def realisation():
    """Planned and realised masterplan items per dimension and year."""
    return services.realisation_rows(_plan())


@blp.route("/realisation.csv")
def realisation_csv():
    """The same figures as CSV."""
    return _csv(services.realisation_rows(_plan()), "realisasi")


def _summary() -> dict:
    c = services.commitments_summary()
    return {"programmes_by_state": services.programmes_by_state(), "collaboration": services.collaboration(),
            "commitments": {"pledged": str(c["pledged"]), "fulfilled": str(c["fulfilled"]), "count": c["count"],
                            "fulfilled_count": c["fulfilled_count"]},
            "commitments_by_organisation": [{**r, "pledged": str(r["pledged"]), "fulfilled": str(r["fulfilled"])}
                                            for r in services.commitments_by_organisation()]}


@blp.route("/summary")
@blp.response(200, SummarySchema)
def summary():
    """Programmes by state, collaboration counts, commitments pledged vs fulfilled (Rupiah as strings)."""
    return _summary()


@blp.route("/commitments.csv")
def commitments_csv():
    """Commitments pledged vs fulfilled per organisation, as CSV."""
    return _csv([{**r, "pledged": str(r["pledged"]), "fulfilled": str(r["fulfilled"])}
                 for r in services.commitments_by_organisation()], "komitmen")


@blp.route("/evaluation")
@blp.arguments(EvaluationQuery, location="query")
@blp.response(200, EvaluationRowSchema(many=True))
def evaluation(args):
    """Every masterplan item with its programmes, progress, evidence and what is missing."""
    return services.evaluation(_plan(), args["dimension"], args["year"])


@blp.route("/evaluation.csv")
@blp.arguments(EvaluationQuery, location="query")
def evaluation_csv(args):
    """The evaluation report as CSV."""
    body = exports.to_csv(services.evaluation(_plan(), args["dimension"], args["year"]))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="evaluasi.csv"'})


class KelurahanRow(Schema):
    kelurahan_id = fields.Integer()
    kelurahan = fields.String()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "proposal state -> count (drafts are not counted)"})
    total = fields.Integer()


class NetworkNode(Schema):
    id = fields.Integer()
    name = fields.String()
    short_name = fields.String()
    kind = fields.String()
    programmes = fields.Integer()


class NetworkEdge(Schema):
    source = fields.Integer()
    target = fields.Integer()
    programmes = fields.Integer(metadata={"description": "running or completed programmes both carry"})


class NetworkSchema(Schema):
    nodes = fields.List(fields.Nested(NetworkNode))
    edges = fields.List(fields.Nested(NetworkEdge))


@blp.route("/proposals-by-kelurahan")
@blp.response(200, KelurahanRow(many=True))
def proposals_by_kelurahan():
    """Submitted proposals per kelurahan of the proposing RT/RW, by state (the dashboard's table)."""
    return services.proposals_by_kelurahan()[1]


@blp.route("/proposals-by-kelurahan.csv")
def proposals_by_kelurahan_csv():
    """The same figures as CSV: one row per kelurahan and state."""
    return _csv([{"kelurahan_id": r["kelurahan_id"], "kelurahan": r["kelurahan"], "state": state, "count": n}
                 for r in services.proposals_by_kelurahan()[1] for state, n in r["counts"].items()], "usulan-kelurahan")


@blp.route("/partner-network")
@blp.response(200, NetworkSchema)
def partner_network():
    """Organisations carrying public programmes, and how many programmes each pair shares."""
    nodes, edges = services.partner_network()
    return {"nodes": nodes, "edges": edges}


@blp.route("/partner-network.csv")
def partner_network_csv():
    """The links of the partner network as CSV: one row per pair of organisations."""
    nodes, edges = services.partner_network()
    names = {n["id"]: n["short_name"] for n in nodes}
    return _csv([{"organisation_a": names[e["source"]], "organisation_b": names[e["target"]],
                  "programmes": e["programmes"]} for e in edges], "jejaring-mitra")
