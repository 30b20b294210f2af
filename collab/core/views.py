"""The shape shared by the pages' small POST handlers: validate, act, commit once, flash, go back."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask_babel import gettext as _

from collab.extensions import db


def flash_invalid(form) -> None:
    """Flash a refused form's field errors as one message (the page it came from shows no form errors)."""
    flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or _("Some values are invalid."), "error")


def form_action(form, action: Callable[[], object], success_message: str | Callable[[], str], back):
    """Validate `form`; if valid, run `action()` (the service call), commit and flash the success
    message (a callable when the message names what the action changed); if not, flash the errors.
    Either way return `back`, the response to the page the form was on. A domain error from
    `action` is not caught: the app's handler rolls back and answers it."""
    if form.validate_on_submit():
        action()
        db.session.commit()
        flash(success_message() if callable(success_message) else success_message, "success")
    else:
        flash_invalid(form)
    return back
