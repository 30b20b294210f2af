"""Jinja setup: filters for dates, numbers and Rupiah in the reader's locale; the policy and
the navigation as globals (templates ask the policy to hide what a user may not do)."""
from __future__ import annotations

from flask import url_for
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from collab import permissions
from collab.core.text import paragraphs
from collab.i18n import percent, rupiah, span, when

# Main navigation: shown when the domain's blueprint is registered.
NAV = [
    ("proposals.index", _l("Proposals")),
    ("fgd.index", _l("FGD")),
    ("council.index", _l("Council")),
    ("programmes.index", _l("Programmes")),
    ("reports.dashboard", _l("Dashboard")),
]


def init_app(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        date=lambda v, f="medium": format_date(v, f) if v else "–",
        datetime=when,
        span=span,
        number=lambda v: format_decimal(v) if v is not None else "–",
        rupiah=rupiah,
        percent=percent,
        paragraphs=paragraphs,
    )

    def nav_items():
        return [{"url": url_for(endpoint), "label": label} for endpoint, label in NAV
                if endpoint in app.view_functions]

    app.jinja_env.globals.update(policy=permissions, nav_items=nav_items)

    @app.context_processor
    def _context():
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"],
                "city_name": app.config["CITY_NAME"]}
