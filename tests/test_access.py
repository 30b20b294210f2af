"""Every route x every role -> the expected status (the access matrix)."""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.access_matrix as matrix_pkg
from tests.access_matrix import ROLES


def _all_routes():
    routes = []
    for info in pkgutil.iter_modules(matrix_pkg.__path__):
        routes.extend(importlib.import_module(f"tests.access_matrix.{info.name}").ROUTES)
    return routes


ROUTES = _all_routes()
CASES = [(r, role) for r in ROUTES for role in ROLES]


@pytest.mark.parametrize("route,role", CASES, ids=[f"{r.method} {r.endpoint} as {role}" for r, role in CASES])
def test_access(route, role, city, client, login_as):
    user = city.by_role(role)
    if user is not None:
        login_as(user)
    if route.setup:
        route.setup(city)
    url = route.url(city)
    data = route.data(city) if route.data else None
    kwargs = {"json": data} if route.json else {"data": data}
    response = client.open(url, method=route.method, headers=route.headers, **kwargs)
    assert response.status_code == route.expect[role], response.get_data(as_text=True)[:500]


def test_every_route_is_in_the_matrix(app):
    covered = {(r.endpoint, r.method) for r in ROUTES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static",):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without an access-matrix row:\n" + "\n".join(sorted(missing))
