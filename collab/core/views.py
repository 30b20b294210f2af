"""The shape shared by the pages' small POST handlers: validate, act, commit once, flash, go back."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash
from flask_babel import gettext as _

from collab.core.errors import ValidationFailed
from collab.core.forms import apply_errors
from collab.extensions import db

T = TypeVar("T")


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


@dataclass(frozen=True)
class Done(Generic[T]):
    """A committed action and what it returned; always truthy, even when `value` is not."""

    value: T


def commit_or_errors(form, action: Callable[[], T]) -> Done[T] | None:
    """Run `action()` (the service call on a validated `form`) and commit once: return `Done`.
    If the service refuses the input with ValidationFailed, roll back, put its errors on the
    form's fields and return None, for the caller to render the form again. Any other error
    is not caught: the app's handler rolls back and answers it."""
    try:
        value = action()
    except ValidationFailed as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return None
    db.session.commit()
    return Done(value)
