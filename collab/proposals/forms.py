"""Proposal forms: input shape only; the rules live in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from collab.core.forms import Form
from collab.masterplan.models import DimensionCode
from collab.proposals.models import Feasibility, Horizon


class ProposalForm(Form):
    title = StringField(_l("Title"), validators=[InputRequired(_l("Give the proposal a title.")), Length(max=200)])
    dimension = SelectField(_l("Masterplan dimension"), choices=[(d.value, d.label) for d in DimensionCode])
    problem = TextAreaField(_l("Problem"), validators=[Length(max=8000)])
    solution = TextAreaField(_l("Proposed solution"), validators=[Length(max=8000)])
    expected_impact = TextAreaField(_l("Expected impact"), validators=[Length(max=4000)])
    on_behalf_of = StringField(_l("On behalf of residents (names)"), validators=[Length(max=400)])
    suggested_opd = SelectField(_l("Suggested OPD"), coerce=int, choices=[])
    estimated_cost = DecimalField(_l("Estimated cost (Rupiah)"), places=0, validators=[Optional(), NumberRange(min=0)])
    horizon = SelectField(_l("Horizon"), choices=[(h.value, h.label) for h in Horizon])


class NoteForm(Form):
    note = TextAreaField(_l("Note"), validators=[Length(max=4000)])


class SubmitForm(NoteForm):
    confirmed = BooleanField(_l("This is a different idea; submit anyway"))


class AssignForm(Form):
    opd = SelectField(_l("OPD"), coerce=int, choices=[])
    note = StringField(_l("Note"), validators=[Length(max=400)])


class ReviewForm(Form):
    feasibility = SelectField(_l("Feasibility"), choices=[(f.value, f.label) for f in Feasibility])
    cost_estimate = DecimalField(_l("Cost estimate (Rupiah)"), places=0, validators=[Optional(), NumberRange(min=0)])
    overlap = TextAreaField(_l("Overlap with running programmes or masterplan items"), validators=[Length(max=8000)])
    recommendation = TextAreaField(_l("Recommendation"), validators=[InputRequired(_l("Write the recommendation.")),
                                                                     Length(max=8000)])
    decision = SelectField(_l("Decision"), choices=[("mark_ready", _l("Ready for the council")),
                                                    ("request_revision", _l("Request a revision"))])


class EndorseForm(Form):
    note = StringField(_l("Why your office supports it (optional)"), validators=[Length(max=400)])


class CommentForm(Form):
    body = TextAreaField(_l("Comment"), validators=[InputRequired(_l("Write a comment.")), Length(max=4000)])
    parent_id = HiddenField()


class HideCommentForm(Form):
    reason = StringField(_l("Reason"), validators=[InputRequired(_l("Give a reason for hiding it.")), Length(max=400)])


class MergeForm(Form):
    into = IntegerField(_l("Merge into proposal number"), validators=[InputRequired(_l("Enter the proposal number."))])
    note = StringField(_l("Note"), validators=[Length(max=400)])


class RoutingRuleForm(Form):
    dimension = SelectField(_l("Dimension"), choices=[("", _l("Any dimension"))] + [(d.value, d.label) for d in DimensionCode])
    keywords = StringField(_l("Keywords (comma separated)"), validators=[Length(max=400)])
    organisation = SelectField(_l("OPD"), coerce=int, choices=[])
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(0, 1000)])


class AttachmentForm(Form):
    file = FileField(_l("Photo or PDF"), validators=[FileRequired(_l("Choose a file."))])


class RecommendationForm(Form):
    body = TextAreaField(_l("Recommendation"), validators=[InputRequired(_l("Write the recommendation.")),
                                                           Length(max=4000)])
