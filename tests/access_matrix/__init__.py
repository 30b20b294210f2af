"""The access matrix: every route x every role -> expected status.

Each domain adds a module here with `ROUTES: list[Route]`; tests/test_access.py runs them all
and fails when a registered endpoint has no row.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ["anon", "admin", "rt_rw_head", "opd_officer", "partner_rep", "council_member"]


@dataclass
class Route:
    endpoint: str
    method: str
    url: Callable  # city -> str
    expect: dict[str, int]
    data: Callable | None = None  # city -> form/json dict
    json: bool = False
    setup: Callable | None = None  # city -> None, runs before the request
    headers: dict = field(default_factory=dict)

    def __post_init__(self):
        missing = set(ROLES) - set(self.expect)
        assert not missing, f"{self.endpoint}: no expectation for {missing}"


def public(ok=200) -> dict:
    return {r: ok for r in ROLES}


def logged_in(ok=200, anon=302) -> dict:
    return {r: (anon if r == "anon" else ok) for r in ROLES}


def only(roles, ok=200, other=403, anon=302) -> dict:
    roles = {roles} if isinstance(roles, str) else set(roles)
    return {r: anon if r == "anon" else (ok if r in roles else other) for r in ROLES}


def api_public(ok=200) -> dict:
    return public(ok)


def api_logged_in(ok=200) -> dict:
    return logged_in(ok, anon=401)


def api_only(roles, ok=200) -> dict:
    return only(roles, ok, other=403, anon=401)
