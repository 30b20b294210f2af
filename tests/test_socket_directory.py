"""The Redis socket directory that lets several processes share presence lists and logouts.

Two directories with different host ids stand for two server processes on one Redis."""
from __future__ import annotations

import os
import uuid

import pytest

from collab.core.sockets import RedisDirectory

pytestmark = pytest.mark.redis
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def hosts():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        pytest.skip(f"no Redis at {REDIS_URL}")
    channel = f"rembuk-test-{uuid.uuid4().hex}"
    a, b = RedisDirectory(REDIS_URL, channel, host_id="a"), RedisDirectory(REDIS_URL, channel, host_id="b")
    a._beating = b._beating = True  # no background heartbeats: the test plays the clock (writes still beat)
    yield a, b
    for key in a.redis.scan_iter(f"{channel}:*"):
        a.redis.delete(key)


def test_each_process_sees_the_people_on_the_other(hosts):
    a, b = hosts
    a.connected("/fgd", "sid-1", 1)
    a.joined("/fgd", 7, "sid-1", 1, "Siti")
    b.connected("/fgd", "sid-2", 2)
    b.joined("/fgd", 7, "sid-2", 2, "Agus")
    b.connected("/council", "sid-3", 2)

    assert a.in_room("/fgd", 7) == {"sid-1": (1, "Siti"), "sid-2": (2, "Agus")}
    assert b.in_room("/fgd", 7) == a.in_room("/fgd", 7)
    assert a.in_room("/programmes", 7) == {}  # rooms are per namespace
    assert a.sockets_of(2) == [("/council", "sid-3"), ("/fgd", "sid-2")]
    # nothing is kept for ever: the hashes expire a day after their last write
    assert 0 < a.redis.ttl(a._key("room", "/fgd", 7)) <= RedisDirectory.KEEP
    assert 0 < a.redis.ttl(a._key("user", 2)) <= RedisDirectory.KEEP

    b.left("/fgd", 7, "sid-2")
    assert a.in_room("/fgd", 7) == {"sid-1": (1, "Siti")}
    a.gone("/fgd", "sid-1", 1, {7})
    assert b.in_room("/fgd", 7) == {} and b.sockets_of(1) == []


def test_a_process_that_died_silently_leaves_no_ghosts(hosts):
    """A killed process never runs its disconnect handlers; once its heartbeat key expires its
    entries stop counting and are swept on the next read."""
    a, b = hosts
    b.connected("/fgd", "sid-2", 2)
    b.joined("/fgd", 7, "sid-2", 2, "Agus")
    a.joined("/fgd", 7, "sid-1", 1, "Siti")
    b.redis.delete(b._key("host", "b"))  # what expiry does 30 s after b's last heartbeat

    assert a.in_room("/fgd", 7) == {"sid-1": (1, "Siti")}
    assert a.sockets_of(2) == []
    assert a.redis.hkeys(a._key("room", "/fgd", 7)) == ["sid-1"]  # swept, not only hidden
