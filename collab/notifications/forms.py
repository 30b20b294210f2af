"""The notification settings form: one e-mail choice per category."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import AnyOf

from collab.core.forms import Form
from collab.notifications.models import Category, MailMode

MODES = [m.value for m in MailMode]


class PreferencesForm(Form):
    """Fields are named after the categories (`proposals`, `fgd`, ...)."""

    def category_fields(self):
        return [(c, getattr(self, c.value)) for c in Category]


# WTForms' own "Not a valid choice." has no Indonesian: the choice is checked with our sentence
for _category in Category:
    setattr(PreferencesForm, _category.value,
            SelectField(_category.label, choices=[(m.value, m.label) for m in MailMode], validate_choice=False,
                        validators=[AnyOf(MODES, message=_l("Choose e-mail at once, daily digest or no e-mail."))]))
