"""Live notifications over Socket.IO (namespace `/notifications`).

- `connect` authenticates (session cookie or `auth={"token": "rmb_..."}`) and joins the
  person's own room `user:<id>`; nothing else can be joined.
- Server event `notification`: `{"unread": n, "notification": {id, kind, category, text, url,
  created_at}}`, emitted only after the commit that created it; `text` is in the person's language.
- Server event `unread`: `{"unread": n}` after the person marked something read anywhere (another
  tab, the list page, the API), so every open bell shows the same count.
- Client event `read` `{"id": n}` or `{"all": true}` -> ack `{"ok": true, "unread": n}`.
"""
from __future__ import annotations

from flask import request
from flask_socketio import join_room

import collab.notifications.subscribers  # noqa: F401  (subscribes to the domain events)
from collab.core.sockets import SocketRegistry, authenticate, socket_event
from collab.extensions import db, socketio
from collab.notifications import services
from collab.notifications.channels import NAMESPACE, room

registry = SocketRegistry(NAMESPACE)


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth=None):
    user, session_token = authenticate(auth)
    registry.add(request.sid, user, session_token)
    join_room(room(user.id))
    db.session.commit()  # API token use is recorded (last_used_at)


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*args):
    registry.drop(request.sid)


@socket_event(registry, "read")
def on_read(user, _target, data):
    """{"id": n} marks one read, {"all": true} all of them; the ack carries the unread count."""
    if data.get("all") is True:
        services.mark_all_read(user)
    else:
        services.mark_read(user, services.get_notification(user, data.get("id")))
    return {"unread": services.unread_count(user)}
