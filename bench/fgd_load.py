"""Load test of one FGD live room: N python-socketio clients (asyncio, spread over P processes)
join one room; M messages per second are sent room-wide, round-robin over the clients; every
client should receive every message. Reports delivered/expected and the p50/p95/p99 latency from
the send call to each receipt. The send time travels in the message body; `time.perf_counter`
is CLOCK_MONOTONIC on Linux, the same clock in every process of the machine.

    # the real room (seeded by bench/seed_room.py, which writes the tokens)
    .venv/bin/python bench/fgd_load.py --url http://127.0.0.1:8200 --room bench/out/room.json -n 1000 -m 10
    # the bare echo room (bench/echo_app.py): same client, same events
    .venv/bin/python bench/fgd_load.py --url http://127.0.0.1:8100 -n 1000 -m 10

bench/fgd_compare.sh runs both; README "Performance" has the measured figures.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing as mp
import sys
import time
import uuid

import engineio
import socketio

NS = "/fgd"


class _InlineEngineIO(engineio.AsyncClient):
    """Handle each incoming packet in the reading task instead of a new asyncio task per packet
    (the library's default): the load generator then needs about half the CPU per message, which
    leaves more of the machine to the server under test. The server sees no difference."""

    async def _trigger_event(self, event, *args, **kwargs):
        if event == "message":
            kwargs["run_async"] = False
        return await super()._trigger_event(event, *args, **kwargs)


class BenchClient(socketio.AsyncClient):
    def _engineio_client_class(self):
        return _InlineEngineIO


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


class Worker:
    """One process: its share of the clients, and its share of the sends."""

    def __init__(self, args, index: int, run_id: str, session_id: int, tokens: list[str]):
        self.args, self.index, self.run_id = args, index, run_id
        self.session_id, self.tokens = session_id, tokens
        self.prefix = f"bench {run_id} "
        self.latencies: list[float] = []
        self.acks_ok = self.send_errors = self.disconnects = 0
        self.refusals: dict[str, int] = {}
        self.clients: list[BenchClient] = []
        self.done = False

    def on_message(self, payload):
        body = payload.get("body") or ""
        if body.startswith(self.prefix):  # not history, not another run
            self.latencies.append(time.perf_counter() - float(body.rsplit(" ", 1)[1]))

    def on_disconnect(self, *args):
        if not self.done:
            self.disconnects += 1

    def on_ack(self, answer):
        if answer and answer.get("ok"):
            self.acks_ok += 1
        else:
            code = (answer or {}).get("code", "none")
            self.refusals[code] = self.refusals.get(code, 0) + 1

    async def connect_one(self, token: str | None, gate: asyncio.Semaphore) -> None:
        async with gate:
            client = BenchClient(reconnection=False)
            client.on("message", self.on_message, namespace=NS)
            client.on("disconnect", self.on_disconnect, namespace=NS)
            auth = {"session_id": self.session_id} | ({"token": token} if token else {})
            await client.connect(self.args.url, auth=auth, namespaces=[NS], transports=["websocket"],
                                 wait_timeout=60)
            answer = await client.call("join", {"session_id": self.session_id, "last_seq": 10**9},
                                       namespace=NS, timeout=120)
            if not answer.get("ok"):
                raise RuntimeError(f"join refused: {answer}")
            self.clients.append(client)

    async def run(self, count: int, ready, start_at, total_clients) -> dict:
        a = self.args
        gate = asyncio.Semaphore(a.connect_concurrency)
        t0 = time.perf_counter()
        await asyncio.gather(*(self.connect_one(self.tokens[i % len(self.tokens)] if self.tokens else None, gate)
                               for i in range(count)))
        connect_s = time.perf_counter() - t0
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, ready.wait)  # everybody connected; the parent sets the start
        while start_at.value <= 0:
            await asyncio.sleep(0.01)
        start = start_at.value
        total = int(a.m * a.duration)
        behind = 0
        for i in range(self.index, total, a.procs):
            delay = start + i / a.m - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                behind += 1
            client = self.clients[(i // a.procs) % len(self.clients)]
            try:
                await client.emit("send", {"session_id": self.session_id, "client_key": f"{self.run_id}-{i}",
                                           "body": f"{self.prefix}{i} {time.perf_counter():.6f}"},
                                  namespace=NS, callback=self.on_ack)
            except Exception:  # a client the server dropped: counted, the run goes on
                self.send_errors += 1
        expected = total * len(self.clients)
        deadline = start + a.duration + a.drain
        while len(self.latencies) < expected and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        self.done = True
        await asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True)
        return {"latencies": self.latencies, "expected": expected, "acks_ok": self.acks_ok,
                "refused": self.refusals, "send_errors": self.send_errors, "disconnects": self.disconnects,
                "behind": behind, "connect_s": connect_s, "cpu_s": time.process_time()}


def _work(args, index, run_id, session_id, tokens, count, ready, start_at, results):
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
    logging.getLogger("socketio.client").setLevel(logging.CRITICAL)
    worker = Worker(args, index, run_id, session_id, tokens)
    results.put(asyncio.run(worker.run(count, ready, start_at, args.n)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8200")
    parser.add_argument("--room", help="JSON from bench/seed_room.py (session id and tokens); omit for the echo room")
    parser.add_argument("-n", type=int, default=100, help="clients")
    parser.add_argument("-m", type=float, default=10, help="messages per second, room-wide")
    parser.add_argument("--duration", type=float, default=30, help="seconds of sending")
    parser.add_argument("--procs", type=int, default=1,
                        help="client processes (more only helps with idle cores: they compete with the server)")
    parser.add_argument("--settle", type=float, default=5, help="seconds between the last join and the first send")
    parser.add_argument("--drain", type=float, default=30, help="seconds to wait for late deliveries")
    parser.add_argument("--connect-concurrency", type=int, default=25, help="per process")
    args = parser.parse_args()
    session_id, tokens = 1, []
    if args.room:
        with open(args.room) as fh:
            room = json.load(fh)
        session_id, tokens = room["session_id"], room["tokens"]
    run_id = uuid.uuid4().hex[:8]
    ctx = mp.get_context("spawn")
    ready, start_at, results = ctx.Barrier(args.procs + 1), ctx.Value("d", 0.0), ctx.Queue()
    procs = []
    for index in range(args.procs):
        share = tokens[index::args.procs] if tokens else []
        count = len(range(index, args.n, args.procs))
        p = ctx.Process(target=_work, args=(args, index, run_id, session_id, share, count, ready, start_at, results))
        p.start()
        procs.append(p)
    t0 = time.perf_counter()
    start_at.value = 0.0
    ready.wait(timeout=900)
    connect_s = time.perf_counter() - t0
    start_at.value = time.perf_counter() + args.settle
    parts = [results.get(timeout=args.settle + args.duration + args.drain + 120) for _ in procs]
    for p in procs:
        p.join()
    latencies = sorted(x for part in parts for x in part["latencies"])
    refused: dict[str, int] = {}
    for part in parts:
        for code, n in part["refused"].items():
            refused[code] = refused.get(code, 0) + n
    result = {
        "url": args.url, "clients": args.n, "procs": args.procs, "rate": args.m, "seconds": args.duration,
        "messages": int(args.m * args.duration), "delivered": len(latencies),
        "expected": sum(part["expected"] for part in parts),
        "acks_ok": sum(part["acks_ok"] for part in parts), "refused": refused,
        "p50_ms": round(1000 * percentile(latencies, 50), 1), "p95_ms": round(1000 * percentile(latencies, 95), 1),
        "p99_ms": round(1000 * percentile(latencies, 99), 1), "connect_s": round(connect_s, 1),
        "sends_behind_schedule": sum(part["behind"] for part in parts),
        "send_errors": sum(part["send_errors"] for part in parts),
        "disconnects": sum(part["disconnects"] for part in parts),
        "client_cpu_s": round(sum(part["cpu_s"] for part in parts), 1),
    }
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
