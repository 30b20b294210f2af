"""FGD forms: input shape only; the rules live in collab.fgd.services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from collab.core.forms import Form
from collab.fgd.models import Rsvp
from collab.masterplan.models import DIMENSION_LABELS, DimensionCode


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SessionForm(Form):
    topic = StringField(_l("Topic"), validators=[InputRequired(_l("Give the FGD a topic.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=8000)])
    dimensions = MultiCheckboxField(_l("Dimensions"), choices=[(c.value, DIMENSION_LABELS[c]) for c in DimensionCode])
    starts_at = DateTimeLocalField(_l("Starts at"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("Give a start."))])
    ends_at = DateTimeLocalField(_l("Ends at"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(_l("Give an end."))])
    venue = StringField(_l("Venue"), validators=[Length(max=200)])
    online = BooleanField(_l("Online participation (live room)"), default=True)
    public = BooleanField(_l("Public (anyone can read the published minutes)"))
    agenda = TextAreaField(_l("Agenda (one item per line)"), validators=[Length(max=4000)])
    facilitators = MultiCheckboxField(_l("Facilitators"), coerce=int, choices=[])


class InviteForm(Form):
    kind = SelectField(_l("Invite"), choices=[("person", _l("A person")), ("role", _l("Everyone with a role")),
                                              ("area", _l("RT/RW heads of an area"))])
    person = SelectField(_l("Person"), coerce=int, choices=[], validators=[Optional()])
    role = SelectField(_l("Role"), choices=[], validators=[Optional()])
    area = SelectField(_l("Area"), coerce=int, choices=[], validators=[Optional()])


class RsvpForm(Form):
    answer = SelectField(_l("Your answer"), choices=[(r.value, r.label) for r in Rsvp if r != Rsvp.pending])


class CheckInForm(Form):
    code = StringField(_l("Check-in code"), validators=[InputRequired(_l("Enter the code shown in the room.")),
                                                         Length(max=12)])


class MinutesForm(Form):
    body = TextAreaField(_l("Minutes (Markdown)"), validators=[Length(max=100000)])


class PointProposalForm(Form):
    dimension = SelectField(_l("Dimension"), choices=[(c.value, DIMENSION_LABELS[c]) for c in DimensionCode])


class ActionItemForm(Form):
    title = StringField(_l("Action item"), validators=[InputRequired(_l("Give the action item a title.")),
                                                       Length(max=300)])
