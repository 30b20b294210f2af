"""The access policy: the one place that answers "may this user do this to this object".

Predicates are `can_<verb>_<noun>(user, obj=None) -> bool`; templates ask them to hide a
button, services call `require(...)` to refuse with a reason (PermissionDenied -> 403).
`user` may be None or anonymous (the public).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from collab.accounts.models import Role
from collab.core.errors import PermissionDenied


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def has_role(user, *roles: Role) -> bool:
    return _authenticated(user) and user.has_role(*roles)


def is_admin(user) -> bool:
    return has_role(user, Role.admin)


def require(allowed: bool, message=None) -> None:
    """Refuse unless `allowed`; the message says why, in the reader's language."""
    if not allowed:
        raise PermissionDenied(message or _l("You are not allowed to do this."))


# -- foundation: secretariat tools ------------------------------------------------------------

def can_manage_organisations(user) -> bool:
    return is_admin(user)


def can_manage_areas(user) -> bool:
    return is_admin(user)


def can_manage_users(user) -> bool:
    return is_admin(user)


def can_manage_masterplan(user) -> bool:
    return is_admin(user)


def can_view_audit_log(user) -> bool:
    return is_admin(user)


def can_view_user(user, other) -> bool:
    """Admins see every account; everyone sees their own."""
    return _authenticated(user) and (user.is_admin or user.id == other.id)


def can_manage_api_tokens(user, owner) -> bool:
    """A person manages their own tokens only; nobody else can mint one for them."""
    return _authenticated(user) and user.id == owner.id


def can_use_api(user) -> bool:
    return _authenticated(user)
