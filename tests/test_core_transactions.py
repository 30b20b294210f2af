"""Transactions as the domain operations rely on them: a savepoint is part of the outer
transaction (a rollback undoes it, on SQLite too), and side effects queued with `on_commit` run
once, after the outer commit, and only for work that was committed."""
from __future__ import annotations

from sqlalchemy import func, select

from collab.core.after_commit import on_commit
from collab.extensions import db
from collab.orgs.models import Organisation, OrgKind


def _orgs() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def test_a_released_savepoint_is_undone_by_the_outer_rollback(db):
    with db.session.begin_nested():
        db.session.add(Organisation(name="Dinas Savepoint", short_name="SVP", kind=OrgKind.opd))
    db.session.rollback()
    assert _orgs() == 0


def test_side_effects_wait_for_the_outer_commit(db):
    ran = []
    on_commit(db.session, lambda: ran.append("before"))
    with db.session.begin_nested():
        db.session.add(Organisation(name="Dinas Satu", short_name="SATU", kind=OrgKind.opd))
        on_commit(db.session, lambda: ran.append("inside"))
    assert ran == []  # releasing the savepoint is not the commit
    db.session.commit()
    assert ran == ["before", "inside"]


def test_a_rolled_back_savepoint_drops_only_its_own_side_effects(db):
    ran = []
    on_commit(db.session, lambda: ran.append("kept"))
    savepoint = db.session.begin_nested()
    on_commit(db.session, lambda: ran.append("dropped"))
    savepoint.rollback()
    db.session.commit()
    assert ran == ["kept"]


def test_an_outer_rollback_drops_every_side_effect(db):
    ran = []
    on_commit(db.session, lambda: ran.append("x"))
    db.session.rollback()
    db.session.commit()
    assert ran == []
