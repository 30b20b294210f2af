"""Notifications: in-app (live), e-mail (outbox, digest), reminders, share links. See docs/notifications.md."""
