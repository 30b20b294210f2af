"""The per-user socket rate limit (Flask-Limiter never sees socket events): one budget per person
across every process when the limits live in Redis."""
from __future__ import annotations

import os
import uuid

import pytest

from collab.core.sockets import SocketRateLimit

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def test_the_budget_refills_per_person(app, monkeypatch):
    limit = SocketRateLimit()
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "memory://")
    assert all(limit.allow(1, 3, 10) for _ in range(3))
    assert not limit.allow(1, 3, 10)  # the fourth within 10 s
    assert limit.allow(2, 3, 10)  # someone else has their own budget


@pytest.mark.redis
def test_two_processes_share_one_budget_through_redis(app, monkeypatch):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        pytest.skip(f"no Redis at {REDIS_URL}")
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", REDIS_URL)
    process_a, process_b = SocketRateLimit(), SocketRateLimit()  # each process has its own object
    person = int(uuid.uuid4().int % 10**9)  # a fresh key in the shared Redis
    allowed = [process_a.allow(person, 4, 10), process_b.allow(person, 4, 10),
               process_a.allow(person, 4, 10), process_b.allow(person, 4, 10)]
    assert allowed == [True] * 4
    assert not process_a.allow(person, 4, 10) and not process_b.allow(person, 4, 10)
