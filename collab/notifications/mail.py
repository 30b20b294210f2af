"""Outgoing mail: the outbox table and its delivery over SMTP (or the console in development).

`queue_mail` adds a row in the caller's transaction; `deliver_due` sends what is due in its own
session (it runs after the commit and from the CLI jobs). A failure never reaches the person who
acted: the row stays pending with the error and a later `next_attempt_at` (exponential back-off),
and after MAIL_MAX_ATTEMPTS it is marked failed. Every failure is logged.
"""
from __future__ import annotations

import contextlib
import logging
import smtplib
import sys
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from collab.core.db import utcnow
from collab.extensions import db
from collab.notifications.models import OutboxStatus, OutgoingMail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


def queue_mail(user, subject: str, body: str) -> OutgoingMail | None:
    """Queue a mail to `user` (nothing for a person without an address or inactive)."""
    if not user.email or not user.active:
        return None
    subject = " ".join(subject.split())  # a header is one line: user text may carry line breaks
    if len(subject) > 200:
        subject = subject[:199] + "…"
    mail = OutgoingMail(user_id=user.id, to_address=user.email, subject=subject, body=body)
    db.session.add(mail)
    return mail


def _message(mail: OutgoingMail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="rembuk.local")
    msg.set_content(mail.body)
    return msg


class _Transport:
    """One SMTP connection for a batch, opened on first use; the console in development."""

    def __init__(self, config):
        self.config = config
        self.smtp = None
        self.unreachable = False  # the last failure was the connection itself

    def send(self, msg: EmailMessage) -> None:
        if self.config["MAIL_BACKEND"] == "console":
            print(f"----- mail (MAIL_BACKEND=console) -----\n{msg}", file=sys.stdout, flush=True)
            return
        if self.smtp is None:
            self.unreachable = True
            self.smtp = smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"],
                                     timeout=self.config.get("MAIL_TIMEOUT", 10))
            if self.config.get("MAIL_USE_TLS"):
                self.smtp.starttls()
            if self.config.get("MAIL_USERNAME"):
                self.smtp.login(self.config["MAIL_USERNAME"], self.config.get("MAIL_PASSWORD") or "")
            self.unreachable = False
        try:
            self.smtp.send_message(msg)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.unreachable = True
            raise

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()
            self.smtp = None


def deliver_due(ids: list[int] | None = None, limit: int = 500) -> dict[str, int]:
    """Send pending mail whose time has come (or only `ids`), in a session of its own so it can
    run after the action's commit. Rows are claimed one at a time with FOR UPDATE SKIP LOCKED
    (PostgreSQL), so the after-commit send and a cron job never send the same mail twice.
    Returns counts {"sent", "failed", "pending"}."""
    config = current_app.config
    counts = {"sent": 0, "failed": 0, "pending": 0}
    transport = _Transport(config)
    tried: list[int] = []
    try:
        with Session(db.engine, expire_on_commit=False) as session:
            for _ in range(limit):
                stmt = select(OutgoingMail).where(OutgoingMail.status == OutboxStatus.pending)
                stmt = stmt.where(OutgoingMail.id.in_(ids)) if ids is not None else stmt.where(
                    OutgoingMail.next_attempt_at <= utcnow())
                if tried:
                    stmt = stmt.where(OutgoingMail.id.not_in(tried))
                mail = session.scalars(stmt.order_by(OutgoingMail.id).limit(1)
                                       .with_for_update(skip_locked=True)).first()
                if mail is None:
                    break
                tried.append(mail.id)
                outcome = _attempt(mail, transport, config)
                counts[outcome] += 1
                session.commit()  # each mail's outcome is kept even if a later one breaks
                if outcome != "sent" and transport.unreachable:
                    break  # the server is down: the rest waits for the next run, not N timeouts
    finally:
        transport.close()
    return counts


def _attempt(mail: OutgoingMail, transport: _Transport, config) -> str:
    mail.attempts += 1
    try:
        message = _message(mail, config["MAIL_DEFAULT_SENDER"])
    except (ValueError, TypeError) as exc:  # a mail that cannot be built never will be: no retries
        mail.status, mail.last_error = OutboxStatus.failed, f"{type(exc).__name__}: {exc}"[:2000]
        log.error("mail %s to %s cannot be built: %s", mail.id, mail.to_address, mail.last_error)
        return "failed"
    try:
        transport.send(message)
    except (smtplib.SMTPException, OSError) as exc:
        transport.close()  # the connection is suspect after an error
        mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if mail.attempts >= (config.get("MAIL_MAX_ATTEMPTS") or MAX_ATTEMPTS):
            mail.status = OutboxStatus.failed
            log.error("mail %s to %s failed for good after %s attempts: %s", mail.id, mail.to_address,
                      mail.attempts, mail.last_error)
            return "failed"
        mail.next_attempt_at = utcnow() + timedelta(minutes=2 ** mail.attempts)
        log.warning("mail %s to %s not sent (attempt %s), will retry: %s", mail.id, mail.to_address,
                    mail.attempts, mail.last_error)
        return "pending"
    mail.status = OutboxStatus.sent
    mail.sent_at = utcnow()
    mail.last_error = ""
    return "sent"
