"""The live room over Socket.IO (namespace `/fgd`, one room `fgd:<id>` per session).

The protocol is a contract, documented in docs/live-protocol.md. In short:

- `connect` authenticates with the Flask session cookie or `auth={"token": "rmb_..."}`; an
  optional `auth.session_id` is checked too. Refused connections raise ConnectionRefusedError.
- Client events answer through the acknowledgement: `{"ok": true, ...}` or
  `{"ok": false, "code": ..., "message": ...}`. Every event re-checks the user (a logged-out
  or deactivated account is disconnected) and the policy; sockets are not requests.
- Broadcasts are queued with `on_commit`: nothing reaches a room before its commit.
"""
from __future__ import annotations

import logging
import threading

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_socketio import ConnectionRefusedError, emit

from collab.accounts.models import User
from collab.core.after_commit import on_commit
from collab.core.sockets import SocketRegistry, authenticate, limiter, socket_event  # noqa: F401 (limiter: tests reset it)
from collab.extensions import db, socketio
from collab.fgd import services
from collab.fgd.models import FgdSession
from collab.signals import fgd_access_lost, fgd_room_event

NS = "/fgd"
log = logging.getLogger(__name__)
registry = SocketRegistry(NS)


@socketio.on("connect", namespace=NS)
def on_connect(auth=None):
    user, session_token = authenticate(auth)
    session_id = auth.get("session_id") if isinstance(auth, dict) else None
    if session_id is not None:
        fgd = db.session.get(FgdSession, session_id) if services.valid_id(session_id) else None
        if fgd is None or not services.policy.can_join_fgd_room(user, fgd):
            db.session.rollback()
            raise ConnectionRefusedError({"code": "forbidden", "message": str(_l("You are not invited to this FGD."))})
    registry.add(request.sid, user, session_token)
    db.session.commit()  # API token use is recorded (last_used_at)


@socketio.on("disconnect", namespace=NS)
def on_disconnect(*args):
    entry = registry.drop(request.sid)
    if entry:
        for session_id in entry["rooms"]:
            _presence(session_id)


def handler(event: str):
    return socket_event(registry, event, load=lambda data: services.get_session(data.get("session_id")))


def _emit_presence(session_id: int) -> None:
    people = registry.present(session_id)
    socketio.emit("presence", {"session_id": session_id,
                               "people": [{"user_id": uid, "name": name} for uid, name in sorted(people.items())]},
                  to=f"fgd:{session_id}", namespace=NS)


_presence_due: set[int] = set()
_presence_lock = threading.Lock()


def _presence(session_id: int) -> None:
    """Announce who is present, at most once per `FGD_PRESENCE_DELAY` seconds per room (default 1):
    changes meanwhile are folded into the one broadcast. Without this, N people joining cost N
    broadcasts of an N-long list to N sockets (bench/fgd_load.py: 1,000 joins took minutes)."""
    delay = current_app.config.get("FGD_PRESENCE_DELAY", 1.0)
    if not delay:
        _emit_presence(session_id)
        return
    with _presence_lock:
        if session_id in _presence_due:
            return
        _presence_due.add(session_id)

    def later():
        socketio.sleep(delay)
        with _presence_lock:
            _presence_due.discard(session_id)
        _emit_presence(session_id)

    socketio.start_background_task(later)


@handler("join")
def on_join(user, fgd, data):
    """{session_id, last_seq} -> the missed messages as `message` events, in order; the ack
    carries the room state (status, hands, polls, the user's own poll choices, muted, whether
    the user facilitates)."""
    services.policy.require(services.policy.can_join_fgd_room(user, fgd), _l("You are not invited to this FGD."))
    last_seq = data.get("last_seq")
    last_seq = last_seq if isinstance(last_seq, int) and 0 <= last_seq < 2**31 else 0  # no number a column can't hold
    if fgd.status.value == "live" and not services.policy.can_manage_fgd(user, fgd):
        services.record_online_attendance(user, fgd)
    missed = services.messages_after(fgd, last_seq)
    registry.join(fgd.id, fgd.room)
    for m in missed:
        emit("message", services.message_payload(m))
    state = {"status": fgd.status.value, "last_seq": fgd.last_seq,
             "facilitator": services.policy.can_manage_fgd(user, fgd),
             "muted": services.is_muted(fgd, user), "hands": services.hands_payload(fgd)["queue"],
             "polls": [services.poll_payload(p) for p in services.polls(fgd)],
             "my_votes": services.my_votes(fgd, user)}
    on_commit(db.session, lambda: _presence(fgd.id))
    return state


@handler("leave")
def on_leave(user, fgd, data):
    registry.leave(fgd.id, fgd.room)
    on_commit(db.session, lambda: _presence(fgd.id))


@handler("send")
def on_send(user, fgd, data):
    """{session_id, body, client_key, agenda_item_id?} -> ack {id, seq, duplicate}."""
    agenda = data.get("agenda_item_id")
    message, created = services.post_message(user, fgd, str(data.get("body") or ""), str(data.get("client_key") or ""),
                                             agenda if isinstance(agenda, int) else None)
    return {"id": message.id, "seq": message.seq, "duplicate": not created}


@handler("hand")
def on_hand(user, fgd, data):
    """{session_id, action: "raise" | "lower" | "next"}; "next" is for facilitators."""
    action = data.get("action")
    if action == "raise":
        services.raise_hand(user, fgd)
    elif action == "lower":
        services.lower_hand(user, fgd)
    elif action == "next":
        called = services.call_next_hand(user, fgd)
        return {"called": called.id if called else None}
    else:
        raise services.ValidationFailed(_l("Unknown action."))


@handler("poll")
def on_poll(user, fgd, data):
    """{session_id, action: "create", question, options} | {action: "vote", poll_id, option_id}
    | {action: "close", poll_id}."""
    action = data.get("action")
    if action == "create":
        options = data.get("options") if isinstance(data.get("options"), list) else []
        poll = services.create_poll(user, fgd, str(data.get("question") or ""), [str(o) for o in options])
    elif action == "vote":
        poll = services.vote(user, fgd, data.get("poll_id"), data.get("option_id"))
    elif action == "close":
        poll = services.close_poll(user, fgd, data.get("poll_id"))
    else:
        raise services.ValidationFailed(_l("Unknown action."))
    return {"poll_id": poll.id, **({"option_id": data.get("option_id")} if action == "vote" else {})}


@handler("moderate")
def on_moderate(user, fgd, data):
    """Facilitators: {session_id, action: "hide", message_id, reason} | {"point", message_id,
    value} | {"action_item", message_id, title?} -> {action_item_id} | {"proposal", message_id,
    dimension?} -> {proposal_id} | {"mute"/"unmute", user_id} | {"close"}."""
    action = data.get("action")
    if action == "hide":
        services.hide_message(user, fgd, data.get("message_id"), str(data.get("reason") or ""))
    elif action == "point":
        services.mark_point(user, fgd, data.get("message_id"), bool(data.get("value", True)))
    elif action == "action_item":
        item = services.make_action_item(user, fgd, str(data.get("title") or ""), data.get("message_id"))
        return {"action_item_id": item.id}
    elif action == "proposal":
        dimension = data.get("dimension") if isinstance(data.get("dimension"), str) else None
        link = services.make_proposal(user, fgd, data.get("message_id"), dimension)
        return {"proposal_id": link.proposal_id}
    elif action in ("mute", "unmute"):
        target = db.session.get(User, data.get("user_id")) if services.valid_id(data.get("user_id")) else None
        if target is None:
            raise services.NotFound(_l("No such person."))
        services.set_muted(user, fgd, target, action == "mute")
    elif action == "close":
        services.end_session(user, fgd)
    else:
        raise services.ValidationFailed(_l("Unknown action."))


# -- domain events -> the room, after the commit ----------------------------------------------------

@fgd_room_event.connect
def _broadcast(fgd, actor=None, event=None, payload=None, to_user=None, **_):
    room = f"fgd:{fgd.id}"
    on_commit(db.session, lambda: socketio.emit(event, payload, to=room, namespace=NS))


@fgd_access_lost.connect
def _on_access_lost(fgd, actor=None, user=None, **_):
    user_id = user.id
    on_commit(db.session, lambda: registry.disconnect_user(user_id))
