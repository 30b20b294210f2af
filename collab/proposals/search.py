"""Full-text search over proposals (title, problem, solution) with the database's own engine:
SQLite FTS5 (the `proposal_fts` table kept in sync by triggers) or PostgreSQL `to_tsvector`
(a GIN expression index). Both are created by the proposals migration.

`matching(stmt, q)` narrows a SELECT over Proposal to the rows that match every word of `q`
as a prefix ("sampah" finds "sampahnya"); callers do not know which engine answers.
"""
from __future__ import annotations

import re

from sqlalchemy import func, literal_column, select, text

from collab.extensions import db
from collab.proposals.models import Proposal

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


def terms(q: str | None) -> list[str]:
    """The words of a query, lower-cased; punctuation and operators are dropped so user input
    can never be parsed as FTS syntax."""
    return [w.lower() for w in _WORD.findall(q or "")][:MAX_TERMS]


def _pg_document():
    return func.to_tsvector(literal_column("'simple'::regconfig"),
                            func.coalesce(Proposal.title, "") + " " + func.coalesce(Proposal.problem, "")
                            + " " + func.coalesce(Proposal.solution, ""))


def matching(stmt, q: str | None):
    words = terms(q)
    if not words:
        return stmt
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        fts_query = " ".join(f'"{w}"*' for w in words)
        ids = select(literal_column("rowid")).select_from(text("proposal_fts")).where(
            text("proposal_fts MATCH :fts_query").bindparams(fts_query=fts_query))
        return stmt.where(Proposal.id.in_(ids))
    if dialect == "postgresql":
        ts_query = " & ".join(f"{w}:*" for w in words)
        return stmt.where(_pg_document().op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), ts_query)))
    like = [Proposal.title.ilike(f"%{w}%") | Proposal.problem.ilike(f"%{w}%") | Proposal.solution.ilike(f"%{w}%")
            for w in words]
    return stmt.where(*like)
