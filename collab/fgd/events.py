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

import functools
import logging
import threading
import time

from flask import current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_socketio import ConnectionRefusedError, emit, join_room, leave_room
from sqlalchemy import select

from collab.accounts.models import User
from collab.core.after_commit import on_commit
from collab.core.errors import DomainError
from collab.extensions import db, socketio
from collab.fgd import services
from collab.fgd.models import FgdSession
from collab.signals import fgd_access_lost, fgd_room_event, user_deactivated, user_logged_out

NS = "/fgd"
log = logging.getLogger(__name__)


class _Registry:
    """sid -> (user id, session token or None for API tokens, joined session ids), per process.

    Other processes enforce logouts on the next event (the token check in `_user`); with Redis
    a shared registry would let any process close them at once (left for later)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sockets: dict[str, dict] = {}

    def add(self, sid, user_id, session_token):
        with self.lock:
            self.sockets[sid] = {"user_id": user_id, "token": session_token, "rooms": set(), "name": None}

    def drop(self, sid):
        with self.lock:
            return self.sockets.pop(sid, None)

    def get(self, sid):
        return self.sockets.get(sid)

    def sids_of(self, user_id) -> list[str]:
        with self.lock:
            return [sid for sid, s in self.sockets.items() if s["user_id"] == user_id]

    def present(self, session_id) -> dict[int, str]:
        with self.lock:
            return {s["user_id"]: s["name"] for s in self.sockets.values() if session_id in s["rooms"]}


registry = _Registry()


class TokenBucket:
    """Per-user socket rate limit (Flask-Limiter never sees socket events). In memory, per
    process: with several workers each allows the full rate (a Redis bucket would share it)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.buckets: dict[int, tuple[float, float]] = {}

    def allow(self, user_id: int, capacity: int, per_seconds: float) -> bool:
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(user_id, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * capacity / per_seconds)
            if tokens < 1:
                self.buckets[user_id] = (tokens, now)
                return False
            self.buckets[user_id] = (tokens - 1, now)
            return True

    def reset(self):
        with self.lock:
            self.buckets.clear()


limiter = TokenBucket()


def _refuse(code: str, message) -> dict:
    return {"ok": False, "code": code, "message": str(message)}


def _user_from_handshake(auth) -> tuple[User | None, str | None]:
    token = auth.get("token") if isinstance(auth, dict) else None
    if token:
        from collab.accounts.services import user_for_api_token

        user = user_for_api_token(str(token))
        return user, None
    session_token = session.get("_user_id")
    if not session_token:
        return None, None
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    return (user, session_token) if user is not None and user.active else (None, None)


@socketio.on("connect", namespace=NS)
def on_connect(auth=None):
    user, session_token = _user_from_handshake(auth)
    if user is None:
        db.session.rollback()
        raise ConnectionRefusedError({"code": "unauthenticated", "message": str(_l("Please log in first."))})
    session_id = auth.get("session_id") if isinstance(auth, dict) else None
    if session_id is not None:
        fgd = db.session.get(FgdSession, session_id) if isinstance(session_id, int) else None
        if fgd is None or not services.policy.can_join_fgd_room(user, fgd):
            db.session.rollback()
            raise ConnectionRefusedError({"code": "forbidden", "message": str(_l("You are not invited to this FGD."))})
    registry.add(request.sid, user.id, session_token)
    registry.get(request.sid)["name"] = user.name
    db.session.commit()  # API token use is recorded (last_used_at)


@socketio.on("disconnect", namespace=NS)
def on_disconnect(*args):
    entry = registry.drop(request.sid)
    if entry:
        for session_id in entry["rooms"]:
            _presence(session_id)


def _user() -> User | None:
    """The socket's user, still active and (for cookies) still logged in; else disconnect."""
    entry = registry.get(request.sid)
    user = db.session.get(User, entry["user_id"]) if entry else None
    if user is None or not user.active or (entry["token"] is not None and user.session_token != entry["token"]):
        socketio.server.disconnect(request.sid, namespace=NS)
        return None
    return user


def handler(event: str):
    """Wrap a client event: authenticate, rate-limit, run, commit, answer through the ack."""

    def wrap(fn):
        @functools.wraps(fn)
        def run(data=None):
            user = _user()
            if user is None:
                db.session.rollback()
                return _refuse("unauthenticated", _l("Please log in first."))
            capacity, per = current_app.config.get("SOCKET_RATE_LIMIT", (20, 10))
            if not limiter.allow(user.id, capacity, per):
                db.session.rollback()
                return _refuse("rate_limited", _l("Too many messages at once. Wait a moment and try again."))
            data = data if isinstance(data, dict) else {}
            try:
                fgd = services.get_session(data.get("session_id"))
                result = fn(user, fgd, data)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                return _refuse(exc.code, exc.message)
            except Exception:
                db.session.rollback()
                log.exception("socket event %s failed", event)
                return _refuse("error", _l("Something went wrong on our side. It has been logged; please try again."))
            return {"ok": True, **(result or {})}

        socketio.on_event(event, run, namespace=NS)
        return run

    return wrap


def _presence(session_id: int) -> None:
    people = registry.present(session_id)
    socketio.emit("presence", {"session_id": session_id,
                               "people": [{"user_id": uid, "name": name} for uid, name in sorted(people.items())]},
                  to=f"fgd:{session_id}", namespace=NS)


@handler("join")
def on_join(user, fgd, data):
    """{session_id, last_seq} -> the missed messages as `message` events, in order; the ack
    carries the room state (status, hands, polls, muted, whether the user facilitates)."""
    services.policy.require(services.policy.can_join_fgd_room(user, fgd), _l("You are not invited to this FGD."))
    last_seq = data.get("last_seq") if isinstance(data.get("last_seq"), int) else 0
    if fgd.status.value == "live" and not services.policy.can_manage_fgd(user, fgd):
        services.record_online_attendance(user, fgd)
    missed = services.messages_after(fgd, last_seq)
    join_room(fgd.room)
    registry.get(request.sid)["rooms"].add(fgd.id)
    for m in missed:
        emit("message", services.message_payload(m))
    state = {"status": fgd.status.value, "last_seq": fgd.last_seq,
             "facilitator": services.policy.can_manage_fgd(user, fgd),
             "muted": services.is_muted(fgd, user), "hands": services.hands_payload(fgd)["queue"],
             "polls": [services.poll_payload(p) for p in services.polls(fgd)]}
    on_commit(db.session, lambda: _presence(fgd.id))
    return state


@handler("leave")
def on_leave(user, fgd, data):
    leave_room(fgd.room)
    entry = registry.get(request.sid)
    if entry:
        entry["rooms"].discard(fgd.id)
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
    return {"poll_id": poll.id}


@handler("moderate")
def on_moderate(user, fgd, data):
    """Facilitators: {session_id, action: "hide", message_id, reason} | {"point", message_id,
    value} | {"action_item", message_id, title?} | {"mute"/"unmute", user_id} | {"close"}."""
    action = data.get("action")
    if action == "hide":
        services.hide_message(user, fgd, data.get("message_id"), str(data.get("reason") or ""))
    elif action == "point":
        services.mark_point(user, fgd, data.get("message_id"), bool(data.get("value", True)))
    elif action == "action_item":
        item = services.make_action_item(user, fgd, str(data.get("title") or ""), data.get("message_id"))
        return {"action_item_id": item.id}
    elif action in ("mute", "unmute"):
        target = db.session.get(User, data.get("user_id")) if isinstance(data.get("user_id"), int) else None
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


def _disconnect_user(user_id: int) -> None:
    for sid in registry.sids_of(user_id):
        try:
            socketio.server.disconnect(sid, namespace=NS)
        except Exception:  # the socket may be gone already
            log.debug("disconnect of %s failed", sid)
        registry.drop(sid)


@user_logged_out.connect
@user_deactivated.connect
def _on_user_gone(user, actor=None, **_):
    user_id = user.id
    on_commit(db.session, lambda: _disconnect_user(user_id))


@fgd_access_lost.connect
def _on_access_lost(fgd, actor=None, user=None, **_):
    user_id = user.id
    on_commit(db.session, lambda: _disconnect_user(user_id))
