"""Delivery channels: how a notification reaches a person beyond the stored row.

A channel is any object with a `name` and `send(recipient, message)`; it is called inside the
action's transaction and must not do network I/O there: it queues its work with
`collab.core.after_commit.on_commit` (or an outbox row) so a rolled-back action tells nobody.
Channels are chosen by configuration, `NOTIFICATION_CHANNELS` (default `["in_app", "email"]`);
an entry is a built-in name or a dotted path `"package.module:ClassName"`, so a WhatsApp Business
or SMS gateway is plugged in without touching the domain code (see docs/notifications.md).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, select

from collab.core.after_commit import on_commit
from collab.extensions import db, socketio
from collab.notifications import messages
from collab.notifications.models import MailMode, MailState, Notification

NAMESPACE = "/notifications"
_MAIL_KEY = "rembuk_notification_mail_ids"


@dataclass
class Message:
    """One notification as the channels see it, already rendered in the recipient's language."""

    notification: Notification
    text: str  # the sentence, in the recipient's locale
    url: str  # absolute link to the object
    mail_mode: MailMode  # the recipient's e-mail choice for this category
    unread: int  # the recipient's unread count including this one


class Channel(Protocol):
    name: str

    def send(self, recipient, message: Message) -> None:
        """Deliver (or queue) `message` to `recipient` (a User). Never raises for delivery
        problems: queue the work after the commit and log failures there."""


def room(user_id: int) -> str:
    return f"user:{user_id}"


def payload(message: Message) -> dict:
    n = message.notification
    return {"unread": message.unread,
            "notification": {"id": n.id, "kind": n.kind, "category": n.category.value, "text": message.text,
                             "url": n.url, "created_at": n.created_at.isoformat()}}


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def push_unread(user) -> None:
    """After the commit, tell every open tab of this person the new unread count (a read in one
    tab or over the API clears the bell in the others)."""
    data, to = {"unread": unread_count(user)}, room(user.id)
    on_commit(db.session, lambda: socketio.emit("unread", data, to=to, namespace=NAMESPACE))


class InAppChannel:
    """The stored row is the in-app notification; this pushes it live to the person's sockets."""

    name = "in_app"

    def send(self, recipient, message: Message) -> None:
        data, to = payload(message), room(recipient.id)
        on_commit(db.session, lambda: socketio.emit("notification", data, to=to, namespace=NAMESPACE))


class EmailChannel:
    """E-mail by the person's choice: at once (an outbox row sent after the commit), in the daily
    digest (the row waits for `flask send-digest`), or not at all."""

    name = "email"

    def send(self, recipient, message: Message) -> None:
        from collab.notifications.mail import deliver_due, queue_mail

        n = message.notification
        if message.mail_mode == MailMode.off or not recipient.email:
            return
        if message.mail_mode == MailMode.digest:
            n.mail_state = MailState.digest
            return
        with force_locale(messages.locale_of(recipient)):
            subject = str(messages.SUBJECT) % {"text": message.text}
            body = render_template("notifications/mail.txt", text=message.text, url=message.url,
                                   settings_url=absolute("/notifications/settings"))
        mail = queue_mail(recipient, subject, body)
        if mail is None:
            return
        n.mail_state = MailState.queued
        db.session.flush()
        tx = db.session().get_transaction()
        held = db.session.info.get(_MAIL_KEY)
        if held is None or held[0] is not tx:  # one delivery run per transaction, after its commit
            held = db.session.info[_MAIL_KEY] = (tx, [])
            ids, app = held[1], current_app._get_current_object()

            def _deliver():
                with app.app_context():
                    deliver_due(ids=list(ids))

            def _after_commit():
                if not app.config.get("MAIL_SEND_AFTER_COMMIT", True):
                    return
                if app.config.get("MAIL_SEND_IN_BACKGROUND", True):  # the person's request never waits for SMTP
                    socketio.start_background_task(_deliver)
                else:
                    _deliver()

            on_commit(db.session, _after_commit)
        ids = held[1]
        ids.append(mail.id)


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


BUILTIN = {"in_app": InAppChannel, "email": EmailChannel}


def configured() -> list[Channel]:
    channels = []
    for entry in current_app.config.get("NOTIFICATION_CHANNELS", ["in_app", "email"]):
        if entry in BUILTIN:
            channels.append(BUILTIN[entry]())
        else:
            module, _, cls = entry.partition(":")
            channels.append(getattr(importlib.import_module(module), cls)())
    return channels
