"""FGD sessions: scheduling, invitations, RSVP, check-in, minutes, pages and the JSON API."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from collab.accounts.models import Role
from collab.core.db import utcnow
from collab.core.errors import Conflict, PermissionDenied, ValidationFailed
from collab.extensions import db
from collab.fgd import services
from collab.fgd.models import Attendance, AttendanceMode, FgdStatus, Invitation, InviteVia, Rsvp
from tests.fixtures.fgd import create_fgd


def test_only_officers_and_admin_schedule(city):
    start = utcnow() + timedelta(days=2)
    with pytest.raises(PermissionDenied):
        services.save_session(city.rt_head, None, topic="X", starts_at=start, ends_at=start + timedelta(hours=1))
    with pytest.raises(ValidationFailed) as exc:
        services.save_session(city.officer, None, topic="X", starts_at=start, ends_at=start, online=False)
    assert {"ends_at", "venue"} <= set(exc.value.errors)
    fgd = services.save_session(city.officer, None, topic="Posyandu", starts_at=start,
                                ends_at=start + timedelta(hours=1), agenda=["Pembukaan", "", "Diskusi"])
    assert fgd.organiser == city.opd and fgd.is_facilitator(city.officer)
    assert [a.title for a in fgd.agenda] == ["Pembukaan", "Diskusi"] and len(fgd.checkin_code) == 6


def test_invite_by_area_expands_to_heads_of_the_subtree(city):
    fgd = create_fgd(city)
    created = services.invite(city.officer, fgd, area=city.kel)
    assert {i.user_id for i in created} == {city.rt_head.id, city.rw_head.id}  # not rt_head2 (other kelurahan)
    assert all(i.via == InviteVia.area for i in created)
    again = services.invite(city.officer, fgd, role=Role.rt_rw_head)
    assert [i.user_id for i in again] == [city.rt_head2.id]  # already invited persons are skipped


def test_rsvp_and_wrong_check_in_code(city):
    fgd = create_fgd(city, invite=[city.rt_head])
    services.rsvp(city.rt_head, fgd, Rsvp.maybe)
    assert fgd.invitation_for(city.rt_head).rsvp == Rsvp.maybe
    with pytest.raises(PermissionDenied):
        services.rsvp(city.rt_head2, fgd, Rsvp.yes)
    with pytest.raises(ValidationFailed):
        services.check_in(city.rt_head, fgd, "AAAAAA" if fgd.checkin_code != "AAAAAA" else "BBBBBB")
    services.check_in(city.rt_head, fgd, fgd.checkin_code.lower())
    row = db.session.scalar(select(Attendance).where(Attendance.session_id == fgd.id))
    assert row.user_id == city.rt_head.id and row.mode == AttendanceMode.in_room


def test_invitee_sees_it_on_the_home_page_and_answers(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head], topic="Drainase Kauman")
    login_as(city.rt_head)
    assert "Drainase Kauman" in client.get("/").get_data(as_text=True)
    response = client.post(f"/fgd/{fgd.id}/rsvp", data={"answer": "yes"})
    assert response.status_code == 302
    assert db.session.scalar(select(Invitation.rsvp).where(Invitation.session_id == fgd.id)) == Rsvp.yes


def test_schedule_through_the_form(city, client, login_as):
    login_as(city.officer)
    response = client.post("/fgd/new", data={"topic": "Sampah plastik", "starts_at": "2030-03-01T09:00",
                                             "ends_at": "2030-03-01T11:00", "venue": "Aula", "online": "y",
                                             "agenda": "Pembukaan\nDiskusi", "dimensions": ["environment"]})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sampah plastik" in page and "Diskusi" in page


def test_schedule_form_errors_keep_the_input(city, client, login_as):
    login_as(city.officer)
    response = client.post("/fgd/new", data={"topic": "Sampah <b>plastik</b>", "starts_at": "2030-03-01T11:00",
                                             "ends_at": "2030-03-01T09:00", "venue": "Aula Kauman",
                                             "agenda": "Pembukaan\nDiskusi"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Waktu selesai harus setelah waktu mulai" in page
    assert "Sampah &lt;b&gt;plastik&lt;/b&gt;" in page and 'value="Aula Kauman"' in page and "Pembukaan\nDiskusi" in page
    many = "\n".join(f"Butir {i}" for i in range(51))
    response = client.post("/fgd/new", data={"topic": "Rapat", "starts_at": "2030-03-01T09:00",
                                             "ends_at": "2030-03-01T11:00", "online": "y", "agenda": many})
    assert response.status_code == 422 and "paling banyak memuat 50 butir agenda" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(services.FgdSession)) == 0


def test_check_in_page_shows_code_and_qr_to_facilitator(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head])
    login_as(city.officer)
    assert fgd.checkin_code in client.get(f"/fgd/{fgd.id}/check-in").get_data(as_text=True)
    qr = client.get(f"/fgd/{fgd.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    login_as(city.rt_head)
    wrong = client.post(f"/fgd/{fgd.id}/check-in", data={"code": "ZZZZZZ"})
    assert wrong.status_code == 422 and "Kode salah" in wrong.get_data(as_text=True)
    ok = client.post(f"/fgd/{fgd.id}/check-in", data={"code": fgd.checkin_code})
    assert ok.status_code == 302


def test_api_messages_after_and_idempotent_post(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    login_as(city.rt_head)
    url = f"/api/v1/fgd/sessions/{fgd.id}/messages"
    first = client.post(url, json={"body": "Satu", "client_key": "a"})
    assert first.status_code == 201
    retry = client.post(url, json={"body": "Satu", "client_key": "a"})
    assert retry.status_code == 200 and retry.get_json()["id"] == first.get_json()["id"]
    client.post(url, json={"body": "Dua", "client_key": "b"})
    client.post(url, json={"body": "Tiga", "client_key": "c"})
    after = client.get(f"{url}?after={first.get_json()['seq']}").get_json()
    assert [m["body"] for m in after] == ["Dua", "Tiga"]
    assert [m["seq"] for m in after] == sorted(m["seq"] for m in after)


def test_api_message_refused_when_room_not_open(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head])
    login_as(city.rt_head)
    response = client.post(f"/api/v1/fgd/sessions/{fgd.id}/messages", json={"body": "Halo", "client_key": "x"})
    assert response.status_code == 409 and response.get_json()["code"] == "conflict"


def test_minutes_drafted_from_the_records_then_published(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head], live=True, public=True)
    services.check_in(city.rt_head, fgd, fgd.checkin_code)
    msg, _ = services.post_message(city.rt_head, fgd, "Bank sampah di balai RW", "p1", fgd.agenda[1].id)
    services.mark_point(city.officer, fgd, msg.id)
    poll = services.create_poll(city.officer, fgd, "Setuju?", ["Ya", "Tidak"])
    services.vote(city.rt_head, fgd, poll.id, poll.options[0].id)
    services.make_action_item(city.officer, fgd, "Survei lokasi balai RW", owner=city.opd)
    with pytest.raises(Conflict):
        services.save_minutes(city.officer, fgd)
    services.end_session(city.officer, fgd)
    minutes = services.save_minutes(city.officer, fgd)
    for text in ("Bank sampah di balai RW", "Siti Ketua RT", "Setuju?", "Ya: 1", "Survei lokasi balai RW", "Diskusi"):
        assert text in minutes.body
    local = fgd.starts_at.astimezone(ZoneInfo("Asia/Jakarta"))  # the city's clock, not UTC
    assert f"{local:%H.%M}" in minutes.body and "UTC" not in minutes.body
    db.session.commit()
    assert client.get(f"/fgd/{fgd.id}/minutes").status_code == 404  # a draft is not public
    services.publish_minutes(city.officer, fgd)
    db.session.commit()
    assert fgd.status == FgdStatus.minutes_published
    page = client.get(f"/fgd/{fgd.id}/minutes")  # public FGD: readable without logging in
    assert page.status_code == 200 and "Bank sampah di balai RW" in page.get_data(as_text=True)
    md = client.get(f"/fgd/{fgd.id}/minutes.md")
    assert md.mimetype == "text/markdown" and "attachment" in md.headers["Content-Disposition"]
    pdf = client.get(f"/fgd/{fgd.id}/minutes.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_private_fgd_is_hidden_from_outsiders(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head], topic="Rapat tertutup")
    assert "Rapat tertutup" not in client.get("/fgd/").get_data(as_text=True)
    login_as(city.partner_rep)
    assert client.get(f"/fgd/{fgd.id}").status_code == 404
    assert client.get("/api/v1/fgd/sessions").get_json()["items"] == []


def test_fgd_index_query_count_is_bounded(city, client, login_as, count_queries):
    for i in range(5):
        create_fgd(city, invite=[city.rt_head], topic=f"FGD {i}")
    login_as(city.rt_head)
    with count_queries() as q:
        assert client.get("/fgd/").status_code == 200
    assert q.count <= 10


def test_session_list_api_is_paginated_with_bounded_queries(city, client, count_queries):
    for i in range(5):
        create_fgd(city, public=True, topic=f"FGD terbuka {i}")
    with count_queries() as q:
        r = client.get("/api/v1/fgd/sessions?per_page=2&page=2")
    assert r.status_code == 200 and r.json["meta"]["total"] == 5 and r.json["meta"]["pages"] == 3
    assert len(r.json["items"]) == 2 and all(s["agenda"] for s in r.json["items"])
    assert q.count <= 6  # not one query per session for its agenda and organiser
    assert client.get("/api/v1/fgd/sessions?per_page=1000").status_code == 422


HUGE = 10**30  # past any database integer: SQLite's driver overflows on it


def test_out_of_range_ids_are_refused_not_a_server_error(city, client, login_as):
    from collab.accounts.services import create_api_token

    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    tokens = {}
    for user in (city.officer, city.rt_head):
        tokens[user.id] = {"Authorization": f"Bearer {create_api_token(user, 't')[1]}"}
    db.session.commit()
    officer, rt = tokens[city.officer.id], tokens[city.rt_head.id]
    base = f"/api/v1/fgd/sessions/{fgd.id}"
    when = {"starts_at": "2026-12-01T10:00:00+07:00", "ends_at": "2026-12-01T12:00:00+07:00"}
    assert client.get(f"/api/v1/fgd/sessions/{HUGE}").status_code == 404
    assert client.post("/api/v1/fgd/sessions", headers=officer,
                       json={"topic": "t", **when, "facilitator_ids": [HUGE]}).status_code == 422
    assert client.post(f"{base}/invitations", headers=officer, json={"user_ids": [HUGE]}).status_code == 422
    assert client.post(f"{base}/invitations", headers=officer, json={"area_id": HUGE}).status_code == 422
    assert client.get(f"{base}/messages?after={HUGE}", headers=rt).status_code == 422
    assert client.post(f"{base}/messages", headers=rt,
                       json={"body": "hai", "client_key": "k", "agenda_item_id": HUGE}).status_code == 422
    assert client.delete(f"{base}/invitations/{HUGE}", headers=officer).status_code == 404
    assert client.post(f"{base}/points/{HUGE}/proposal", headers=officer, json={}).status_code == 404
    assert client.post(f"{base}/action-items", headers=officer, json={"message_id": HUGE}).status_code == 422
    assert services.messages_after(fgd, HUGE) == []
    assert db.session.scalar(select(db.func.count(Invitation.id)).where(Invitation.session_id == fgd.id)) == 1
    login_as(city.officer)
    for url in (f"/fgd/{HUGE}", f"/fgd/{HUGE}/room", f"/fgd/{HUGE}/minutes.pdf"):
        assert client.get(url).status_code == 404


def test_demo_seed_is_idempotent(city):
    from collab.fgd import demo
    from collab.fgd.models import FgdSession

    demo.seed(city.admin)
    db.session.commit()
    count = db.session.query(FgdSession).count()
    demo.seed(city.admin)
    db.session.commit()
    assert db.session.query(FgdSession).count() == count == 2
    finished = db.session.scalar(select(FgdSession).where(FgdSession.status == FgdStatus.minutes_published))
    assert finished.minutes.published_at is not None


def test_facilitator_runs_the_session_through_the_api(city, client):
    from collab.accounts.services import create_api_token

    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], topic="Drainase Kauman")
    officer = {"Authorization": f"Bearer {create_api_token(city.officer, 't')[1]}"}
    siti = {"Authorization": f"Bearer {create_api_token(city.rt_head, 't')[1]}"}
    db.session.commit()
    base = f"/api/v1/fgd/sessions/{fgd.id}"
    assert client.put(f"{base}/minutes", headers=officer, json={}).status_code == 409  # not ended yet
    assert client.post(f"{base}/open", headers=siti).status_code == 403
    assert client.post(f"{base}/open", headers=officer).json["status"] == "live"
    assert client.post(f"{base}/open", headers=officer).status_code == 409
    assert client.post(f"{base}/check-in", headers=siti, json={"code": fgd.checkin_code}).status_code == 201
    services.record_online_attendance(city.rt_head2, fgd)
    db.session.commit()
    client.post(f"{base}/messages", headers=siti, json={"body": "Saluran tersumbat di RT 03", "client_key": "a"})
    rows = client.get(f"{base}/attendance", headers=officer).json
    assert {(r["name"], r["mode"]) for r in rows} == {(city.rt_head.name, "in_room"), (city.rt_head2.name, "online")}
    assert client.get(f"{base}/attendance", headers=siti).status_code == 403
    assert client.post(f"{base}/end", headers=officer).json["status"] == "ended"
    r = client.post(f"{base}/messages", headers=siti, json={"body": "Terlambat", "client_key": "b"})
    assert r.status_code == 409
    assert client.post(f"{base}/minutes/publish", headers=officer).status_code == 409  # nothing written yet
    draft = client.put(f"{base}/minutes", headers=officer, json={}).json
    assert "Drainase Kauman" in draft["body"] and city.rt_head.name in draft["body"] and draft["published_at"] is None
    assert client.get(f"{base}/minutes", headers=siti).status_code == 404  # a draft is not for invitees
    edited = client.put(f"{base}/minutes", headers=officer, json={"body": "Notulen <b>final</b>"}).json
    assert edited["body"] == "Notulen <b>final</b>"
    assert client.put(f"{base}/minutes", headers=officer, json={"body": "x" * 100001}).status_code == 422
    assert client.post(f"{base}/minutes/publish", headers=officer).json["published_at"]
    assert client.post(f"{base}/minutes/publish", headers=officer).status_code == 409
    assert client.get(f"{base}/minutes", headers=siti).json["body"] == "Notulen <b>final</b>"


def test_facilitators_are_officers_or_the_secretariat_and_unknown_ids_are_refused(city, client):
    from collab.accounts.services import create_api_token

    officer = {"Authorization": f"Bearer {create_api_token(city.officer, 't')[1]}"}
    db.session.commit()
    body = {"topic": "Rapat", "starts_at": "2030-01-01T09:00:00+07:00", "ends_at": "2030-01-01T11:00:00+07:00"}
    for ids in ([city.rt_head.id], [99999]):
        r = client.post("/api/v1/fgd/sessions", headers=officer, json={**body, "facilitator_ids": ids})
        assert r.status_code == 422 and "petugas OPD" in r.json["message"], r.json
    r = client.post("/api/v1/fgd/sessions", headers=officer, json={**body, "facilitator_ids": [city.admin.id]})
    assert r.status_code == 201
    fgd = db.session.get(services.FgdSession, r.json["id"])
    assert fgd.facilitator_ids == {city.officer.id, city.admin.id}
    assert db.session.scalar(select(db.func.count()).select_from(services.FgdSession)) == 1


def test_facilitator_changes_a_scheduled_session_through_the_api(city, client):
    from collab.accounts.services import create_api_token

    fgd = create_fgd(city, invite=[city.rt_head], topic="Lama")
    officer = {"Authorization": f"Bearer {create_api_token(city.officer, 't')[1]}"}
    siti = {"Authorization": f"Bearer {create_api_token(city.rt_head, 't')[1]}"}
    db.session.commit()
    url = f"/api/v1/fgd/sessions/{fgd.id}"
    body = {"topic": "Baru", "starts_at": "2030-01-01T09:00:00+07:00", "ends_at": "2030-01-01T11:00:00+07:00",
            "agenda": ["Pembukaan", "Usulan warga"], "venue": "Balai RW 02", "online": False}
    assert client.put(url, headers=siti, json=body).status_code == 403
    r = client.put(url, headers=officer, json={**body, "agenda": [f"Butir {i}" for i in range(51)]})
    assert r.status_code == 422 and "agenda" in r.json["errors"] and "50" in r.json["message"]
    assert client.get(url, headers=officer).json["topic"] == "Lama"  # nothing half-saved
    r = client.put(url, headers=officer, json=body)
    assert r.status_code == 200 and r.json["topic"] == "Baru" and r.json["venue"] == "Balai RW 02"
    assert [a["title"] for a in r.json["agenda"]] == ["Pembukaan", "Usulan warga"]
    client.post(f"{url}/open", headers=officer)
    assert client.put(url, headers=officer, json=body).status_code == 409  # started: no more changes


def test_invite_picker_tells_people_apart_and_leaves_out_who_is_in_already(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head])
    login_as(city.officer)
    page = client.get(f"/fgd/{fgd.id}").get_data(as_text=True)
    picker = page[page.index('id="person"'):]
    picker = picker[:picker.index("</select>")]
    office = city.rt_head2.office.full_name()
    assert f"{city.rt_head2.name} — {office}" in picker  # an RT head by their office
    assert f"{city.partner_rep.name} — {city.partner_rep.organisation.short_name}" in picker
    assert city.rt_head.name not in picker and city.officer.name not in picker  # invited / hosting already
