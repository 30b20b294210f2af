"""Side effects that must only happen once the transaction is committed.

Socket emits and e-mails are queued during the request with `on_commit(fn)` and run by
`after_commit`; a rollback drops them, so a refused action never announces itself.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

log = logging.getLogger(__name__)
_KEY = "rembuk_after_commit"


def on_commit(session: Session, fn: Callable[[], None]) -> None:
    """Run `fn` after the outermost transaction commits; drop it if that transaction, or the
    savepoint it was queued in, rolls back."""
    if isinstance(session, scoped_session):
        session = session()
    if session.get_transaction() is None:  # so that a rollback before any SQL still drops it
        session.begin()
    session.info.setdefault(_KEY, []).append((session.get_nested_transaction(), fn))


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    if session.in_nested_transaction():  # a released SAVEPOINT: the real commit comes later
        return
    pending = session.info.pop(_KEY, [])
    for _savepoint, fn in pending:
        try:
            fn()
        except Exception:  # a failed side effect must never undo a committed action
            log.exception("after-commit callback failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_KEY, None)
        return
    session.info[_KEY] = [(savepoint, fn) for savepoint, fn in session.info.get(_KEY, [])
                          if not _within(savepoint, previous_transaction)]


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False
