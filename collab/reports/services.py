"""The figures behind the dashboard, the evaluation report and the open data.

Every number is counted from the records at read time (masterplan items, programmes,
members, commitments, milestones); none is stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, selectinload

from collab.areas.models import Area, AreaLevel
from collab.extensions import db
from collab.masterplan.models import Dimension, DimensionCode, Masterplan, MasterplanItem
from collab.masterplan.services import realisation
from collab.orgs.models import Organisation, OrgKind
from collab.programmes.models import (
    Commitment,
    MemberStatus,
    Programme,
    ProgrammeMember,
    ProgrammeState,
    programme_item,
)
from collab.proposals.models import Proposal, ProposalState


def realisation_rows(plan: Masterplan) -> list[dict]:
    table = realisation(plan)
    return [{"dimension": code.value, "label": str(code.label), "year": year, "planned": r.planned,
             "realised": r.realised, "percent": r.percent}
            for code in DimensionCode for year, r in sorted(table[code].items())]


def programmes_by_state() -> dict[str, int]:
    counts = dict(db.session.execute(select(Programme.state, func.count(Programme.id)).group_by(Programme.state)).all())
    return {s.value: int(counts.get(s, 0)) for s in ProgrammeState}


def _programmes_with(kind: OrgKind, at_least: int) -> int:
    per_programme = (select(ProgrammeMember.programme_id)
                     .join(Organisation, Organisation.id == ProgrammeMember.organisation_id)
                     .where(ProgrammeMember.status == MemberStatus.accepted, Organisation.kind == kind)
                     .group_by(ProgrammeMember.programme_id)
                     .having(func.count(ProgrammeMember.id) >= at_least)).subquery()
    return int(db.session.scalar(select(func.count()).select_from(per_programme)) or 0)


def collaboration() -> dict[str, int]:
    """Programmes carried by two or more OPDs, and with at least one external partner (accepted members)."""
    return {"programmes": int(db.session.scalar(select(func.count(Programme.id))) or 0),
            "multi_opd": _programmes_with(OrgKind.opd, 2),
            "with_partners": _programmes_with(OrgKind.partner, 1)}


def commitments_summary() -> dict:
    """Rupiah pledged vs fulfilled, and commitments of any kind counted pledged vs fulfilled."""
    pledged, fulfilled, count, done = db.session.execute(select(
        func.coalesce(func.sum(Commitment.amount), 0), func.coalesce(func.sum(Commitment.fulfilled_amount), 0),
        func.count(Commitment.id), func.count(Commitment.fulfilled_at))).one()
    return {"pledged": Decimal(pledged), "fulfilled": Decimal(fulfilled), "count": int(count), "fulfilled_count": int(done)}


def commitments_by_organisation() -> list[dict]:
    rows = db.session.execute(
        select(Organisation.short_name, func.coalesce(func.sum(Commitment.amount), 0),
               func.coalesce(func.sum(Commitment.fulfilled_amount), 0), func.count(Commitment.id))
        .join(Organisation, Organisation.id == Commitment.organisation_id)
        .group_by(Organisation.short_name).order_by(Organisation.short_name)).all()
    return [{"organisation": n, "pledged": Decimal(p), "fulfilled": Decimal(f), "count": int(c)} for n, p, f, c in rows]


def proposals_by_kelurahan() -> tuple[list[ProposalState], list[dict]]:
    """Proposals per kelurahan of origin and state, in one grouped query. Drafts are private to
    their authors and not counted. The kelurahan is the ancestor of the proposing RT/RW office
    (a prefix match on the materialised area path). Returns the states that occur, in lifecycle
    order, and one row per kelurahan with at least one proposal:
    {"kelurahan", "kelurahan_id", "counts": {state: n}, "total"}, ordered by name."""
    office, kelurahan = aliased(Area), aliased(Area)
    rows = db.session.execute(
        select(kelurahan.id, kelurahan.name, Proposal.state, func.count(Proposal.id))
        .join(office, office.id == Proposal.office_id)
        .join(kelurahan, and_(kelurahan.level == AreaLevel.kelurahan, office.path.startswith(kelurahan.path)))
        .where(Proposal.state != ProposalState.draft)
        .group_by(kelurahan.id, kelurahan.name, Proposal.state)).all()
    by_kelurahan: dict[int, dict] = {}
    for kel_id, name, state, count in rows:
        row = by_kelurahan.setdefault(kel_id, {"kelurahan": name, "kelurahan_id": kel_id, "counts": {}, "total": 0})
        row["counts"][ProposalState(state).value] = int(count)
        row["total"] += int(count)
    present = {state for row in by_kelurahan.values() for state in row["counts"]}
    states = [s for s in ProposalState if s.value in present]
    return states, sorted(by_kelurahan.values(), key=lambda r: r["kelurahan"])


def partner_network() -> tuple[list[dict], list[dict]]:
    """Organisations as nodes, shared programmes as edges: accepted members of programmes that are
    public (running or completed), two queries. Nodes {"id", "name", "short_name", "kind",
    "programmes"}; edges {"source", "target", "programmes"} with source < target."""
    public = Programme.state != ProgrammeState.draft
    a, b = aliased(ProgrammeMember), aliased(ProgrammeMember)
    edges = db.session.execute(
        select(a.organisation_id, b.organisation_id, func.count(a.programme_id))
        .join(b, and_(b.programme_id == a.programme_id, b.organisation_id > a.organisation_id))
        .join(Programme, Programme.id == a.programme_id)
        .where(public, a.status == MemberStatus.accepted, b.status == MemberStatus.accepted)
        .group_by(a.organisation_id, b.organisation_id)
        .order_by(a.organisation_id, b.organisation_id)).all()
    nodes = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.short_name, Organisation.kind,
               func.count(ProgrammeMember.programme_id))
        .join(ProgrammeMember, ProgrammeMember.organisation_id == Organisation.id)
        .join(Programme, Programme.id == ProgrammeMember.programme_id)
        .where(public, ProgrammeMember.status == MemberStatus.accepted)
        .group_by(Organisation.id, Organisation.name, Organisation.short_name, Organisation.kind)
        .order_by(Organisation.kind, Organisation.short_name)).all()
    return ([{"id": i, "name": n, "short_name": sn, "kind": OrgKind(k).value, "programmes": int(c)}
             for i, n, sn, k, c in nodes],
            [{"source": s, "target": t, "programmes": int(c)} for s, t, c in edges])


@dataclass
class EvaluationRow:
    item: MasterplanItem
    programmes: list[Programme] = field(default_factory=list)

    @property
    def evidence(self) -> list[str]:
        found = [self.item.realisation_note] if self.item.realisation_note else []
        for p in self.programmes:
            found += [f"{m.title}: {m.evidence_url or m.evidence_note or m.evidence_file}" for m in p.milestones if m.has_evidence]
        return found

    @property
    def progress(self) -> float | None:
        values = [p.progress for p in self.programmes if p.progress is not None]
        return round(sum(values) / len(values), 2) if values else None

    @property
    def missing(self) -> list[str]:
        """What the evaluation would find missing for this item (English codes, labelled in templates)."""
        gaps = []
        if not self.programmes:
            gaps.append("no_programme")
        if not self.item.realised:
            gaps.append("not_realised")
        elif not self.item.realisation_note.strip():
            gaps.append("no_realisation_note")
        if any(m.status == "done" and not m.has_evidence for p in self.programmes for m in p.milestones):
            gaps.append("milestone_without_evidence")
        if not self.evidence:
            gaps.append("no_evidence")
        return gaps


def evaluation(plan: Masterplan, code: DimensionCode | None = None, year: int | None = None) -> list[EvaluationRow]:
    """Every masterplan item (of a dimension, a year) with its programmes: four queries in all."""
    stmt = (select(MasterplanItem).join(Dimension).where(Dimension.masterplan_id == plan.id)
            .options(selectinload(MasterplanItem.dimension)).order_by(Dimension.position, MasterplanItem.year, MasterplanItem.id))
    if code:
        stmt = stmt.where(Dimension.code == code)
    if year:
        stmt = stmt.where(MasterplanItem.year == year)
    items = db.session.scalars(stmt).all()
    links = db.session.execute(select(programme_item.c.masterplan_item_id, programme_item.c.programme_id)
                               .where(programme_item.c.masterplan_item_id.in_([i.id for i in items]))).all()
    programmes = {p.id: p for p in db.session.scalars(
        select(Programme).where(Programme.id.in_({pid for _, pid in links}))
        .options(selectinload(Programme.milestones)))}
    rows = {i.id: EvaluationRow(i) for i in items}
    for item_id, pid in links:
        rows[item_id].programmes.append(programmes[pid])
    return list(rows.values())
