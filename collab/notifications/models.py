"""Notifications: what a person was told (in-app), how they want to be told (preferences),
the outgoing mail queue (outbox) and what was already reminded.

A notification stores its `kind` and plain `params` (titles, names), not a rendered text:
it is rendered when read, in the reader's language.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.accounts.models import User
from collab.core.db import utcnow
from collab.extensions import db


def _enum(cls, length=12):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Category(enum.StrEnum):
    """What a notification is about; preferences are chosen per category."""

    proposals = "proposals"
    reviews = "reviews"
    fgd = "fgd"
    council = "council"
    programmes = "programmes"

    @property
    def label(self):
        return CATEGORY_LABELS[self]

    @property
    def hint(self):
        return CATEGORY_HINTS[self]


CATEGORY_LABELS = {
    Category.proposals: _l("My proposals"),
    Category.reviews: _l("Review requests"),
    Category.fgd: _l("FGD invitations, reminders and minutes"),
    Category.council: _l("Council sittings, votes and results"),
    Category.programmes: _l("Programmes: invitations, milestones and commitments"),
}
CATEGORY_HINTS = {
    Category.proposals: _l("State changes, comments and endorsements of proposals from your office."),
    Category.reviews: _l("Proposals assigned to your OPD for review."),
    Category.fgd: _l("Invitations, a reminder 24 hours before, published minutes."),
    Category.council: _l("Sittings convened, votes opened, decisions."),
    Category.programmes: _l("Invitations to programmes, milestones and commitments due or done."),
}


class MailMode(enum.StrEnum):
    """How e-mail is sent for a category (in-app notifications are always kept)."""

    immediate = "immediate"
    digest = "digest"
    off = "off"

    @property
    def label(self):
        return MODE_LABELS[self]


MODE_LABELS = {
    MailMode.immediate: _l("E-mail at once"),
    MailMode.digest: _l("Daily digest"),
    MailMode.off: _l("No e-mail"),
}


class MailState(enum.StrEnum):
    """A notification's e-mail: none, queued alone, waiting for the digest, or sent in one."""

    none = "none"
    queued = "queued"
    digest = "digest"
    digested = "digested"


class Notification(db.Model):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    category: Mapped[Category] = mapped_column(_enum(Category, 20))
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    object_type: Mapped[str] = mapped_column(String(30), default="")
    object_id: Mapped[int | None]
    url: Mapped[str] = mapped_column(String(300), default="")  # path inside the app
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    mail_state: Mapped[MailState] = mapped_column(_enum(MailState), default=MailState.none)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        db.Index("ix_notification_user_id_id", "user_id", "id"),
        db.Index("ix_notification_user_id_read_at", "user_id", "read_at"),
        db.Index("ix_notification_mail_state", "mail_state"),
    )

    @property
    def unread(self) -> bool:
        return self.read_at is None


class Preference(db.Model):
    """A person's e-mail choice for one category; a missing row means the role's default."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[Category] = mapped_column(_enum(Category, 20), primary_key=True)
    mode: Mapped[MailMode] = mapped_column(_enum(MailMode))


class OutboxStatus(enum.StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"  # gave up after MAIL_MAX_ATTEMPTS


class OutgoingMail(db.Model):
    """One e-mail to send. Written in the action's transaction, sent after the commit; a failure
    leaves it pending with `last_error` and a later `next_attempt_at` (retried by the CLI jobs)."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (db.Index("ix_outgoing_mail_status_next_attempt_at", "status", "next_attempt_at"),)


class ReminderSent(db.Model):
    """A reminder already given: running the reminder job twice reminds once. `due_key` is the
    date or time reminded about, so a rescheduled FGD or a moved due date is reminded again."""

    __tablename__ = "reminder_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    due_key: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("kind", "object_id", "user_id", "due_key"),)
