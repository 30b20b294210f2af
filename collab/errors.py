"""Turning errors into responses: JSON for the API, pages or flash messages for browsers,
always in the user's language, never a stack trace."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from collab.core.errors import DomainError
from collab.extensions import db
from collab.security import local_path

log = logging.getLogger(__name__)

TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Not possible now"),
    413: _l("File too large"),
    422: _l("Invalid input"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}
MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in first."),
    403: _l("You are not allowed to see this page or do this."),
    404: _l("The page or object you asked for does not exist, or you may not see it."),
    405: _l("This action is not available here."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Wait a few minutes and try again."),
    500: _l("Something went wrong on our side. It has been logged; please try again."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json" and not request.accept_mimetypes.accept_html)


def json_error(status: int, code: str, message, errors: dict | None = None):
    body = {"code": code, "message": str(message), "errors": _stringify(errors or {})}
    return jsonify(body), status


def _stringify(value):
    if isinstance(value, dict):
        return {str(k): _stringify(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stringify(v) for v in value]
    return value if isinstance(value, (int, float, bool, type(None))) else str(value)


def _answers_get(path: str) -> bool:
    try:
        current_app.url_map.bind(request.host).match(path, method="GET")
    except RequestRedirect:  # e.g. the missing trailing slash: the page is there
        return True
    except HTTPException:  # 404, or 405: a form's POST-only address
        return False
    return True


def safe_back(default: str | None = None) -> str:
    """The referring page if it is ours, for redirect-after-refusal. A form refused with errors is
    shown again at its POST-only address (e.g. `/programmes/4/milestones`); going "back" there
    would be a 405, so the nearest page above it that can be shown is used (`/programmes/4`)."""
    ref = request.referrer or ""
    parts = urlsplit(ref)
    if ref and parts.netloc == request.host and local_path(parts.path):
        path, query = parts.path, parts.query
        while path not in ("", "/") and not _answers_get(path):
            path, query = path.rstrip("/").rsplit("/", 1)[0] or "/", ""
        if path != request.path and _answers_get(path):
            return path + (f"?{query}" if query else "")
    return default or url_for("home.index")


def error_page(status: int, message=None):
    return render_template("errors/error.html", status=status, title=TITLES.get(status, TITLES[500]),
                           message=message or MESSAGES.get(status, MESSAGES[500])), status


def init_app(app) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        db.session.rollback()
        if wants_json():
            return json_error(exc.status, exc.code, exc.message, exc.errors)
        if exc.status in (403, 404) or request.method == "GET":
            return error_page(exc.status, exc.message)
        flash(str(exc.message), "error")
        return redirect(safe_back())

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        db.session.rollback()
        message = _("The form expired or was sent from elsewhere. Please try again.")
        if wants_json():
            return json_error(400, "csrf", message)
        flash(message, "error")
        return redirect(safe_back())

    @app.errorhandler(RateLimitExceeded)
    def _ratelimit(exc):
        db.session.rollback()
        if wants_json():
            return json_error(429, "rate_limited", MESSAGES[429])
        return error_page(429)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        db.session.rollback()
        status = exc.code or 500
        if wants_json():
            data = getattr(exc, "data", None) or {}
            messages = data.get("messages") if isinstance(data, dict) else None
            if status == 422 and messages:
                fields = {}
                for location in messages.values():
                    fields.update(location if isinstance(location, dict) else {"_": location})
                return json_error(422, "invalid", _("Some values are invalid."), fields)
            message = data.get("message") if isinstance(data, dict) and data.get("message") else None
            return json_error(status, exc.name.lower().replace(" ", "_"), message or MESSAGES.get(status, exc.description))
        return error_page(status)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return json_error(500, "server_error", MESSAGES[500])
        return error_page(500)
