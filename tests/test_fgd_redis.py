"""Two server processes share the room through Redis: a client on A receives what B stored.

The servers run as `python app.py` (HOST/PORT, DATABASE_URL on a shared SQLite file,
REDIS_URL on the local Redis). The clients speak Socket.IO v5 over a raw websocket
(simple-websocket), so the test needs nothing beyond the server's own dependencies.
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

SEED = """
import json
import os
from pathlib import Path
from flask_migrate import upgrade
from collab import create_app
from collab.extensions import db
app = create_app()
with app.app_context():
    upgrade(directory=str(Path('migrations')), revision='heads')
    from collab.accounts.services import create_api_token
    from tests.fixtures.factories import City
    from tests.fixtures.fgd import create_fgd
    city = City()
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], live=True)
    _, a = create_api_token(city.rt_head, 'a')
    _, b = create_api_token(city.rt_head2, 'b')
    _, admin = create_api_token(city.admin, 'admin')
    db.session.commit()
    Path(os.environ['SEED_OUT']).write_text(json.dumps({'session_id': fgd.id, 'token_a': a, 'token_b': b,
                                                 'token_admin': admin, 'user_a': city.rt_head.id,
                                                 'user_b': city.rt_head2.id}))
"""


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RawSocketIO:
    """Just enough of the Socket.IO v5 / Engine.IO v4 protocol over a websocket for this test."""

    def __init__(self, port: int, namespace: str, auth: dict):
        import simple_websocket

        self.ns = namespace
        self.ws = simple_websocket.Client.connect(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket")
        opening = self.ws.receive(timeout=30)
        assert opening and opening.startswith("0"), opening  # engine.io open
        self.ws.send(f"40{namespace},{json.dumps(auth)}")
        reply = self._next(timeout=30)
        assert reply.startswith(f"40{namespace},"), reply
        self.events: list[tuple[str, object]] = []
        self.acks: dict[int, object] = {}
        self.raw: list[str] = []  # other packets, e.g. the server's disconnect `41/fgd,`
        self._ack_id = 0

    def _next(self, timeout):
        while True:
            packet = self.ws.receive(timeout=timeout)
            if packet is None:
                raise TimeoutError
            if packet == "2":  # engine.io ping
                self.ws.send("3")
                continue
            return packet

    def pump(self, timeout=0.5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                packet = self._next(timeout=max(0.05, deadline - time.monotonic()))
            except TimeoutError:
                return
            prefix = f"4{{}}{self.ns},"
            if packet.startswith(prefix.format(2)):
                name, *args = json.loads(packet[len(prefix.format(2)):])
                self.events.append((name, args[0] if args else None))
            elif packet.startswith(prefix.format(3)):
                body = packet[len(prefix.format(3)):]
                i = body.index("[")
                self.acks[int(body[:i])] = json.loads(body[i:])[0]
            else:
                self.raw.append(packet)

    def call(self, event, data, timeout=30):
        self._ack_id += 1
        self.ws.send(f"42{self.ns},{self._ack_id}{json.dumps([event, data])}")
        deadline = time.monotonic() + timeout
        while self._ack_id not in self.acks and time.monotonic() < deadline:
            self.pump(0.2)
        return self.acks.get(self._ack_id)

    def close(self):
        self.ws.close()


@pytest.fixture(params=["threading", "gevent", "gunicorn"])
def two_servers(tmp_path, request):
    """Two server processes on one Redis: `python app.py` in threading or gevent mode, or
    gunicorn's gevent worker (the production command in the README)."""
    if not _redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    channel = f"rembuk-test-{uuid.uuid4().hex}"  # this test's own rooms and socket directory
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}", "REDIS_URL": REDIS_URL,
           "SOCKETIO_MESSAGE_QUEUE": REDIS_URL, "SECRET_KEY": "two-process-test",
           "SOCKETIO_CHANNEL": channel, "PYTHONPATH": str(ROOT),
           "SOCKETIO_ASYNC_MODE": "threading" if request.param == "threading" else "gevent"}
    seed_out = tmp_path / "seeded.json"
    seeded = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env={**env, "SEED_OUT": str(seed_out)},
                            capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    # a file, not stdout: the console mail backend prints the invitations from a background task,
    # and its output can land in the middle of a printed line
    data = json.loads(seed_out.read_text())
    procs, ports = [], []
    for _ in range(2):
        port = _free_port()
        if request.param == "gunicorn":  # the production command in the README
            command = [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}", "app:app"]
        else:
            command = [sys.executable, "app.py"]
        procs.append(subprocess.Popen(command, cwd=ROOT, env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        ports.append(port)
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        for port in ports:  # the mode really is the one asked for: only Werkzeug's server names itself
            server = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=30).headers.get("Server", "")
            assert ("Werkzeug" in server) == (request.param == "threading"), server
        yield ports, data
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{channel}:*"):
            client.delete(key)


@contextlib.contextmanager
def joined(two_servers):
    """A client on each process, both in the FGD room."""
    (port_a, port_b), data = two_servers
    sid = data["session_id"]
    on_a = RawSocketIO(port_a, "/fgd", {"token": data["token_a"], "session_id": sid})
    on_b = RawSocketIO(port_b, "/fgd", {"token": data["token_b"], "session_id": sid})
    try:
        assert on_a.call("join", {"session_id": sid, "last_seq": 0})["ok"]
        assert on_b.call("join", {"session_id": sid, "last_seq": 0})["ok"]
        yield on_a, on_b
    finally:
        on_a.close()
        on_b.close()


def test_message_sent_through_b_reaches_a_client_on_a(two_servers):
    sid = two_servers[1]["session_id"]
    with joined(two_servers) as (on_a, on_b):
        ack = on_b.call("send", {"session_id": sid, "body": "Lewat server B", "client_key": "redis-1"})
        assert ack["ok"], ack
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(n == "message" for n, _ in on_a.events):
            on_a.pump(0.3)
        messages = [payload for name, payload in on_a.events if name == "message"]
        assert [(m["seq"], m["body"]) for m in messages] == [(ack["seq"], "Lewat server B")]


def _wait_for(client: RawSocketIO, found, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found():
            return True
        client.pump(0.3)
    return found()


def test_presence_and_logouts_span_both_processes(two_servers):
    """The presence list on A names the person on B; deactivating A's person through B closes
    A's socket at once (the directory of sockets lives in Redis, the close travels the queue)."""
    (port_a, port_b), data = two_servers
    with joined(two_servers) as (on_a, on_b):
        def both_present():
            lists = [{p["user_id"] for p in payload["people"]} for name, payload in on_a.events if name == "presence"]
            return bool(lists) and lists[-1] == {data["user_a"], data["user_b"]}

        assert _wait_for(on_a, both_present), on_a.events

        request = urllib.request.Request(f"http://127.0.0.1:{port_b}/api/v1/users/{data['user_a']}/deactivate",
                                         method="POST", headers={"Authorization": f"Bearer {data['token_admin']}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
        closed = []

        def a_closed():
            try:
                on_a.pump(0.3)
            except Exception:  # the websocket itself went away
                closed.append("socket")
            return bool(closed) or any(p.startswith("41/fgd") for p in on_a.raw)

        assert _wait_for(on_b, a_closed), "A's socket stayed open after its person was deactivated through B"

        def only_b_present():
            lists = [{p["user_id"] for p in payload["people"]} for name, payload in on_b.events if name == "presence"]
            return bool(lists) and lists[-1] == {data["user_b"]}

        assert _wait_for(on_b, only_b_present), on_b.events
