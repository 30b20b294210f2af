"""Similar-proposal lookup: the in-memory `SimilarityIndex`, kept in step with the database.

Each process holds one index per app. Before a query it re-indexes the proposals changed since
its last look (by `updated_at`) and rebuilds from scratch when the row count disagrees, so
several workers stay correct without talking to each other.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from collab import permissions as policy
from collab.extensions import db
from collab.proposals.models import Proposal
from collab.proposals.similarity import SimilarityIndex


@dataclass
class _Cache:
    index: SimilarityIndex = field(default_factory=SimilarityIndex)
    synced_at: datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def _cache() -> _Cache:
    return current_app.extensions.setdefault("proposal_similarity", _Cache())


def _body(problem: str | None, solution: str | None) -> str:
    return f"{problem or ''}\n{solution or ''}"


def _load(cache: _Cache, since: datetime | None) -> None:
    stmt = select(Proposal.id, Proposal.title, Proposal.problem, Proposal.solution, Proposal.updated_at)
    if since is not None:
        stmt = stmt.where(Proposal.updated_at >= since)
    for row in db.session.execute(stmt):
        cache.index.add(row.id, row.title, _body(row.problem, row.solution))
        if cache.synced_at is None or row.updated_at > cache.synced_at:
            cache.synced_at = row.updated_at


def sync() -> SimilarityIndex:
    cache = _cache()
    with cache.lock:
        _load(cache, cache.synced_at)
        if len(cache.index) != db.session.scalar(select(func.count(Proposal.id))):
            cache.index, cache.synced_at = SimilarityIndex(), None
            _load(cache, None)
    return cache.index


def similar_proposals(user, title: str, body: str = "", *, exclude: int | None = None,
                      limit: int = 5) -> list[tuple[Proposal, float]]:
    """Proposals that look like the same idea, best first, among those `user` may see."""
    if not (title or "").strip() and not (body or "").strip():
        return []
    hits = sync().query(title, body, limit=limit * 3, exclude=exclude)
    if not hits:
        return []
    by_id = {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_([k for k, _ in hits])))}
    out = [(by_id[k], score) for k, score in hits if k in by_id and policy.can_view_proposal(user, by_id[k])]
    return out[:limit]
