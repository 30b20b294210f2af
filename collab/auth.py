"""Who is calling: session cookie (browser) or personal API token (Bearer)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from collab.accounts.models import User
from collab.extensions import db


def bearer_token(request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def init_app(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(session_token: str):
        user = db.session.scalar(select(User).where(User.session_token == session_token))
        return user if user is not None and user.active else None

    @login_manager.request_loader
    def _load_from_token(request):
        raw = bearer_token(request)
        if not raw:
            return None
        from collab.accounts.services import user_for_api_token

        return user_for_api_token(raw)
