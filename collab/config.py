"""Configuration classes. Nothing here reads the environment at import time:
`load_config` is called by the app factory and applies environment overrides."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


class Config:
    """Safe defaults for the embedded, one-process deployment."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # filled by load_config (instance/rembuk.db)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SECRET_KEY: str | None = None  # from SECRET_KEY or instance/secret_key
    REDIS_URL: str | None = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # valid for the session: a long FGD must not expire forms

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    # An FGD hall logs in from one Wi-Fi address: the address may make many attempts but few
    # failed ones. Every attempt counts before it runs (parallel guesses cannot slip through);
    # the failures-only limit is counted after the answer, so it is the softer second line.
    LOGIN_RATE_LIMIT_ADDRESS = "200 per 10 minutes"
    LOGIN_RATE_LIMIT_ADDRESS_FAILED = "30 per 10 minutes"
    LOGIN_RATE_LIMIT_ACCOUNT = "10 per 10 minutes"

    # OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024
    ARGON2_PARALLELISM = 1

    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    CSV_MAX_BYTES = 2 * 1024 * 1024
    UPLOAD_MAX_BYTES = 8 * 1024 * 1024
    UPLOAD_FOLDER: str | None = None  # instance/uploads
    ONE_TIME_LINK_HOURS = 72
    PAGE_SIZE = 20

    SOCKETIO_ASYNC_MODE = "threading"
    SOCKETIO_MESSAGE_QUEUE: str | None = None
    # the Redis channel (and key prefix of the socket directory): deployments sharing one Redis
    # (e.g. staging and production) need different names, or they hear each other's rooms
    SOCKETIO_CHANNEL = "rembuk"
    SOCKETIO_CORS_ALLOWED_ORIGINS: list[str] = []  # same origin only unless configured
    SOCKET_RATE_LIMIT = (20, 10)  # events per seconds, per user

    API_TITLE = "Rembuk API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    MAIL_SERVER = "localhost"
    MAIL_PORT = 8025
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Rembuk <noreply@rembuk.local>"
    MAIL_BACKEND = "console"  # console | smtp
    MAIL_TIMEOUT = 10  # seconds per SMTP connection; a hung server must not hold a request
    MAIL_MAX_ATTEMPTS = 6  # then the outbox row is marked failed (back-off 2, 4, 8, ... minutes)
    MAIL_SEND_IN_BACKGROUND = True  # after the commit, in a background task: no request waits for SMTP
    NOTIFICATION_CHANNELS = ["in_app", "email"]  # built-in names or "package.module:Class" (docs/notifications.md)
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    CITY_NAME = "Kota Mojokerto"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    MAIL_BACKEND = "smtp"


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    MAIL_SEND_IN_BACKGROUND = False  # deterministic; tests/test_notifications.py covers the background path
    SERVER_NAME = "localhost"


_ENV_OVERRIDES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "REDIS_URL": "REDIS_URL",
    "SOCKETIO_MESSAGE_QUEUE": "SOCKETIO_MESSAGE_QUEUE",
    "SOCKETIO_ASYNC_MODE": "SOCKETIO_ASYNC_MODE",
    "SOCKETIO_CHANNEL": "SOCKETIO_CHANNEL",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER": "MAIL_DEFAULT_SENDER",
    "MAIL_BACKEND": "MAIL_BACKEND",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "COUNCIL_MAJORITY_RULES": "COUNCIL_MAJORITY_RULES",
    "NOTIFICATION_CHANNELS": "NOTIFICATION_CHANNELS",
    "PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    "UPLOAD_FOLDER": "UPLOAD_FOLDER",
}


def normalise_database_url(url: str) -> str:
    """Accept the `postgres://` and `postgresql://` forms hosting platforms hand out; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _instance_secret(instance_path: Path) -> str:
    """A secret key generated once and kept in instance/, so restarts keep sessions valid."""
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(app, config: dict | type | None = None) -> None:
    """Apply the config class, then the environment, then explicit overrides (tests)."""
    env_name = os.environ.get("REMBUK_ENV", "development")
    base = ProductionConfig if env_name == "production" else Config
    overrides: dict = {}
    if isinstance(config, type):
        base = config
    elif isinstance(config, dict):
        overrides = config
    app.config.from_object(base)
    for env_key, conf_key in _ENV_OVERRIDES.items():
        if os.environ.get(env_key):
            app.config[conf_key] = os.environ[env_key]
    app.config.update(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'rembuk.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(instance / "uploads")
    app.config["MAIL_PORT"] = int(app.config["MAIL_PORT"])
    if isinstance(app.config["MAIL_USE_TLS"], str):
        app.config["MAIL_USE_TLS"] = app.config["MAIL_USE_TLS"].strip().lower() in ("1", "true", "yes", "on")
    for key in ("NOTIFICATION_CHANNELS", "COUNCIL_MAJORITY_RULES"):  # comma-separated from the environment
        if isinstance(app.config.get(key), str):
            app.config[key] = [c.strip() for c in app.config[key].split(",") if c.strip()]
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url)
        if app.config["RATELIMIT_STORAGE_URI"] == "memory://":
            app.config["RATELIMIT_STORAGE_URI"] = redis_url
        if not app.config.get("SOCKETIO_MESSAGE_QUEUE"):
            app.config["SOCKETIO_MESSAGE_QUEUE"] = redis_url
