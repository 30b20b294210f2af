from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from collab.areas.models import AreaLevel
from collab.core.forms import Form, csv_file_field


class AreaForm(Form):
    code = StringField(_l("Code"), validators=[InputRequired(_l("Enter the code.")), Length(max=40)])
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter the name.")), Length(max=120)])
    level = SelectField(_l("Level"), choices=[(lv.value, lv.label) for lv in AreaLevel])


class AreaImportForm(Form):
    file = csv_file_field(_l("CSV file"))
