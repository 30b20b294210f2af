"""Language and formatting: Indonesian by default, English available."""
from __future__ import annotations

from decimal import Decimal

from flask import current_app, has_request_context, session
from flask_babel import format_decimal, format_percent
from flask_login import current_user


def select_locale() -> str:
    """The account's language, else the session's choice, else Indonesian. Outside a request
    (CLI, background jobs) the default; jobs that write to a person use `force_locale`."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def rupiah(value) -> str:
    """Rp 1.250.000 (id) or Rp 1,250,000 (en): whole Rupiah, grouping by locale."""
    if value is None:
        return "–"
    return "Rp\u00a0" + format_decimal(Decimal(value).quantize(Decimal(1)), format="#,##0")


def percent(value) -> str:
    return "–" if value is None else format_percent(value / 100, format="#,##0.##%")
