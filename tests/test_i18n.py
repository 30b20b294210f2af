"""Every user-facing string has an Indonesian translation, with the same placeholders."""
import re

import pytest
from babel.messages.pofile import read_po

from collab.i18n_catalogues import catalogues

PO_FILES = [(name, cat["dir"] / "id" / "LC_MESSAGES" / "messages.po") for name, cat in catalogues().items()
            if (cat["dir"] / "id" / "LC_MESSAGES" / "messages.po").exists()]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.mark.parametrize("name,path", PO_FILES, ids=[n for n, _ in PO_FILES])
def test_catalogue_is_complete(name, path):
    with path.open("rb") as f:
        catalog = read_po(f)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
        elif sorted(PLACEHOLDER.findall(ids[0])) != sorted(PLACEHOLDER.findall(strings[0])):
            problems.append(f"placeholders differ: {ids[0]!r}")
    assert not problems, "\n".join(problems)


def test_foundation_catalogue_exists():
    assert "foundation" in dict(PO_FILES)


def test_pages_render_in_indonesian_by_default(client):
    page = client.get("/masterplan/").get_data(as_text=True)
    assert 'lang="id"' in page and "Masuk" in page


def test_wtforms_own_messages_are_in_the_users_language(app):
    """WTForms ships no Indonesian: every form inherits collab.core.forms.Form, whose built-in
    messages come from our catalogue, in the language of the request."""
    from flask_babel import force_locale
    from werkzeug.datastructures import MultiDict
    from wtforms import IntegerField, SelectField
    from wtforms.validators import InputRequired

    from collab.core.forms import Form

    class Pick(Form):
        colour = SelectField(choices=[("red", "Red")])
        count = IntegerField(validators=[InputRequired()])

    def errors():
        form = Pick(formdata=MultiDict({"colour": "blue"}), meta={"csrf": False})
        form.validate()
        return form.errors

    with app.test_request_context("/"):
        assert errors() == {"colour": ["Pilihan tidak sah."], "count": ["Isian ini wajib diisi."]}
        with force_locale("en"):
            assert errors() == {"colour": ["Not a valid choice."], "count": ["This field is required."]}


def test_every_form_speaks_the_users_language(app):
    from flask_wtf import FlaskForm

    from collab.core.forms import Form

    loose = [f"{cls.__module__}.{cls.__name__}" for cls in _subclasses(FlaskForm)
             if cls is not Form and not issubclass(cls, Form) and cls.__module__.startswith("collab.")]
    assert loose == [], "inherit collab.core.forms.Form: " + ", ".join(loose)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
