from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from collab.core.forms import Form
from collab.orgs.models import OrgKind, PartnerType


class OrganisationForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter the name.")), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[InputRequired(_l("Enter the short name.")), Length(max=40)])
    kind = SelectField(_l("Kind"), choices=[(k.value, k.label) for k in OrgKind])
    partner_type = SelectField(_l("Partner type (partners only)"),
                               choices=[("", "—")] + [(t.value, t.label) for t in PartnerType])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    active = BooleanField(_l("Active"), default=True)
