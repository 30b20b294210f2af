"""Domain errors: raised by services, turned into responses by `collab.errors`.

Messages are lazy gettext strings so they are rendered in the reader's language.
"""
from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal a domain operation can give."""

    status = 400
    code = "domain_error"

    def __init__(self, message, *, errors: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.errors = errors or {}


class Unauthenticated(DomainError):
    """No valid credentials were sent (HTTP 401)."""

    status = 401
    code = "unauthenticated"


class PermissionDenied(DomainError):
    """The actor may not do this (HTTP 403)."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """The object does not exist or is not visible to the actor (HTTP 404)."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The action is illegal in the object's current state (HTTP 409)."""

    status = 409
    code = "conflict"


class ValidationFailed(DomainError):
    """Input is well-formed but breaks a rule; `errors` maps field -> messages (HTTP 422)."""

    status = 422
    code = "invalid"
