"""Side effects that must only happen once the transaction is committed.

Socket emits and e-mails are queued during the request with `on_commit(fn)` and run by
`after_commit`; a rollback drops them, so a refused action never announces itself.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_KEY = "rembuk_after_commit"


def on_commit(session: Session, fn: Callable[[], None]) -> None:
    session.info.setdefault(_KEY, []).append(fn)


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    pending = session.info.pop(_KEY, [])
    for fn in pending:
        try:
            fn()
        except Exception:  # a failed side effect must never undo a committed action
            log.exception("after-commit callback failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous_transaction) -> None:
    session.info.pop(_KEY, None)
