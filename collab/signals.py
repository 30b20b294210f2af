"""Domain events (blinker). Services send them; realtime pushes and notifications subscribe.

Every signal's sender is the domain object; keyword arguments always include `actor`.
Subscribers must not commit: they queue side effects with `collab.core.after_commit.on_commit`.

- user_deactivated(user, actor): an account was deactivated (its sockets must close).
- user_logged_out(user, actor): a person logged out (their sockets must close).
"""
from blinker import Namespace

_signals = Namespace()

user_deactivated = _signals.signal("user-deactivated")
user_logged_out = _signals.signal("user-logged-out")
