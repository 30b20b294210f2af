"""Test fixtures: one app per session on SQLite (or TEST_DATABASE_URL), schema from the
migrations, every table emptied after each test."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import event, text

from collab import create_app
from collab.config import TestConfig
from collab.extensions import db as _db
from collab.extensions import limiter

# every module in tests/fixtures/ is a fixture plugin (one per domain)
pytest_plugins = sorted(f"tests.fixtures.{p.stem}" for p in (Path(__file__).parent / "fixtures").glob("[!_]*.py"))

_TMP = Path(tempfile.mkdtemp(prefix="rembuk-tests-"))


def database_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"


def make_config(**overrides) -> dict:
    base = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    base.update(
        SQLALCHEMY_DATABASE_URI=database_url(),
        SECRET_KEY="test-secret-key-not-for-production",
        UPLOAD_FOLDER=str(_TMP / "uploads"),
        ARGON2_MEMORY_COST=1024, ARGON2_TIME_COST=1,  # speed; production defaults are tested separately
        RATELIMIT_STORAGE_URI="memory://",
    )
    base.update(overrides)
    return base


def reset_schema(app) -> None:
    """Drop everything and build the schema from the migrations (proves them on each engine)."""
    from flask_migrate import upgrade

    with app.app_context():
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # also removes tables the models no longer know
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        _db.drop_all()
        with _db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(directory=str(Path(__file__).parent.parent / "migrations"), revision="heads")


@pytest.fixture(scope="session")
def app():
    app = create_app(make_config())
    reset_schema(app)

    @app.before_request
    def _fresh_request_globals():
        # Tests keep an app context pushed, and Flask reuses it for requests, so `g` would carry
        # Flask-Login's cached user from one request to the next; real requests never share it.
        from flask import g

        g.pop("_login_user", None)

    return app


# PostgreSQL: DELETE plus restarting the sequences that moved is ten times faster than TRUNCATE
# on tables this small (TRUNCATE makes new files for every table: ~0.2 s per test, minutes per run)
_RESTART_USED_SEQUENCES = """DO $$ DECLARE s record; BEGIN
  FOR s IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', s.sequencename);
  END LOOP; END $$"""


def _empty_tables() -> None:
    """Every table emptied, children first, ids starting again at 1 (as on SQLite)."""
    with _db.engine.begin() as conn:
        for t in reversed(_db.metadata.sorted_tables):
            conn.execute(t.delete())
        if conn.dialect.name == "postgresql":
            conn.execute(text(_RESTART_USED_SEQUENCES))


@pytest.fixture(autouse=True)
def db(app):
    """The database, emptied after every test; an app context is pushed for the test."""
    with app.app_context():
        yield _db
        _db.session.remove()
        _empty_tables()
    limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(client):
    """Log the test client in as `user` (the real session mechanism, without the form)."""

    def _login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.session_token
            session["_fresh"] = True
        return user

    return _login


_MISSING = object()
_SERVER_PATCHES = ("_send_packet", "_send_eio_packet", "async_handlers")


@pytest.fixture(autouse=True)
def _socketio_server_restored(app):
    """Keep the Socket.IO server as the app made it, whatever a test does to it: Flask-SocketIO's
    test client patches the server's packet senders and never puts them back, and a second
    `create_app` replaces the server; either would leave the browser tests' real sockets deaf.
    Socket rate-limit buckets start empty for each test too."""
    from collab.core.sockets import limiter as socket_limiter
    from collab.extensions import socketio

    server = socketio.server
    saved = {k: server.__dict__.get(k, _MISSING) for k in _SERVER_PATCHES}
    saved_eio = server.eio.async_handlers
    socket_limiter.reset()
    yield
    socketio.server = server
    for key, value in saved.items():
        if value is _MISSING:
            server.__dict__.pop(key, None)
        else:
            setattr(server, key, value)
    server.eio.async_handlers = saved_eio
    socket_limiter.reset()


@pytest.fixture
def socket_client(app):
    """socket_client(namespace, user=None, **auth) -> a Flask-SocketIO test client connected to
    `namespace`, logged in with `user`'s session cookie (or by `auth`, e.g. token=...)."""
    from collab.extensions import socketio

    clients = []

    def _connect(namespace, user=None, **auth):
        flask_client = app.test_client()
        if user is not None:
            with flask_client.session_transaction() as session:
                session["_user_id"] = user.session_token
                session["_fresh"] = True
        sc = socketio.test_client(app, namespace=namespace, flask_test_client=flask_client, auth=auth or None)
        clients.append((sc, namespace))
        return sc

    yield _connect
    for sc, namespace in clients:
        if sc.is_connected(namespace):
            sc.disconnect(namespace=namespace)


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_queries(app):
    """Use as `with count_queries() as q: ...; assert q.count <= N`."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        counter = QueryCounter()
        engine = _db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return _count


def pytest_report_header(config):
    return f"database: {database_url().split('@')[-1]}"


# -- browser tests (real headless Chromium from Debian, driven by Playwright) -------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def live_server(app):
    """The app served on a free local port in a background thread; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context on a phone-sized screen; `page.base` is the server URL."""
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    page.base = live_server
    yield page
    context.close()


@pytest.fixture
def person(browser, live_server):
    """person(user) -> a page in its own phone-sized browser context, logged in as `user`.
    Confirmation dialogs are accepted; prompts (e.g. a reason to hide a message) get a reason."""
    from tests.fixtures.factories import PASSWORD

    contexts = []

    def _open(user):
        context = browser.new_context(viewport=PHONE, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.base = live_server
        page.on("dialog", lambda dialog: dialog.accept("Tidak relevan"))
        browser_login(page, user.email, PASSWORD)
        page.wait_for_selector("main h1")
        return page

    yield _open
    for context in contexts:
        context.close()


def browser_login(page, email, password):
    """Log in through the form and wait until the page after it has loaded: the login page has a
    `main h1` too, so waiting for that alone raced the redirect (a language switch made right
    after could land on the login page's session instead of the account)."""
    page.goto(page.base + "/login")
    page.fill("#login", email)
    page.fill("#password", password)
    with page.expect_navigation():  # the answer to the POST: the next page, or the form with its error
        page.click("form button[type=submit]")
