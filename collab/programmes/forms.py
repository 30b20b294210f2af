"""Programme forms: input shape only; the rules live in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from collab.core.forms import Form
from collab.masterplan.models import DimensionCode
from collab.programmes.models import CommitmentKind, MemberRole


class ProgrammeForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter the programme's name.")), Length(max=200)])
    goal = TextAreaField(_l("Goal"), validators=[Length(max=8000)])
    dimension = SelectField(_l("Dimension"), choices=[(c.value, c.label) for c in DimensionCode])
    lead = SelectField(_l("Lead OPD"), coerce=int, choices=[])
    items = SelectMultipleField(_l("Masterplan items carried out"), coerce=int, choices=[])
    proposals = SelectMultipleField(_l("Accepted proposals carried out"), coerce=int, choices=[])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])


class InviteForm(Form):
    organisation = SelectField(_l("Organisation"), coerce=int, choices=[])
    role = SelectField(_l("Role"), choices=[(r.value, r.label) for r in (MemberRole.co_owner, MemberRole.partner)])


class CommitmentForm(Form):
    kind = SelectField(_l("Kind"), choices=[(k.value, k.label) for k in CommitmentKind])
    amount = DecimalField(_l("Amount (Rupiah)"), places=None, validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    due_on = DateField(_l("Due on"), validators=[Optional()])


class FulfilForm(Form):
    fulfilled_on = DateField(_l("Fulfilled on"), validators=[InputRequired(_l("Enter the date."))])
    amount = DecimalField(_l("Amount given (Rupiah)"), places=None, validators=[Optional()])
    evidence_url = StringField(_l("Evidence link"), validators=[Length(max=500)])
    evidence_note = TextAreaField(_l("Evidence note"), validators=[Length(max=4000)])
    evidence_file = FileField(_l("Evidence file (PDF, JPG or PNG)"))


class MilestoneForm(Form):
    title = StringField(_l("Title"), validators=[InputRequired(_l("Enter the milestone's title.")), Length(max=200)])
    weight = IntegerField(_l("Weight"), default=1, validators=[InputRequired(_l("Enter a weight."))])
    due_on = DateField(_l("Due on"), validators=[InputRequired(_l("Enter the due date."))])
    owner = SelectField(_l("Owner organisation"), coerce=int, choices=[])


class CompleteForm(Form):
    evidence_url = StringField(_l("Evidence link"), validators=[Length(max=500)])
    evidence_note = TextAreaField(_l("Evidence note"), validators=[Length(max=4000)])
    evidence_file = FileField(_l("Evidence file (PDF, JPG or PNG)"))


class UpdateForm(Form):
    body = TextAreaField(_l("Update"), validators=[InputRequired(_l("Write the update.")), Length(max=8000)])
    photo = FileField(_l("Photo (JPG or PNG)"))


class CommentForm(Form):
    body = TextAreaField(_l("Message"), validators=[InputRequired(_l("Write a message.")), Length(max=2000)])
    # chosen when the page is rendered: a form submitted twice stores the message once
    client_key = HiddenField(validators=[Optional(), Length(max=64)])
