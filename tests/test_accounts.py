"""Accounts: login, logout ending the session, activation links, deactivation, office terms, tokens, CSV import."""
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from collab.accounts import services
from collab.accounts.models import OfficeTerm, Role, TokenPurpose, User
from collab.core.audit import AuditLog
from collab.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from collab.extensions import db
from tests.fixtures.factories import PASSWORD


def _login(client, login, password=PASSWORD):
    return client.post("/login", data={"login": login, "password": password})


def test_login_with_email_lands_home_and_is_audited(client, city):
    response = _login(client, city.rt_head.email.upper())
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert city.rt_head.name in page and "Kauman" in page
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "user.login", AuditLog.actor_id == city.rt_head.id))


def test_login_with_phone_in_local_format(client, city):
    city.rt_head.phone = services.normalise_phone("0812-3456-7890")
    db.session.commit()
    assert _login(client, "081234567890").status_code == 302


def test_wrong_password_stays_on_form_with_message(client, city):
    response = _login(client, city.rt_head.email, "nope-nope-nope")
    assert response.status_code == 200
    assert "tidak benar" in response.get_data(as_text=True)


def test_logout_kills_a_copied_cookie(app, client, city):
    _login(client, city.officer.email)
    stolen = app.test_client()
    cookie = client.get_cookie("session")
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/account").status_code == 200
    client.post("/logout")
    assert stolen.get("/account").status_code == 302  # the copied cookie no longer works


def test_deactivated_user_cannot_log_in_and_sessions_end(client, city, login_as):
    login_as(city.rt_head2)
    services.set_active(city.admin, db.session.get(User, city.rt_head2.id), False)
    db.session.commit()
    assert client.get("/account").status_code == 302
    assert _login(client, city.rt_head2.email).status_code == 200


def test_one_time_activation_link_sets_password_once(client, city):
    user = services.create_user(city.admin, name="Warga Baru", email="baru@example.org", roles={Role.council_member})
    raw = services.issue_one_time_link(city.admin, user, TokenPurpose.activation)
    db.session.commit()
    assert client.get(f"/activate/{raw}").status_code == 200
    short = client.post(f"/activate/{raw}", data={"password": "short", "confirm": "short"})
    assert "10" in short.get_data(as_text=True)
    ok = client.post(f"/activate/{raw}", data={"password": "a-long-password", "confirm": "a-long-password"})
    assert ok.status_code == 302
    assert client.get(f"/activate/{raw}").status_code == 404  # used
    assert _login(client, "baru@example.org", "a-long-password").status_code == 302


def test_new_link_voids_the_previous_one(city):
    first = services.issue_one_time_link(city.admin, city.rt_head, TokenPurpose.reset)
    services.issue_one_time_link(city.admin, city.rt_head, TokenPurpose.reset)
    with pytest.raises(NotFound):
        services.find_one_time_token(first)


def test_only_admin_creates_accounts(city):
    with pytest.raises(PermissionDenied):
        services.create_user(city.officer, name="X", email="x@example.org", roles={Role.admin})


def test_account_validation_messages(city):
    with pytest.raises(ValidationFailed) as exc:
        services.create_user(city.admin, name="", email="not-an-email", roles={Role.opd_officer})
    assert set(exc.value.errors) >= {"name", "email", "organisation"}
    assert db.session.scalar(select(User).where(User.email == "not-an-email")) is None


def test_change_of_office_head_carries_the_office(city):
    new_head = services.create_user(city.admin, name="Ketua Baru", email="kb@example.org", roles={Role.council_member})
    term = services.record_office_head(city.admin, city.rt, new_head, date(2026, 1, 1))
    db.session.commit()
    assert new_head.office == city.rt and Role.rt_rw_head in new_head.roles
    old = db.session.scalar(select(OfficeTerm).where(OfficeTerm.user_id == city.rt_head.id))
    assert old.ended_on == date(2025, 12, 31) and city.rt_head.office is None
    assert term.active


def test_an_office_has_one_active_head_in_the_database(city):
    db.session.add(OfficeTerm(area=city.rt, user=city.rt_head2, started_on=date(2025, 1, 1)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_person_heading_another_office_is_refused(city):
    with pytest.raises(Conflict):
        services.record_office_head(city.admin, city.rt2, city.rt_head, date(2026, 1, 1))


def test_api_token_authenticates_and_revocation_stops_it(client, city):
    token, raw = services.create_api_token(city.officer, "script")
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json["name"] == city.officer.name
    assert token.token_hash != raw  # only the hash is stored
    services.revoke_api_token(city.officer, token)
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


USERS_CSV = """name,roles,organisation,area,email,phone
Rudi RT,rt_rw_head,,3576.01.1001.01.002,rudi@example.org,0813 1111 2222
Maya Dinkes,opd_officer,Dinkes,,maya@example.org,
Tono Dewan,council_member|opd_officer,DLH,,tono@example.org,
"""


def test_user_csv_import_creates_accounts_with_links(client, city, login_as):
    login_as(city.admin)
    from io import BytesIO

    response = client.post("/admin/users/import", data={"file": (BytesIO(USERS_CSV.encode()), "users.csv")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.count("/activate/") == 3
    rudi = db.session.scalar(select(User).where(User.email == "rudi@example.org"))
    assert rudi.office.code == "3576.01.1001.01.002" and rudi.phone == "+6281311112222"


def test_user_csv_with_bad_rows_imports_nothing_and_names_each_line(client, city, login_as):
    login_as(city.admin)
    bad = (USERS_CSV + "Ani,rt_rw_head,,9999,ani@example.org,\nBudi,wizard,,,budi@example.org,\n"
           "Cici,partner_rep,Nope,,cici@example.org,\nDodo,council_member,,,maya@example.org,\n")
    from io import BytesIO

    page = client.post("/admin/users/import", data={"file": (BytesIO(bad.encode()), "u.csv")}).get_data(as_text=True)
    for line in ("<td>5</td>", "<td>6</td>", "<td>7</td>", "<td>8</td>"):
        assert line in page
    assert "9999" in page and "wizard" in page and "Nope" in page
    assert db.session.scalar(select(User).where(User.email == "rudi@example.org")) is None


@pytest.mark.parametrize("payload,message", [
    (b"name;email\nx;y\n", "roles"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "CSV"),
    (b"", "kosong"),
])
def test_not_a_user_csv_gets_a_clear_message(client, city, login_as, payload, message):
    login_as(city.admin)
    from io import BytesIO

    response = client.post("/admin/users/import", data={"file": (BytesIO(payload), "x.csv")})
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_password_hash_is_argon2id_at_owasp_defaults(app):
    from collab.config import Config

    assert (Config.ARGON2_MEMORY_COST, Config.ARGON2_TIME_COST, Config.ARGON2_PARALLELISM) == (19 * 1024, 2, 1)
    from collab.accounts.passwords import hash_password

    assert hash_password("whatever-password").startswith("$argon2id$")
