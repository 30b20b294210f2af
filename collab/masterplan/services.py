"""Masterplan operations and the realisation figures, computed from the items."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from collab import permissions as policy
from collab.core.audit import record
from collab.core.errors import Conflict, ValidationFailed
from collab.core.text import squash
from collab.extensions import db
from collab.masterplan.models import Dimension, DimensionCode, ItemKind, Masterplan, MasterplanItem
from collab.orgs.models import Organisation


def active_masterplan() -> Masterplan | None:
    return db.session.scalar(select(Masterplan).where(Masterplan.active.is_(True)).order_by(Masterplan.start_year.desc()))


def create_masterplan(actor, *, name: str, start_year: int, end_year: int, legal_basis: str = "") -> Masterplan:
    """A new masterplan period with its six dimensions; it becomes the active one."""
    policy.require(policy.can_manage_masterplan(actor))
    if not squash(name):
        raise ValidationFailed(_l("Enter the name."), errors={"name": [_l("Enter the name.")]})
    if not (2000 <= start_year <= end_year <= start_year + 30):
        raise ValidationFailed(_l("The period must run forward and last at most 30 years."),
                               errors={"end_year": [_l("The period must run forward and last at most 30 years.")]})
    for other in db.session.scalars(select(Masterplan).where(Masterplan.active.is_(True))):
        other.active = False
    plan = Masterplan(name=squash(name), start_year=start_year, end_year=end_year, legal_basis=squash(legal_basis))
    plan.dimensions = [Dimension(code=code, position=i) for i, code in enumerate(DimensionCode)]
    db.session.add(plan)
    db.session.flush()
    record(actor, "masterplan.create", plan, period=f"{start_year}-{end_year}")
    return plan


def update_dimension(actor, dimension: Dimension, *, description: str) -> None:
    policy.require(policy.can_manage_masterplan(actor))
    dimension.description = (description or "").strip()
    record(actor, "dimension.update", dimension)


def save_item(actor, item: MasterplanItem | None, *, dimension: Dimension, year: int, title: str,
              description: str = "", kind: ItemKind = ItemKind.programme,
              lead_organisation: Organisation | None = None) -> MasterplanItem:
    """Create (item=None) or update a masterplan item; the year must lie in the period."""
    policy.require(policy.can_manage_masterplan(actor))
    plan = dimension.masterplan
    errors: dict[str, list] = {}
    if not squash(title):
        errors["title"] = [_l("Enter the title.")]
    if not (plan.start_year <= year <= plan.end_year):
        errors["year"] = [_l("The year must lie between %(a)d and %(b)d.", a=plan.start_year, b=plan.end_year)]
    if errors:
        raise ValidationFailed(_l("The item could not be saved."), errors=errors)
    creating = item is None
    item = item or MasterplanItem()
    item.dimension, item.year, item.title = dimension, year, squash(title)
    item.description, item.kind, item.lead_organisation = (description or "").strip(), kind, lead_organisation
    db.session.add(item)
    db.session.flush()
    record(actor, "masterplan_item.create" if creating else "masterplan_item.update", item, year=year)
    return item


def create_item_from_proposal(actor, proposal, year: int | None = None) -> MasterplanItem:
    """The council accepted `proposal`: it becomes an innovation item of its dimension in the
    active masterplan, in `year` (default: the proposal's cycle year, kept inside the period).
    The item points back to the proposal (`proposal_id`, unique). Refuses without an active
    masterplan (Conflict) and for a proposal that already has an item."""
    policy.require(policy.can_manage_masterplan(actor))
    plan = active_masterplan()
    if plan is None:
        raise Conflict(_l("There is no active masterplan to receive the accepted proposal."))
    if db.session.scalar(select(MasterplanItem.id).where(MasterplanItem.proposal_id == proposal.id)) is not None:
        raise Conflict(_l("This proposal is already a masterplan item."))
    dimension = next(d for d in plan.dimensions if d.code == proposal.dimension)
    year = min(max(year or proposal.year, plan.start_year), plan.end_year)
    item = MasterplanItem(dimension=dimension, year=year, title=squash(proposal.title)[:200],
                          description=(proposal.solution or "").strip(), kind=ItemKind.innovation,
                          lead_organisation_id=proposal.assigned_opd_id, proposal_id=proposal.id)
    db.session.add(item)
    db.session.flush()
    record(actor, "masterplan_item.from_proposal", item, proposal=proposal.id, year=year)
    return item


def item_for_proposal(proposal_id: int) -> MasterplanItem | None:
    return db.session.scalar(select(MasterplanItem).where(MasterplanItem.proposal_id == proposal_id))


def mark_realised(actor, item: MasterplanItem, *, realised_on: date, note: str) -> None:
    """Record that the item is realised, with the date and an evidence note."""
    policy.require(policy.can_manage_masterplan(actor))
    if item.realised_on is not None:
        raise Conflict(_l("This item is already marked realised."))
    if not squash(note):
        raise ValidationFailed(_l("Describe the evidence of realisation."),
                               errors={"note": [_l("Describe the evidence of realisation.")]})
    if realised_on > date.today():
        raise ValidationFailed(_l("The realisation date cannot be in the future."),
                               errors={"realised_on": [_l("The realisation date cannot be in the future.")]})
    item.realised_on, item.realisation_note = realised_on, note.strip()
    record(actor, "masterplan_item.realise", item, realised_on=realised_on)


def realise_via_programme(actor, item: MasterplanItem, *, programme, realised_on: date, note: str) -> bool:
    """Mark an item realised because a programme that carries it out is finished (called by
    `collab.programmes.services.realise_linked_items`, which enforces the programme's own rules).
    `programme` is the programme object (duck-typed: id, items; the masterplan does not import
    programmes). Refuses a caller who does not manage the programme, an item the programme does not
    carry, a future date. An item already realised is left as it is (returns False)."""
    policy.require(policy.can_manage_programme(actor, programme), _l("Only the lead OPD closes a programme."))
    if item not in programme.items:
        raise ValidationFailed(_l("The programme does not carry out this masterplan item."))
    if realised_on > date.today():
        raise ValidationFailed(_l("The realisation date cannot be in the future."),
                               errors={"realised_on": [_l("The realisation date cannot be in the future.")]})
    if item.realised_on is not None:
        return False
    item.realised_on, item.realisation_note = realised_on, note.strip()
    record(actor, "masterplan_item.realise", item, realised_on=realised_on, programme=programme.id)
    return True


def unmark_realised(actor, item: MasterplanItem, *, reason: str) -> None:
    policy.require(policy.can_manage_masterplan(actor))
    if item.realised_on is None:
        raise Conflict(_l("This item is not marked realised."))
    if not squash(reason):
        raise ValidationFailed(_l("Say why the realisation is withdrawn."), errors={"reason": [_l("Required.")]})
    record(actor, "masterplan_item.unrealise", item, reason=reason, was=item.realised_on)
    item.realised_on, item.realisation_note = None, ""


@dataclass(frozen=True)
class Realisation:
    planned: int
    realised: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.realised / self.planned, 2) if self.planned else None


def realisation(plan: Masterplan) -> dict[DimensionCode, dict[int, Realisation]]:
    """Planned and realised items per dimension and year, in one grouped query."""
    rows = db.session.execute(
        select(Dimension.code, MasterplanItem.year, func.count(MasterplanItem.id),
               func.sum(case((MasterplanItem.realised_on.is_not(None), 1), else_=0)))
        .join(MasterplanItem, MasterplanItem.dimension_id == Dimension.id)
        .where(Dimension.masterplan_id == plan.id)
        .group_by(Dimension.code, MasterplanItem.year)
    ).all()
    table: dict[DimensionCode, dict[int, Realisation]] = {code: {} for code in DimensionCode}
    for code, year, planned, realised in rows:
        table[DimensionCode(code)][year] = Realisation(planned, int(realised or 0))
    return table
