"""Notification operations: tell people (from the signal subscribers and the reminder job),
read and mark them, choose how to be told, and send the daily digest.

`notify` only adds rows and queues delivery: it never commits and never sends in the request;
the caller's commit lets the channels deliver (collab.notifications.channels).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.accounts.models import Role, User
from collab.core.audit import record
from collab.core.db import utcnow
from collab.core.errors import NotFound, ValidationFailed
from collab.extensions import db
from collab.notifications import channels, messages
from collab.notifications.mail import queue_mail
from collab.notifications.models import Category, MailMode, MailState, Notification, Preference

C, M = Category, MailMode
MAX_ID = 2**31 - 1  # ids are INTEGER columns: a bigger number is simply not found

# E-mail defaults per role; a person with several roles gets the most immediate choice of them.
ROLE_DEFAULTS: dict[Role, dict[Category, MailMode]] = {
    Role.rt_rw_head: {C.proposals: M.immediate, C.fgd: M.immediate, C.council: M.immediate,
                      C.programmes: M.digest, C.reviews: M.digest},
    Role.opd_officer: {C.reviews: M.immediate, C.programmes: M.immediate, C.fgd: M.immediate,
                       C.proposals: M.digest, C.council: M.digest},
    Role.partner_rep: {C.programmes: M.immediate, C.fgd: M.immediate, C.proposals: M.digest,
                       C.reviews: M.digest, C.council: M.digest},
    Role.council_member: {C.council: M.immediate, C.fgd: M.immediate, C.proposals: M.digest,
                          C.reviews: M.digest, C.programmes: M.digest},
    Role.admin: {C.proposals: M.digest, C.reviews: M.digest, C.fgd: M.digest, C.council: M.digest,
                 C.programmes: M.digest},
}
_RANK = {M.immediate: 0, M.digest: 1, M.off: 2}


def default_mode(user, category: Category) -> MailMode:
    modes = [ROLE_DEFAULTS[r][category] for r in user.roles if r in ROLE_DEFAULTS]
    return min(modes, key=_RANK.__getitem__) if modes else M.digest


def preferences(user) -> dict[Category, MailMode]:
    """The person's e-mail choice per category: their own, else their roles' default."""
    chosen = {p.category: p.mode for p in db.session.scalars(select(Preference).where(Preference.user_id == user.id))}
    return {c: chosen.get(c, default_mode(user, c)) for c in Category}


def set_preferences(actor, user, modes: dict) -> dict[Category, MailMode]:
    """Save `user`'s e-mail choices ({category: mode}; values may be strings). Only the person
    themself may; an unknown category or mode is refused (422) and nothing is saved."""
    policy.require(policy.can_manage_notification_settings(actor, user),
                   _l("You can only change your own notification settings."))
    errors, clean = {}, {}
    for key, value in (modes or {}).items():
        if key not in Category.__members__:
            errors[str(key)] = [_l("Unknown notification category.")]
        elif value not in MailMode.__members__:
            errors[str(key)] = [_l("Choose e-mail at once, daily digest or no e-mail.")]
        else:
            clean[Category(key)] = MailMode(value)
    if errors:
        raise ValidationFailed(_l("Some settings are not valid."), errors=errors)
    current = {p.category: p for p in db.session.scalars(select(Preference).where(Preference.user_id == user.id))}
    for category, mode in clean.items():
        if category in current:
            current[category].mode = mode
        else:
            db.session.add(Preference(user_id=user.id, category=category, mode=mode))
    db.session.flush()
    record(actor, "notifications.preferences", user, **{c.value: m.value for c, m in clean.items()})
    return preferences(user)


def notify(recipients: Iterable[User | None], kind: str, category: Category, *, actor=None, target=None,
           url: str = "", params: dict | None = None) -> list[Notification]:
    """Tell each recipient (deduplicated; inactive accounts and the actor themself are skipped).
    Adds the rows and hands each to the configured channels, which deliver after the commit."""
    actor_id = getattr(actor, "id", None)
    people, seen = [], set()
    for user in recipients:
        if user is None or user.id in seen or user.id == actor_id or not user.active:
            continue
        seen.add(user.id)
        people.append(user)
    if not people:
        return []
    params = {k: _short("" if v is None else str(v)) for k, v in (params or {}).items()}
    if actor is not None:
        params.setdefault("actor", actor.name)
    rows = [Notification(user_id=u.id, category=category, kind=kind, actor_id=actor_id,
                         object_type=type(target).__name__.lower() if target is not None else "",
                         object_id=getattr(target, "id", None), url=url, params=params) for u in people]
    db.session.add_all(rows)
    db.session.flush()
    ids = [u.id for u in people]
    unread = dict(db.session.execute(select(Notification.user_id, func.count()).where(
        Notification.user_id.in_(ids), Notification.read_at.is_(None)).group_by(Notification.user_id)).all())
    chosen = {(p.user_id, p.category): p.mode for p in db.session.scalars(
        select(Preference).where(Preference.user_id.in_(ids), Preference.category == category))}
    active = channels.configured()
    for user, row in zip(people, rows, strict=True):
        message = channels.Message(notification=row, text=messages.render_for(user, kind, params),
                                   url=channels.absolute(url or "/notifications/"),
                                   mail_mode=chosen.get((user.id, category), default_mode(user, category)),
                                   unread=unread.get(user.id, 0))
        for channel in active:
            channel.send(user, message)
    return rows


def _short(value: str, limit: int = 500) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "…"


# -- reading ------------------------------------------------------------------------------------

def list_for(user, unread_only: bool = False, page: int = 1, per_page: int = 20):
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return db.paginate(stmt.order_by(Notification.id.desc()), page=page, per_page=per_page, error_out=False)


def unread_count(user) -> int:
    return channels.unread_count(user)


def get_notification(actor, notification_id) -> Notification:
    """A notification of the actor's own; anyone else's is 'not found' (no probing)."""
    valid = type(notification_id) is int and 0 < notification_id <= MAX_ID  # not True, not past the column
    n = db.session.get(Notification, notification_id) if valid else None
    if n is None or not policy.can_read_notification(actor, n):
        raise NotFound(_l("No such notification."))
    return n


def mark_read(actor, notification: Notification) -> Notification:
    policy.require(policy.can_read_notification(actor, notification))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
        channels.push_unread(actor)
    return notification


def mark_all_read(actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    policy.require(policy.can_read_notifications(actor), _l("Please log in first."))
    result = db.session.execute(update(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)).values(read_at=utcnow())
        .execution_options(synchronize_session=False))
    db.session.flush()
    if result.rowcount:
        channels.push_unread(actor)
    return result.rowcount or 0


def text_of(notification: Notification) -> str:
    """The notification's sentence in the current locale (the reader's)."""
    return messages.render(notification.kind, notification.params or {})


# -- the daily digest -----------------------------------------------------------------------------

def send_digests() -> int:
    """One mail per person with everything waiting for the digest, in their language; those
    notifications are then marked digested (running it again sends nothing new). Returns the
    number of mails queued; the caller commits and delivers."""
    rows = db.session.scalars(select(Notification).where(Notification.mail_state == MailState.digest)
                              .options(selectinload(Notification.user)).order_by(Notification.user_id,
                                                                                 Notification.id)).all()
    per_user: dict[int, list[Notification]] = defaultdict(list)
    for n in rows:
        per_user[n.user_id].append(n)
    queued = 0
    for items in per_user.values():
        user = items[0].user
        with force_locale(messages.locale_of(user)):
            lines = [{"text": messages.render(n.kind, n.params or {}), "url": channels.absolute(n.url or "/"),
                      "category": n.category.label} for n in items]
            subject = str(messages.DIGEST_SUBJECT) % {"n": len(items)}
            body = render_template("notifications/digest.txt", user=user, lines=lines,
                                   settings_url=channels.absolute("/notifications/settings"))
        if queue_mail(user, subject, body) is not None:
            queued += 1
        for n in items:
            n.mail_state = MailState.digested
    db.session.flush()
    return queued
