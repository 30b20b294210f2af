"""Council forms: input shape only; the rules live in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from collab.core.forms import Form
from collab.council.models import Choice


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SittingForm(Form):
    title = StringField(_l("Title"), validators=[InputRequired(_l("Enter the sitting's title.")), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date of the sitting."))])
    proposals = MultiCheckboxField(_l("Agenda: proposals ready for the council"), coerce=int, choices=[],
                             validate_choice=False)
    quorum_percent = IntegerField(_l("Quorum (percent of seated members)"), default=50,
                                  validators=[InputRequired(_l("Enter the quorum."))])
    majority_rule = SelectField(_l("Majority rule"), choices=[])
    secret = BooleanField(_l("Secret ballot (names per choice are never shown)"))
    live_tally = BooleanField(_l("Show the tally live while voting"), default=True)


class AgendaForm(Form):
    proposals = MultiCheckboxField(_l("Agenda"), coerce=int, choices=[], validate_choice=False)


class BallotForm(Form):
    choice = RadioField(_l("Your ballot"), choices=[(c.value, c.label) for c in Choice],
                        validators=[InputRequired(_l("Choose approve, reject, abstain or recuse."))])
    reason = TextAreaField(_l("Reason for recusal (conflict of interest)"), validators=[Optional(), Length(max=2000)])
