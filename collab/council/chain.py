"""The tamper-evident vote record: an append-only hash chain over `VoteEvent`.

hash(n) = sha256(canonical JSON of event n's fields, including prev_hash = hash(n-1)); the
first event's prev_hash is 64 zeros. Writers lock the one-row `VoteChainHead` first (an UPDATE,
so PostgreSQL holds a row lock and SQLite the write lock until the commit); concurrent ballots
are appended one after the other and the chain cannot fork.

`verify()` walks the chain, recomputes every hash, and then replays it against the current
ballots and results, so a row changed behind the app's back — in the chain or in the tables it
certifies — is found and named.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from collab.core.db import utcnow
from collab.council.models import Ballot, SittingAgendaItem, VoteChainHead, VoteEvent
from collab.extensions import db

GENESIS = "0" * 64


def _stamp(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def compute_hash(*, seq, kind, sitting_id, proposal_id, user_id, data, at, prev_hash) -> str:
    body = json.dumps({"seq": seq, "kind": kind, "sitting_id": sitting_id, "proposal_id": proposal_id,
                       "user_id": user_id, "data": data, "at": _stamp(at), "prev_hash": prev_hash},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def lock_head() -> VoteChainHead:
    """Take the chain lock for this transaction (created on first use)."""
    touched = db.session.execute(update(VoteChainHead).where(VoteChainHead.id == 1)
                                 .values(seq=VoteChainHead.seq).execution_options(synchronize_session=False))
    if touched.rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(VoteChainHead(id=1, seq=0, hash=GENESIS))
        except IntegrityError:  # someone else created it a moment ago: wait for their lock
            db.session.execute(update(VoteChainHead).where(VoteChainHead.id == 1)
                               .values(seq=VoteChainHead.seq).execution_options(synchronize_session=False))
    return db.session.scalar(select(VoteChainHead).where(VoteChainHead.id == 1)
                             .execution_options(populate_existing=True))


def append(head: VoteChainHead, *, kind: str, sitting_id: int, proposal_id: int, user_id: int | None,
           data: dict) -> VoteEvent:
    """Append one event after `head` (which the caller locked with `lock_head`)."""
    seq, at = head.seq + 1, utcnow()
    digest = compute_hash(seq=seq, kind=kind, sitting_id=sitting_id, proposal_id=proposal_id, user_id=user_id,
                          data=data, at=at, prev_hash=head.hash)
    event = VoteEvent(seq=seq, kind=kind, sitting_id=sitting_id, proposal_id=proposal_id, user_id=user_id,
                      data=data, at=at, prev_hash=head.hash, hash=digest)
    db.session.add(event)
    head.seq, head.hash = seq, digest
    db.session.flush()
    return event


@dataclass
class Verification:
    ok: bool = True
    events: int = 0
    broken_seq: int | None = None
    problem: str = ""
    details: dict = field(default_factory=dict)

    def fail(self, seq, problem, **details):
        self.ok, self.broken_seq, self.problem, self.details = False, seq, problem, details
        return self


def verify() -> Verification:
    """Recompute the chain; the first broken link is named by its seq and the problem."""
    report = Verification()
    prev_hash, expected_seq = GENESIS, 1
    ballots: dict[tuple, tuple[str, str, int]] = {}
    results: dict[tuple, tuple[dict, int]] = {}
    stmt = select(VoteEvent).order_by(VoteEvent.seq).execution_options(yield_per=500)
    for ev in db.session.scalars(stmt):
        if ev.seq != expected_seq:
            return report.fail(expected_seq, "missing", found=ev.seq)
        if ev.prev_hash != prev_hash:
            return report.fail(ev.seq, "prev_hash")
        digest = compute_hash(seq=ev.seq, kind=ev.kind, sitting_id=ev.sitting_id, proposal_id=ev.proposal_id,
                              user_id=ev.user_id, data=ev.data, at=ev.at, prev_hash=ev.prev_hash)
        if digest != ev.hash:
            return report.fail(ev.seq, "hash")
        if ev.kind == "ballot":
            ballots[(ev.sitting_id, ev.proposal_id, ev.user_id)] = (ev.data.get("choice"), ev.data.get("reason", ""),
                                                                    ev.seq)
        elif ev.kind == "result":
            results[(ev.sitting_id, ev.proposal_id)] = (ev.data, ev.seq)
        prev_hash, expected_seq = ev.hash, expected_seq + 1
        report.events += 1
    head = db.session.get(VoteChainHead, 1)
    if report.events and (head is None or head.hash != prev_hash or head.seq != report.events):
        return report.fail(report.events, "head")
    # the tables the chain certifies must say what the chain says
    for b in db.session.scalars(select(Ballot).order_by(Ballot.id).execution_options(yield_per=500)):
        recorded = ballots.pop((b.sitting_id, b.proposal_id, b.user_id), None)
        if recorded is None or recorded[0] != b.choice.value or recorded[1] != b.reason:
            return report.fail(recorded[2] if recorded else None, "ballot", ballot_id=b.id)
    if ballots:
        key, (_, _, seq) = next(iter(ballots.items()))
        return report.fail(seq, "ballot_missing", sitting_id=key[0], proposal_id=key[1])
    for item in db.session.scalars(select(SittingAgendaItem).where(SittingAgendaItem.result.is_not(None)).order_by(SittingAgendaItem.id)):
        recorded = results.pop((item.sitting_id, item.proposal_id), None)
        if recorded is None or recorded[0] != result_data(item):
            return report.fail(recorded[1] if recorded else None, "result", agenda_item_id=item.id)
    if results:
        key, (_, seq) = next(iter(results.items()))
        return report.fail(seq, "result_missing", sitting_id=key[0], proposal_id=key[1])
    return report


def result_data(item: SittingAgendaItem) -> dict:
    return {"result": item.result.value if item.result else None, **item.counts}
