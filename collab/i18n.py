"""Language and formatting: Indonesian by default, English available."""
from __future__ import annotations

from decimal import Decimal

from flask import current_app, has_request_context, session
from flask_babel import format_date, format_decimal, format_percent, format_time, to_user_timezone
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


def when(value) -> str:
    """One way to show a moment everywhere, in the city's time zone, without seconds:
    "24 Nov 2026 09.00" (id), "Nov 24, 2026 9:00 AM" (en)."""
    if value is None:
        return "–"
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"


def span(start, end) -> str:
    """A meeting's time: "24 Nov 2026 09.00–11.00" on one day, both moments in full otherwise."""
    if start is None or end is None:
        return when(start or end)
    if to_user_timezone(start).date() == to_user_timezone(end).date():
        return f"{when(start)}–{format_time(end, 'short')}"
    return f"{when(start)} – {when(end)}"


def rupiah(value) -> str:
    """Rp 1.250.000 (id) or Rp 1,250,000 (en): whole Rupiah, grouping by locale."""
    if value is None:
        return "–"
    return "Rp\u00a0" + format_decimal(Decimal(value).quantize(Decimal(1)), format="#,##0")


def percent(value) -> str:
    return "–" if value is None else format_percent(value / 100, format="#,##0.##%")
