"""What every Socket.IO namespace shares: handshake authentication, a per-process socket
registry that closes a person's sockets when they log out or are deactivated, a per-user rate
limit for socket events, and the event wrapper that answers through the acknowledgement.

A namespace module (e.g. `collab/fgd/events.py`) does:

    registry = SocketRegistry("/fgd")

    @socketio.on("connect", namespace="/fgd")
    def on_connect(auth=None):
        user, token = authenticate(auth)          # raises ConnectionRefusedError
        registry.add(request.sid, user, token)

    @socket_event(registry, "send", load=services.get_session)
    def on_send(user, fgd, data): ...

Acknowledgements are `{"ok": true, ...}` or `{"ok": false, "code": ..., "message": ...}`;
messages are in the user's language (the handshake request carries the locale).
"""
from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable

from flask import current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_socketio import ConnectionRefusedError
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import select

from collab.core.after_commit import on_commit
from collab.core.errors import DomainError
from collab.extensions import db, socketio
from collab.signals import user_deactivated, user_logged_out

log = logging.getLogger(__name__)


def refuse(code: str, message) -> dict:
    return {"ok": False, "code": code, "message": str(message)}


def authenticate(auth) -> tuple:
    """The connecting user from `auth={"token": "rmb_..."}` or the session cookie, with the
    cookie's session token (None for API tokens). Refuses the connection otherwise."""
    from collab.accounts.models import User

    user, session_token = None, None
    token = auth.get("token") if isinstance(auth, dict) else None
    if token:
        from collab.accounts.services import user_for_api_token

        user = user_for_api_token(str(token))
    elif session.get("_user_id"):
        session_token = session.get("_user_id")
        user = db.session.scalar(select(User).where(User.session_token == session_token))
    if user is None or not user.active:
        db.session.rollback()
        raise ConnectionRefusedError({"code": "unauthenticated", "message": str(_l("Please log in first."))})
    return user, session_token


class SocketRegistry:
    """sid -> {user_id, token, rooms, name} for one namespace, in this process.

    Other processes enforce logouts on the next event (`current_user` re-checks the token);
    a shared registry in Redis would let any process close them at once (left for later)."""

    _all: list[SocketRegistry] = []

    def __init__(self, namespace: str):
        self.namespace = namespace
        self.lock = threading.Lock()
        self.sockets: dict[str, dict] = {}
        SocketRegistry._all.append(self)

    def add(self, sid, user, session_token) -> dict:
        entry = {"user_id": user.id, "token": session_token, "rooms": set(), "name": user.name}
        with self.lock:
            self.sockets[sid] = entry
        return entry

    def drop(self, sid):
        with self.lock:
            return self.sockets.pop(sid, None)

    def get(self, sid):
        return self.sockets.get(sid)

    def sids_of(self, user_id) -> list[str]:
        with self.lock:
            return [sid for sid, s in self.sockets.items() if s["user_id"] == user_id]

    def present(self, room_key) -> dict[int, str]:
        with self.lock:
            return {s["user_id"]: s["name"] for s in self.sockets.values() if room_key in s["rooms"]}

    def current_user(self):
        """The socket's user, still active and (for cookies) still logged in; else disconnect."""
        from collab.accounts.models import User

        entry = self.get(request.sid)
        user = db.session.get(User, entry["user_id"]) if entry else None
        if user is None or not user.active or (entry["token"] is not None and user.session_token != entry["token"]):
            socketio.server.disconnect(request.sid, namespace=self.namespace)
            return None
        return user

    def disconnect_user(self, user_id: int) -> None:
        for sid in self.sids_of(user_id):
            try:
                socketio.server.disconnect(sid, namespace=self.namespace)
            except Exception:  # the socket may be gone already
                log.debug("disconnect of %s failed", sid)
            self.drop(sid)

    @classmethod
    def disconnect_everywhere(cls, user_id: int) -> None:
        for registry in cls._all:
            registry.disconnect_user(user_id)


@user_logged_out.connect
@user_deactivated.connect
def _on_user_gone(user, actor=None, **_):
    user_id = user.id
    on_commit(db.session, lambda: SocketRegistry.disconnect_everywhere(user_id))


class SocketRateLimit:
    """Per-user socket rate limit (Flask-Limiter never sees socket events), on the `limits`
    library that Flask-Limiter itself uses, in the same storage (RATELIMIT_STORAGE_URI: memory
    for one process, Redis when REDIS_URL is set, so several processes share one budget)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.limiters: dict[str, MovingWindowRateLimiter] = {}

    def _limiter(self) -> MovingWindowRateLimiter:
        uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        with self.lock:
            if uri not in self.limiters:
                self.limiters[uri] = MovingWindowRateLimiter(storage_from_string(uri))
            return self.limiters[uri]

    def allow(self, user_id: int, capacity: int, per_seconds: float) -> bool:
        return self._limiter().hit(RateLimitItemPerSecond(capacity, int(per_seconds)), "socket-events", str(user_id))

    def reset(self):
        with self.lock:
            for limiter_ in self.limiters.values():
                limiter_.storage.reset()


limiter = SocketRateLimit()


def socket_event(registry: SocketRegistry, event: str, load: Callable | None = None):
    """Register a client event on the registry's namespace: authenticate, rate-limit, load the
    target from `data` (e.g. `load=lambda data: get_session(data.get("session_id"))`), run
    `fn(user, target, data)`, commit, and answer through the acknowledgement. Domain errors are
    refused with their code and message; anything else is logged and answered politely."""

    def wrap(fn):
        @functools.wraps(fn)
        def run(data=None):
            user = registry.current_user()
            if user is None:
                db.session.rollback()
                return refuse("unauthenticated", _l("Please log in first."))
            capacity, per = current_app.config.get("SOCKET_RATE_LIMIT", (20, 10))
            if not limiter.allow(user.id, capacity, per):
                db.session.rollback()
                return refuse("rate_limited", _l("Too many messages at once. Wait a moment and try again."))
            data = data if isinstance(data, dict) else {}
            try:
                target = load(data) if load is not None else None
                result = fn(user, target, data)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                return refuse(exc.code, exc.message)
            except Exception:
                db.session.rollback()
                log.exception("socket event %s%s failed", registry.namespace, event)
                return refuse("error", _l("Something went wrong on our side. It has been logged; please try again."))
            return {"ok": True, **(result or {})}

        socketio.on_event(event, run, namespace=registry.namespace)
        return run

    return wrap
