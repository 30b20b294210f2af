from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from collab.accounts.models import Role
from collab.core.forms import Form, csv_file_field


class LoginForm(Form):
    login = StringField(_l("E-mail or phone number"), validators=[InputRequired(_l("Enter your e-mail or phone number.")), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")), Length(max=200)])


class SetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[InputRequired(_l("Enter a password.")), Length(min=10, max=200, message=_l("Between 10 and 200 characters."))])
    confirm = PasswordField(_l("Repeat the password"), validators=[EqualTo("password", _l("The two passwords differ."))])


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(_l("Enter your current password."))])


class LanguageForm(Form):
    locale = SelectField(_l("Language"), choices=[("id", "Bahasa Indonesia"), ("en", "English")])


class ApiTokenForm(Form):
    name = StringField(_l("Token name"), validators=[InputRequired(_l("Give the token a name.")), Length(max=80)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(Form):
    name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter the name.")), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone (WhatsApp)"), validators=[Optional(), Length(max=30)])
    roles = MultiCheckboxField(_l("Roles"), choices=[(r.value, r.label) for r in Role])
    organisation = SelectField(_l("Organisation"), coerce=int, choices=[])
    area = SelectField(_l("RT/RW office (for RT/RW heads)"), coerce=int, choices=[])
    term_start = DateField(_l("Term start"), validators=[Optional()])


class ImportForm(Form):
    file = csv_file_field(_l("CSV file"))


class OfficeHeadForm(Form):
    user = SelectField(_l("New head"), coerce=int, choices=[])
    started_on = DateField(_l("Term starts on"), validators=[InputRequired(_l("Enter the start date."))])
