"""Headers, CSRF, rate limits, error pages, sanitising, migrations, the audit log."""
from pathlib import Path

import pytest
from sqlalchemy import select

from collab.accounts.models import Role
from collab.core.audit import AuditLog, record
from collab.core.text import paragraphs
from collab.extensions import db
from tests.fixtures.factories import PASSWORD, create_user


def test_security_headers_on_every_page(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    for part in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert part in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"]


def test_session_cookie_flags(client, city):
    response = client.post("/login", data={"login": city.admin.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_config_sets_secure_cookies():
    from collab.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_csrf_is_enforced_when_on(app, city, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # tests run with it off
    client = app.test_client()
    response = client.post("/login", data={"login": city.admin.email, "password": PASSWORD})
    assert response.status_code == 302  # back to the form with "the form expired" message
    with client.session_transaction() as s:
        assert "_user_id" not in s  # refused: no token, not logged in
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    ok = client.post("/login", data={"login": city.admin.email, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"


def test_login_is_rate_limited_per_account(client, city):
    for _ in range(10):
        client.post("/login", data={"login": city.admin.email, "password": "wrong-password"})
    response = client.post("/login", data={"login": city.admin.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak" in response.get_data(as_text=True)


def test_a_hall_behind_one_address_logs_in_but_guessing_is_limited(client, city):
    """Forty people of an FGD hall log in through one Wi-Fi address; failed attempts from that
    address across accounts are limited (30 in 10 minutes)."""
    hall = [create_user(Role.rt_rw_head, name=f"Ketua RT {i}") for i in range(40)]
    db.session.commit()
    for person in hall:
        assert client.post("/login", data={"login": person.email, "password": PASSWORD}).status_code == 302
        client.post("/logout")
    for i in range(30):
        assert client.post("/login", data={"login": f"tebak{i}@contoh.id", "password": "salah"}).status_code == 200
    response = client.post("/login", data={"login": city.rt_head.email, "password": PASSWORD})
    assert response.status_code == 429


def test_unknown_page_is_a_translated_404_without_trace(client):
    response = client.get("/no/such/page")
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "Tidak ditemukan" in body and "Traceback" not in body


def test_api_404_is_json(client):
    response = client.get("/api/v1/organisations/999999")
    assert response.status_code == 404 and response.json["code"]


def test_english_is_available(client):
    client.post("/language", data={"locale": "en"})
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_user_text_is_escaped_and_sanitised():
    html = str(paragraphs('<script>alert(1)</script> lihat https://mojokertokota.go.id'))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://mojokertokota.go.id"' in html and "noopener" in html


def test_audit_log_is_append_only(city):
    entry = record(city.admin, "test.action", city.opd)
    db.session.commit()
    entry.action = "tampered"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.id == entry.id)) == "test.action"


def test_migrations_have_a_single_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    assert len(ScriptDirectory.from_config(cfg).get_heads()) == 1


def test_models_match_migrations(app):
    """`flask db check`: the schema built by the migrations equals the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from collab.core.db import include_in_autogenerate

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_in_autogenerate})
        diff = compare_metadata(ctx, db.metadata)
    assert diff == []
