"""The dashboard and the evaluation report (HTML, CSV, XLSX, PDF). Public: these are the city's figures."""
from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _

from collab.core.errors import NotFound
from collab.masterplan.models import DimensionCode
from collab.masterplan.services import active_masterplan, realisation
from collab.reports import exports, network, services

bp = Blueprint("reports", __name__)


def _plan():
    plan = active_masterplan()
    if plan is None:
        raise NotFound(_("No masterplan has been set up yet."))
    return plan


@bp.get("/dashboard")
def dashboard():
    plan = _plan()
    table = realisation(plan)
    by_state = services.programmes_by_state()
    commitments = services.commitments_summary()
    by_org = services.commitments_by_organisation()
    years = [y for y in plan.years if any(y in table[d.code] for d in plan.dimensions)]
    charts = {
        "realisation": {"type": "bar", "labels": [str(d.label) for d in plan.dimensions], "unit": "%",
                        "datasets": [{"label": str(y), "data": [table[d.code][y].percent if y in table[d.code] else None
                                                                 for d in plan.dimensions]} for y in years]},
        "states": {"type": "doughnut", "labels": [str(s.label) for s in services.ProgrammeState],
                   "datasets": [{"label": _("Programmes"), "data": list(by_state.values())}]},
        "commitments": {"type": "bar", "labels": [r["organisation"] for r in by_org], "unit": "Rp",
                        "datasets": [{"label": _("Pledged"), "data": [float(r["pledged"]) for r in by_org]},
                                     {"label": _("Fulfilled"), "data": [float(r["fulfilled"]) for r in by_org]}]},
    }
    proposal_states, by_kelurahan = services.proposals_by_kelurahan()
    charts["kelurahan"] = {"type": "bar", "stacked": True, "labels": [r["kelurahan"] for r in by_kelurahan],
                           "datasets": [{"label": str(s.label), "data": [r["counts"].get(s.value, 0) for r in by_kelurahan]}
                                        for s in proposal_states]}
    nodes, edges = network.layout(*services.partner_network())
    return render_template("reports/dashboard.html", plan=plan, table=table, years=years, by_state=by_state,
                           states=list(services.ProgrammeState), collaboration=services.collaboration(),
                           commitments=commitments, by_org=by_org, proposal_states=proposal_states,
                           by_kelurahan=by_kelurahan, nodes=nodes, edges=edges,
                           network_size=network.SIZE, network_margin=network.MARGIN,
                           charts={k: json.dumps(v) for k, v in charts.items()})


def _filters():
    code = request.args.get("dimension")
    code = DimensionCode(code) if code in DimensionCode.__members__ else None
    year = request.args.get("year", type=int)
    return code, year if year is not None and 0 < year < 10_000 else None  # no year a column can't hold


def _title(code, year) -> str:
    parts = [_("Smart city evaluation report"), str(code.label) if code else _("all dimensions")]
    if year:
        parts.append(str(year))
    return " – ".join(parts)


@bp.get("/evaluation")
def evaluation():
    plan = _plan()
    code, year = _filters()
    rows = services.evaluation(plan, code, year)
    return render_template("reports/evaluation.html", plan=plan, rows=rows, code=code, year=year,
                           dimensions=list(DimensionCode), gap_labels=exports.GAP_LABELS, title=_title(code, year))


@bp.get("/evaluation.<fmt>")
def evaluation_download(fmt: str):
    plan = _plan()
    code, year = _filters()
    rows = services.evaluation(plan, code, year)
    name = f"evaluasi-{code.value if code else 'semua'}{'-' + str(year) if year else ''}"
    if fmt == "csv":
        body, mime = exports.to_csv(rows), "text/csv"
    elif fmt == "xlsx":
        body, mime = exports.to_xlsx(rows, _title(code, year)), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        body, mime = exports.to_pdf(rows, _title(code, year)), "application/pdf"
    else:
        raise NotFound(_("No such format."))
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
