"""Notifications: every route x role. Each person sees only their own notifications and settings;
somebody else's notification is 404 (its existence is not revealed)."""
from __future__ import annotations

from collab.extensions import db
from collab.notifications import services
from collab.notifications.models import Category
from tests.access_matrix import ROLES, Route, api_logged_in, logged_in

SETTINGS = {c.value: "digest" for c in Category}


def _mine(c):
    """A notification for whoever is logged in (the anonymous case gets the admin's)."""
    ids = {}
    for role in ROLES:
        user = c.by_role(role)
        if user is not None:
            ids[role] = services.notify([user], "proposal_submit", Category.proposals, params={"title": "Uji"})[0]
    db.session.commit()
    c.mine = ids
    return ids


def _theirs(c):
    """The RT head's notification, asked for by everyone."""
    return _mine(c)["rt_rw_head"].id


def _expect(ok, anon):
    return {**{r: ok for r in ROLES}, "anon": anon}


ROUTES = [
    Route("notifications.index", "GET", lambda c: "/notifications/", logged_in()),
    Route("notifications.read", "POST", lambda c: f"/notifications/{_theirs(c)}/read",
          {**_expect(404, 302), "rt_rw_head": 302}),
    Route("notifications.read_all", "POST", lambda c: "/notifications/read-all", logged_in(302)),
    Route("notifications.settings", "GET", lambda c: "/notifications/settings", logged_in()),
    Route("notifications.settings", "POST", lambda c: "/notifications/settings", logged_in(302),
          data=lambda c: SETTINGS),

    Route("api_notifications.Notifications", "GET", lambda c: "/api/v1/notifications/", api_logged_in()),
    Route("api_notifications.read", "POST", lambda c: f"/api/v1/notifications/{_theirs(c)}/read",
          {**_expect(404, 401), "rt_rw_head": 200}),
    Route("api_notifications.read_all", "POST", lambda c: "/api/v1/notifications/read-all", api_logged_in()),
    Route("api_notifications.Preferences", "GET", lambda c: "/api/v1/notifications/preferences", api_logged_in()),
    Route("api_notifications.Preferences", "PUT", lambda c: "/api/v1/notifications/preferences", api_logged_in(),
          json=True, data=lambda c: SETTINGS),
]
