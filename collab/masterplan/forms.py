from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from collab.core.forms import Form
from collab.masterplan.models import ItemKind


class MasterplanForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter the name.")), Length(max=200)])
    start_year = IntegerField(_l("First year"), validators=[InputRequired(_l("Enter a year.")), NumberRange(2000, 2100)])
    end_year = IntegerField(_l("Last year"), validators=[InputRequired(_l("Enter a year.")), NumberRange(2000, 2100)])
    legal_basis = StringField(_l("Legal basis"), validators=[Length(max=200)])


class ItemForm(Form):
    dimension = SelectField(_l("Dimension"), coerce=int, choices=[])
    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Enter a year.")), NumberRange(2000, 2100)])
    title = StringField(_l("Title"), validators=[InputRequired(_l("Enter the title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=8000)])
    kind = SelectField(_l("Kind"), choices=[(k.value, k.label) for k in ItemKind])
    lead_organisation = SelectField(_l("Lead organisation"), coerce=int, choices=[])


class RealiseForm(Form):
    realised_on = DateField(_l("Realised on"), validators=[InputRequired(_l("Enter the date."))])
    note = TextAreaField(_l("Evidence note"), validators=[InputRequired(_l("Describe the evidence of realisation.")), Length(max=4000)])


class UnrealiseForm(Form):
    reason = StringField(_l("Reason"), validators=[InputRequired(_l("Say why.")), Length(max=400)])


class DimensionForm(Form):
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
