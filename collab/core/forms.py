"""Form helpers shared by the domains."""
from __future__ import annotations

import flask_babel
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from collab.core.errors import ValidationFailed


def apply_errors(form, exc: ValidationFailed) -> None:
    """Put a service's field errors on the form fields (unknown fields go to the form top)."""
    for name, messages in exc.errors.items():
        field = getattr(form, name, None)
        target = field.errors if field is not None and hasattr(field, "errors") else form.form_errors
        if isinstance(target, tuple):
            target = list(target)
            field.errors = target
        for message in messages if isinstance(messages, list) else [messages]:
            target.append(str(message) if not isinstance(message, dict) else
                          _l("Line %(line)s: %(reason)s", line=message.get("line"), reason=message.get("reason")))


def csv_file_field(label):
    return FileField(label, validators=[FileRequired(_l("Choose a CSV file.")),
                                        FileAllowed(["csv", "txt"], _l("Upload a .csv file."))])


class _BabelTranslations:
    """WTForms' own messages ("This field is required.", "Not a valid choice.", ...) through our
    gettext catalogues: WTForms ships no Indonesian, so collab/core/wtforms_messages.py lists its
    messages for extraction and the foundation catalogue translates them."""

    def gettext(self, string):
        return flask_babel.gettext(string)

    def ngettext(self, singular, plural, n):
        # unformatted: WTForms fills in its own %(max)d etc. (flask_babel.ngettext would format
        # with only %(num)s and raise KeyError on them)
        return flask_babel.get_translations().ngettext(singular, plural, n)


_TRANSLATIONS = _BabelTranslations()


class Form(FlaskForm):
    """The base of every form: CSRF from Flask-WTF, WTForms' messages in the user's language."""

    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS
