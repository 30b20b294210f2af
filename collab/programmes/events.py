"""The programme discussion channel over Socket.IO (namespace `/programmes`, one room
`programme:<id>` per programme). Contract: docs/programme-channel.md (the FGD live room's, without
hands, polls and moderation).

- `connect` authenticates with the session cookie or `auth={"token": "rmb_..."}`; an optional
  `auth.programme_id` is checked against the policy too.
- `join` {programme_id, last_seq} replays what the client missed, then the client gets live
  `message` events; `send` {programme_id, body, client_key} stores, then broadcasts after the commit.
- Every event re-checks the account and the policy; when an organisation leaves a programme the
  sockets of its people are closed after the commit.
"""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_socketio import ConnectionRefusedError, emit
from sqlalchemy import select

from collab import permissions as policy
from collab.accounts.models import User
from collab.core.after_commit import on_commit
from collab.core.errors import NotFound
from collab.core.sockets import SocketRegistry, authenticate, limiter, socket_event  # noqa: F401 (tests reset limiter)
from collab.extensions import db, socketio
from collab.programmes import services
from collab.programmes.models import Programme
from collab.signals import programme_member_left, programme_message_posted

NS = "/programmes"
registry = SocketRegistry(NS)


def room(programme_id: int) -> str:
    return f"programme:{programme_id}"


def _programme(data: dict) -> Programme:
    programme_id = data.get("programme_id")
    programme = db.session.get(Programme, programme_id) if isinstance(programme_id, int) else None
    if programme is None:
        raise NotFound(_l("No such programme."))
    return programme


def _require_member(user, programme) -> None:
    policy.require(policy.can_discuss_programme(user, programme), _l("Only members take part in the discussion."))


@socketio.on("connect", namespace=NS)
def on_connect(auth=None):
    user, session_token = authenticate(auth)
    programme_id = auth.get("programme_id") if isinstance(auth, dict) else None
    if programme_id is not None:
        programme = db.session.get(Programme, programme_id) if isinstance(programme_id, int) else None
        if programme is None or not policy.can_discuss_programme(user, programme):
            db.session.rollback()
            raise ConnectionRefusedError({"code": "forbidden",
                                          "message": str(_l("Only members take part in the discussion."))})
    registry.add(request.sid, user, session_token)
    db.session.commit()  # API token use is recorded (last_used_at)


@socketio.on("disconnect", namespace=NS)
def on_disconnect(*args):
    entry = registry.drop(request.sid)
    for programme_id in (entry or {}).get("rooms", ()):
        _presence(programme_id)


def _presence(programme_id: int) -> None:
    people = registry.present(programme_id)
    socketio.emit("presence", {"programme_id": programme_id,
                               "people": [{"user_id": uid, "name": name} for uid, name in sorted(people.items())]},
                  to=room(programme_id), namespace=NS)


def handler(event: str):
    return socket_event(registry, event, load=_programme)


@handler("join")
def on_join(user, programme, data):
    """{programme_id, last_seq} -> every message with seq > last_seq as a `message` event, in
    order, then the ack {last_seq}. Members only."""
    _require_member(user, programme)
    last_seq = data.get("last_seq")
    last_seq = last_seq if isinstance(last_seq, int) and 0 <= last_seq < 2**31 else 0  # no number a column can't hold
    missed = services.messages_after(programme, last_seq, limit=1000)
    registry.join(programme.id, room(programme.id))
    for message in missed:
        emit("message", services.message_payload(message))
    on_commit(db.session, lambda: _presence(programme.id))
    return {"last_seq": programme.last_seq}


@handler("leave")
def on_leave(user, programme, data):
    registry.leave(programme.id, room(programme.id))
    on_commit(db.session, lambda: _presence(programme.id))


@handler("send")
def on_send(user, programme, data):
    """{programme_id, body, client_key} -> ack {id, seq, duplicate}; a retried key is not broadcast again."""
    message, created = services.post_comment(user, programme, body=str(data.get("body") or ""),
                                             client_key=str(data.get("client_key") or ""))
    return {"id": message.id, "seq": message.seq, "duplicate": not created}


# -- domain events -> the room, after the commit ----------------------------------------------------

def _close_sockets(programme_id: int, user_ids: set[int]) -> None:
    """Disconnect the sockets of these people that joined the programme's room (any process)."""
    registry.disconnect(sid for sid, uid in registry.listeners(programme_id).items() if uid in user_ids)


@programme_message_posted.connect
def _broadcast(programme, actor=None, payload=None, **_):
    """Before a message goes out, drop listeners who lost access since they joined (e.g. moved to
    another organisation or lost a role: the accounts domain sends no signal for that)."""
    target, programme_id = room(programme.id), programme.id
    listening = set(registry.present(programme.id))
    users = db.session.scalars(select(User).where(User.id.in_(listening))).all() if listening else []
    gone = {u.id for u in users if not policy.can_discuss_programme(u, programme)} | (listening - {u.id for u in users})

    def send():
        if gone:
            _close_sockets(programme_id, gone)
        socketio.emit("message", payload, to=target, namespace=NS)
    on_commit(db.session, send)


@programme_member_left.connect
def _on_member_left(member, actor=None, **_):
    """Close the sockets of the leaving organisation's people that joined this programme's room."""
    programme_id, org_id = member.programme_id, member.organisation_id
    user_ids = set(db.session.scalars(select(User.id).where(User.organisation_id == org_id)))
    on_commit(db.session, lambda: _close_sockets(programme_id, user_ids))
