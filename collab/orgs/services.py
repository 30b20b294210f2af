"""Organisation operations (admin only)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from collab import permissions as policy
from collab.core.audit import record
from collab.core.errors import ValidationFailed
from collab.core.text import squash
from collab.extensions import db
from collab.orgs.models import Organisation, OrgKind, PartnerType


def _validate(name, short_name, kind, partner_type, existing=None) -> dict:
    errors: dict[str, list] = {}
    for field, value, label in (("name", name, _l("Enter the name.")), ("short_name", short_name, _l("Enter the short name."))):
        if not value:
            errors[field] = [label]
            continue
        column = getattr(Organisation, field)
        other = db.session.scalar(select(Organisation).where(column == value))
        if other is not None and other is not existing:
            errors[field] = [_l("Another organisation already uses this name.")]
    if kind == OrgKind.partner and partner_type is None:
        errors["partner_type"] = [_l("Choose the partner type.")]
    if kind != OrgKind.partner and partner_type is not None:
        errors["partner_type"] = [_l("Only partners have a partner type.")]
    return errors


def save_organisation(actor, org: Organisation | None, *, name: str, short_name: str, kind: OrgKind,
                      partner_type: PartnerType | None = None, description: str = "",
                      active: bool = True) -> Organisation:
    """Create (org=None) or update an organisation. Partners must carry a partner type."""
    policy.require(policy.can_manage_organisations(actor))
    name, short_name = squash(name), squash(short_name)
    errors = _validate(name, short_name, kind, partner_type, org)
    if errors:
        raise ValidationFailed(_l("The organisation could not be saved."), errors=errors)
    creating = org is None
    org = org or Organisation()
    org.name, org.short_name, org.kind, org.partner_type = name, short_name, kind, partner_type
    org.description, org.active = (description or "").strip(), active
    db.session.add(org)
    db.session.flush()
    record(actor, "organisation.create" if creating else "organisation.update", org, name=name, kind=kind)
    return org
