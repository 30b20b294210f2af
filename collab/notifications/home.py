"""The notifications part of the home page: the latest unread ones, if any."""
from __future__ import annotations

from collab.notifications import services

LATEST = 5


def home_context(user) -> dict | None:
    page = services.list_for(user, unread_only=True, per_page=LATEST)
    if not page.items:
        return None
    return {"items": page.items, "total": page.total, "texts": {n.id: services.text_of(n) for n in page.items}}
