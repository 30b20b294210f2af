"""What every Socket.IO namespace shares: handshake authentication, a socket registry (who is
connected, who sits in which room: in Redis when several processes share a message queue) that
closes a person's sockets when they log out or are deactivated, a per-user rate limit for socket
events, and the event wrapper that answers through the acknowledgement.

A namespace module (e.g. `collab/fgd/events.py`) does:

    registry = SocketRegistry("/fgd")

    @socketio.on("connect", namespace="/fgd")
    def on_connect(auth=None):
        user, token = authenticate(auth)          # raises ConnectionRefusedError
        registry.add(request.sid, user, token)

    @socketio.on("disconnect", namespace="/fgd")
    def on_disconnect(*args):
        registry.drop(request.sid)

    @socket_event(registry, "send", load=services.get_session)
    def on_send(user, fgd, data): ...

Acknowledgements are `{"ok": true, ...}` or `{"ok": false, "code": ..., "message": ...}`;
messages are in the user's language (the handshake request carries the locale).
"""
from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
import uuid
import weakref
from collections.abc import Callable

from flask import current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_socketio import ConnectionRefusedError, join_room, leave_room
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


class LocalDirectory:
    """Who is connected and who sits in which room, for one process (the embedded setup)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rooms: dict[tuple[str, object], dict[str, tuple[int, str]]] = {}
        self.users: dict[int, set[tuple[str, str]]] = {}

    def connected(self, ns: str, sid: str, user_id: int) -> None:
        with self.lock:
            self.users.setdefault(user_id, set()).add((ns, sid))

    def gone(self, ns: str, sid: str, user_id: int, room_keys) -> None:
        with self.lock:
            self.users.get(user_id, set()).discard((ns, sid))
            for key in room_keys:
                self.rooms.get((ns, key), {}).pop(sid, None)

    def joined(self, ns: str, room_key, sid: str, user_id: int, name: str) -> None:
        with self.lock:
            self.rooms.setdefault((ns, room_key), {})[sid] = (user_id, name)

    def left(self, ns: str, room_key, sid: str) -> None:
        with self.lock:
            self.rooms.get((ns, room_key), {}).pop(sid, None)

    def in_room(self, ns: str, room_key) -> dict[str, tuple[int, str]]:
        with self.lock:
            return dict(self.rooms.get((ns, room_key), {}))

    def sockets_of(self, user_id: int) -> list[tuple[str, str]]:
        with self.lock:
            return sorted(self.users.get(user_id, ()))


class RedisDirectory:
    """The same, shared by every process on one Redis (`SOCKETIO_MESSAGE_QUEUE`), so presence lists
    show the people on every process and a logout closes sockets held by any of them.

    Each entry names the process (host id) holding the socket; a process refreshes its own
    `host:<id>` key every `HEARTBEAT` seconds, so the entries of a process that died without
    saying goodbye disappear once its key expires (3 heartbeats)."""

    HEARTBEAT = 10
    KEEP = 24 * 3600  # a room's or person's hash outlives its last write by a day, then Redis drops it

    def __init__(self, url: str, channel: str = "rembuk", host_id: str | None = None):
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = f"{channel}:sockets:"
        self.host = host_id or uuid.uuid4().hex
        self._beating = False
        self._lock = threading.Lock()

    def _key(self, *parts) -> str:
        return self.prefix + ":".join(str(p) for p in parts)

    def beat(self, pipe=None) -> None:
        (pipe or self.redis).set(self._key("host", self.host), "1", ex=3 * self.HEARTBEAT)

    def _keep_beating(self) -> None:
        """Start this process's heartbeat once (a failed beat is retried on the next round)."""
        with self._lock:
            if self._beating:
                return
            self._beating = True

        def run():
            while True:
                with contextlib.suppress(Exception):  # Redis away for a moment: try again next beat
                    self.beat()
                socketio.sleep(self.HEARTBEAT)

        socketio.start_background_task(run)

    def _write(self, key: str, field: str, value: str) -> None:
        """One entry, with the host key refreshed in the same round trip (so an entry is never
        written by a host that readers would take for dead) and the hash's expiry pushed on."""
        self._keep_beating()
        pipe = self.redis.pipeline()
        self.beat(pipe)
        pipe.hset(key, field, value)
        pipe.expire(key, self.KEEP)
        pipe.execute()

    def connected(self, ns: str, sid: str, user_id: int) -> None:
        self._write(self._key("user", user_id), f"{ns} {sid}", self.host)

    def gone(self, ns: str, sid: str, user_id: int, room_keys) -> None:
        pipe = self.redis.pipeline()
        pipe.hdel(self._key("user", user_id), f"{ns} {sid}")
        for key in room_keys:
            pipe.hdel(self._key("room", ns, key), sid)
        pipe.execute()

    def joined(self, ns: str, room_key, sid: str, user_id: int, name: str) -> None:
        self._write(self._key("room", ns, room_key), sid, json.dumps([user_id, name, self.host]))

    def left(self, ns: str, room_key, sid: str) -> None:
        self.redis.hdel(self._key("room", ns, room_key), sid)

    def _alive(self, hosts: set[str]) -> set[str]:
        hosts = sorted(hosts)
        flags = self.redis.mget([self._key("host", h) for h in hosts]) if hosts else []
        return {h for h, flag in zip(hosts, flags, strict=True) if flag}

    def in_room(self, ns: str, room_key) -> dict[str, tuple[int, str]]:
        key = self._key("room", ns, room_key)
        entries = {sid: json.loads(raw) for sid, raw in self.redis.hgetall(key).items()}
        alive = self._alive({host for _, _, host in entries.values()})
        dead = [sid for sid, (_, _, host) in entries.items() if host not in alive]
        if dead:
            self.redis.hdel(key, *dead)
        return {sid: (uid, name) for sid, (uid, name, host) in entries.items() if host in alive}

    def sockets_of(self, user_id: int) -> list[tuple[str, str]]:
        key = self._key("user", user_id)
        entries = self.redis.hgetall(key)
        alive = self._alive(set(entries.values()))
        dead = [k for k, host in entries.items() if host not in alive]
        if dead:
            self.redis.hdel(key, *dead)
        return sorted(tuple(k.split(" ", 1)) for k, host in entries.items() if host in alive)


_directories: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def init_app(app) -> None:
    """Give the app's Socket.IO server its directory: shared in Redis when a message queue joins
    several processes, in memory otherwise. Called by the app factory after `socketio.init_app`."""
    queue = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    use_redis = bool(queue) and str(queue).startswith(("redis://", "rediss://", "unix://"))
    _directories[socketio.server] = (RedisDirectory(queue, app.config["SOCKETIO_CHANNEL"]) if use_redis
                                     else LocalDirectory())


def directory() -> LocalDirectory | RedisDirectory:
    found = _directories.get(socketio.server)
    if found is None:  # a server made outside the app factory (never in the app itself)
        found = _directories[socketio.server] = LocalDirectory()
    return found


class SocketRegistry:
    """One namespace's sockets: this process keeps each socket's own entry (user, login token,
    rooms joined) to check every event against; the directory answers who is in a room and
    which sockets a person holds, across processes when there are several."""

    def __init__(self, namespace: str):
        self.namespace = namespace
        self.lock = threading.Lock()
        self.sockets: dict[str, dict] = {}

    def add(self, sid, user, session_token) -> dict:
        entry = {"user_id": user.id, "token": session_token, "rooms": set(), "name": user.name}
        with self.lock:
            self.sockets[sid] = entry
        directory().connected(self.namespace, sid, user.id)
        return entry

    def drop(self, sid):
        with self.lock:
            entry = self.sockets.pop(sid, None)
            rooms = set(entry["rooms"]) if entry else set()
        if entry:
            directory().gone(self.namespace, sid, entry["user_id"], rooms)
        return entry

    def get(self, sid):
        return self.sockets.get(sid)

    def join(self, room_key, room_name: str) -> None:
        """Put the current socket into a Socket.IO room and record it under `room_key`."""
        sid = request.sid
        join_room(room_name)
        with self.lock:
            entry = self.sockets.get(sid)
            if entry is None:  # disconnected meanwhile
                return
            entry["rooms"].add(room_key)
        directory().joined(self.namespace, room_key, sid, entry["user_id"], entry["name"])
        with self.lock:
            gone = sid not in self.sockets
        if gone:  # the disconnect ran while the entry was being written: take it back out
            directory().left(self.namespace, room_key, sid)

    def leave(self, room_key, room_name: str) -> None:
        leave_room(room_name)
        with self.lock:
            entry = self.sockets.get(request.sid)
            if entry:
                entry["rooms"].discard(room_key)
        directory().left(self.namespace, room_key, request.sid)

    def listeners(self, room_key) -> dict[str, int]:
        """sid -> user id of every socket in the room, on every process."""
        return {sid: uid for sid, (uid, _) in directory().in_room(self.namespace, room_key).items()}

    def present(self, room_key) -> dict[int, str]:
        """user id -> name of the people in the room, on every process."""
        return {uid: name for uid, name in directory().in_room(self.namespace, room_key).values()}

    def current_user(self):
        """The socket's user, still active and (for cookies) still logged in; else disconnect."""
        from collab.accounts.models import User

        entry = self.get(request.sid)
        user = db.session.get(User, entry["user_id"]) if entry else None
        if user is None or not user.active or (entry["token"] is not None and user.session_token != entry["token"]):
            socketio.server.disconnect(request.sid, namespace=self.namespace)
            return None
        return user

    def disconnect(self, sids) -> None:
        """Close these sockets of this namespace, wherever they are connected (the message queue
        carries the request to the process that holds them)."""
        for sid in sids:
            with contextlib.suppress(Exception):  # the socket may be gone already
                socketio.server.disconnect(sid, namespace=self.namespace)

    def disconnect_user(self, user_id: int) -> None:
        self.disconnect(sid for ns, sid in directory().sockets_of(user_id) if ns == self.namespace)


def disconnect_everywhere(user_id: int) -> None:
    """Close every socket of this person, in every namespace and process."""
    for ns, sid in directory().sockets_of(user_id):
        with contextlib.suppress(Exception):
            socketio.server.disconnect(sid, namespace=ns)


@user_logged_out.connect
@user_deactivated.connect
def _on_user_gone(user, actor=None, **_):
    user_id = user.id
    on_commit(db.session, lambda: disconnect_everywhere(user_id))


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
