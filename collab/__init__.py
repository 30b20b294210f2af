"""Rembuk: the app factory, the one place that wires the application."""
from __future__ import annotations

import importlib
import logging

from flask import Flask
from werkzeug.routing import IntegerConverter

from collab.config import load_config

# Domain packages, in dependency order. Each may have models, views (`bp`), api (`blp`) and events.
DOMAINS = ["accounts", "areas", "orgs", "masterplan", "notifications", "proposals", "fgd", "council",
           "programmes", "reports", "home"]


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module.startswith(exc.name):
            raise
        return None


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: a number past the database's integer is simply not found (404)
    instead of overflowing the driver (a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(config: dict | type | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    app.url_map.converters["int"] = RowIdConverter
    load_config(app, config)
    logging.basicConfig(level=logging.INFO if not app.testing else logging.WARNING)

    import collab.core.audit  # noqa: F401  (registers the audit model)
    from collab.extensions import api, babel, csrf, db, limiter, login_manager, migrate, socketio
    for name in DOMAINS:
        _optional(f"collab.{name}.models")
        # Socket handlers must be registered on the SocketIO object before init_app.
        _optional(f"collab.{name}.events")

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)

    from collab import i18n
    from collab.i18n_catalogues import translation_directories

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)

    from collab import auth
    auth.init_app(app, login_manager)

    api.init_app(app, spec_kwargs={"info": {"description": "Rembuk JSON API. Authenticate with a personal "
                                             "token: `Authorization: Bearer rmb_...`."}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for name in DOMAINS:
        views = _optional(f"collab.{name}.views")
        if views is not None:
            app.register_blueprint(views.bp)
        api_module = _optional(f"collab.{name}.api")
        if api_module is not None:
            csrf.exempt(api_module.blp)  # session-authenticated API calls are CSRF-checked in collab.core.api
            api.register_blueprint(api_module.blp)

    # engine.io reads an empty list as "no origin check at all": same origin only (None) unless
    # origins are named, and never every origin
    origins = app.config.get("SOCKETIO_CORS_ALLOWED_ORIGINS") or []
    if isinstance(origins, str):
        origins = [o.strip() for o in origins.split(",") if o.strip()]
    if "*" in origins:
        raise RuntimeError("SOCKETIO_CORS_ALLOWED_ORIGINS names the allowed origins; '*' is never allowed.")
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        channel=app.config["SOCKETIO_CHANNEL"],
        cors_allowed_origins=origins or None,
        manage_session=False,
    )
    from collab.core import sockets
    sockets.init_app(app)  # the socket directory: in Redis when the message queue joins processes

    from collab import cli, errors, security, templating
    templating.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    return app
