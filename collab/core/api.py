"""Shared pieces of the JSON API (`/api/v1`): auth checks, pagination, error schema."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from collab.core.errors import Unauthenticated


class ProblemSchema(Schema):
    code = fields.String(metadata={"description": "machine-readable code: forbidden, not_found, conflict, invalid, ..."})
    message = fields.String(metadata={"description": "human-readable reason, in the caller's language"})
    errors = fields.Dict(metadata={"description": "field -> messages, or rows for imports"})


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageMeta(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


def page_payload(pagination, items_key: str = "items") -> dict:
    return {items_key: pagination.items,
            "meta": {"page": pagination.page, "per_page": pagination.per_page,
                     "total": pagination.total, "pages": pagination.pages}}


class ApiBlueprint(Blueprint):
    """A flask-smorest Blueprint that documents the domain's refusals in one line."""

    def problems(self, *statuses: int, descriptions: dict[int, str] | None = None):
        """`@blp.problems(403, 409, 422)`: the same as one `@blp.alt_response(status, schema=ProblemSchema)`
        per status, stacked in that order; `descriptions` optionally names a status's meaning."""
        descriptions = descriptions or {}

        def decorator(func):
            for status in reversed(statuses):
                func = self.alt_response(status, schema=ProblemSchema, description=descriptions.get(status))(func)
            return func
        return decorator


def make_blueprint(name: str, import_name: str, url_prefix: str, description: str) -> ApiBlueprint:
    """A versioned API blueprint. Browser sessions may call it too, but then unsafe methods
    must carry the CSRF token (X-CSRFToken); token clients are exempt (no ambient credential)."""
    blp = ApiBlueprint(f"api_{name}", import_name, url_prefix=f"/api/v1{url_prefix}", description=description)

    @blp.before_request
    def _csrf_for_sessions():
        from collab.auth import bearer_token
        from collab.extensions import csrf

        if (request.method not in ("GET", "HEAD", "OPTIONS") and not bearer_token(request)
                and current_user.is_authenticated and current_app.config["WTF_CSRF_ENABLED"]):
            csrf.protect()

    return blp


def require_login() -> None:
    if not current_user.is_authenticated:
        raise Unauthenticated(_l("Authentication required: send a personal API token as a Bearer token."))


def actor():
    """The calling user, or None for the public."""
    return current_user if current_user.is_authenticated else None
