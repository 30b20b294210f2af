"""The programme discussion channel (docs/programme-channel.md) through Flask-SocketIO's test
client, the no-JS form and the JSON API."""
from __future__ import annotations

import functools

import pytest
from sqlalchemy import func, select

from collab.accounts.services import create_api_token
from collab.extensions import db, socketio
from collab.programmes import services
from collab.programmes.models import ProgrammeComment

NS = "/programmes"


@pytest.fixture
def connect(socket_client):
    """connect(user, **auth) -> a socket test client on this namespace (tests/conftest.py)."""
    return functools.partial(socket_client, NS)


def received(sc, name):
    return [e["args"][0] if isinstance(e["args"], list) else e["args"]
            for e in sc.get_received(NS) if e["name"] == name]


def join(sc, programme, last_seq=0):
    return sc.emit("join", {"programme_id": programme.id, "last_seq": last_seq}, namespace=NS, callback=True)


def send(sc, programme, body, key):
    return sc.emit("send", {"programme_id": programme.id, "body": body, "client_key": key}, namespace=NS, callback=True)


def stored(programme) -> int:
    return db.session.scalar(select(func.count()).select_from(ProgrammeComment)
                             .where(ProgrammeComment.programme_id == programme.id))


def test_only_members_get_in(city, programme, connect):
    assert not connect(None).is_connected(NS)
    assert not connect(city.rt_head, programme_id=programme.id).is_connected(NS)
    outsider = connect(city.council_member)  # connected without naming the programme: refused at join and send
    assert join(outsider, programme)["code"] == "forbidden"
    assert send(outsider, programme, "Halo", "k1")["code"] == "forbidden"
    assert stored(programme) == 0
    assert connect(city.partner_rep, programme_id=programme.id).is_connected(NS)


def test_api_token_connects(city, programme, connect):
    _, raw = create_api_token(city.officer2, "phone")
    db.session.commit()
    sc = connect(None, token=raw, programme_id=programme.id)
    assert join(sc, programme)["ok"]


def test_message_is_stored_then_broadcast_to_members_with_increasing_seq(city, programme, connect):
    lead, partner = connect(city.officer), connect(city.partner_rep)
    bystander = connect(city.officer2)  # a member who has not joined this room hears nothing
    join(lead, programme), join(partner, programme)
    partner.get_received(NS)
    first = send(lead, programme, "Rapat Senin di DLH", "a-1")
    second = send(partner, programme, "Siap, BAZNAS hadir", "b-1")
    assert first["ok"] and second["ok"] and (first["seq"], second["seq"]) == (1, 2)
    heard = received(partner, "message")
    assert [(m["seq"], m["author"], m["body"]) for m in heard] == [
        (1, "Rina DLH", "Rapat Senin di DLH"), (2, "Ahmad BAZNAS", "Siap, BAZNAS hadir")]
    assert received(bystander, "message") == []
    assert stored(programme) == 2
    db.session.expire_all()
    assert programme.last_seq == 2


def test_reconnecting_client_gets_exactly_what_it_missed(city, programme, connect):
    lead = connect(city.officer)
    join(lead, programme)
    for i in range(1, 5):
        send(lead, programme, f"Pesan {i}", f"k{i}")
    partner = connect(city.partner_rep)
    ack = join(partner, programme, last_seq=2)
    assert ack["ok"] and ack["last_seq"] == 4
    assert [m["seq"] for m in received(partner, "message")] == [3, 4]


def test_a_retried_send_is_stored_and_broadcast_once(city, programme, connect):
    lead, partner = connect(city.officer), connect(city.partner_rep)
    join(lead, programme), join(partner, programme)
    partner.get_received(NS)
    first = send(lead, programme, "Sekali saja", "same-key")
    again = send(lead, programme, "Sekali saja", "same-key")
    assert again["duplicate"] is True and (again["id"], again["seq"]) == (first["id"], first["seq"])
    assert len(received(partner, "message")) == 1
    reused = send(lead, programme, "Teks lain", "same-key")
    assert reused["ok"] is False and reused["code"] == "conflict"
    assert stored(programme) == 1


@pytest.mark.parametrize("body,key", [("", "k"), ("   ", "k"), ("x" * 2001, "k"), ("Halo", ""), ("Halo", "k" * 65)])
def test_bad_messages_are_refused_and_nothing_is_stored(city, programme, connect, body, key):
    lead = connect(city.officer)
    join(lead, programme)
    ack = send(lead, programme, body, key)
    assert ack["ok"] is False and ack["code"] == "invalid" and ack["message"]
    assert stored(programme) == 0
    db.session.expire_all()
    assert programme.last_seq == 0


def test_refusals_are_in_the_users_language(city, programme, app):
    flask_client = app.test_client()
    with flask_client.session_transaction() as session:
        session["_user_id"] = city.officer.session_token
    sc = socketio.test_client(app, namespace=NS, flask_test_client=flask_client,
                              headers={"Accept-Language": "id"})
    ack = send(sc, programme, "", "k")
    assert "Tulis" in ack["message"]
    sc.disconnect(namespace=NS)


def test_when_an_organisation_leaves_its_sockets_are_closed(city, programme, connect):
    partner, lead = connect(city.partner_rep), connect(city.officer)
    join(partner, programme), join(lead, programme)
    services.remove_member(city.officer, programme.member_for(city.partner.id))
    db.session.commit()
    assert not partner.is_connected(NS)
    assert lead.is_connected(NS)
    again = connect(city.partner_rep)
    assert join(again, programme)["code"] == "forbidden"
    assert not connect(city.partner_rep, programme_id=programme.id).is_connected(NS)


def test_a_person_moved_to_another_organisation_hears_nothing_more(city, programme, connect):
    partner, lead = connect(city.partner_rep), connect(city.officer)
    join(partner, programme), join(lead, programme)
    partner.get_received(NS)
    city.partner_rep.organisation = city.council  # the admin moves the account; no domain event for that
    db.session.commit()
    assert send(lead, programme, "Rahasia anggota", "k1")["ok"]
    assert not partner.is_connected(NS)
    assert lead.is_connected(NS)


def test_the_plain_form_posts_once_and_reaches_live_members(city, programme, connect, client, login_as):
    partner = connect(city.partner_rep)
    join(partner, programme)
    partner.get_received(NS)
    login_as(city.officer)
    page = client.get(f"/programmes/{programme.id}")
    assert 'id="comment-client_key"' in page.get_data(as_text=True)
    form = {"comment-body": "Dari formulir", "comment-client_key": "form-key-1"}
    assert client.post(f"/programmes/{programme.id}/comments", data=form).status_code == 302
    assert client.post(f"/programmes/{programme.id}/comments", data=form).status_code == 302  # double submit
    assert stored(programme) == 1
    assert [m["body"] for m in received(partner, "message")] == ["Dari formulir"]
    assert "Dari formulir" in client.get(f"/programmes/{programme.id}").get_data(as_text=True)


def test_the_plain_form_refuses_an_empty_message(city, programme, client, login_as):
    login_as(city.officer)
    response = client.post(f"/programmes/{programme.id}/comments",
                           data={"comment-body": "  ", "comment-client_key": "k"})
    assert response.status_code == 422
    assert stored(programme) == 0


def test_api_history_after_seq_and_api_send(city, programme, client, connect):
    lead = connect(city.officer)
    join(lead, programme)
    for i in range(1, 4):
        send(lead, programme, f"Pesan {i}", f"k{i}")
    lead.get_received(NS)
    _, raw = create_api_token(city.partner_rep, "cli")
    db.session.commit()
    auth = {"Authorization": f"Bearer {raw}"}
    page = client.get(f"/api/v1/programmes/{programme.id}/messages?after=1", headers=auth).get_json()
    assert [m["seq"] for m in page["items"]] == [2, 3] and page["last_seq"] == 3
    posted = client.post(f"/api/v1/programmes/{programme.id}/messages", headers=auth,
                         json={"body": "Lewat API", "client_key": "api-1"})
    assert posted.status_code == 201 and posted.get_json()["seq"] == 4
    retried = client.post(f"/api/v1/programmes/{programme.id}/messages", headers=auth,
                          json={"body": "Lewat API", "client_key": "api-1"})
    assert retried.status_code == 200 and retried.get_json()["id"] == posted.get_json()["id"]
    assert [m["body"] for m in received(lead, "message")] == ["Lewat API"]
    empty = client.post(f"/api/v1/programmes/{programme.id}/messages", headers=auth,
                        json={"body": "", "client_key": "api-2"})
    assert empty.status_code == 422
    _, outsider = create_api_token(city.rt_head, "cli")
    db.session.commit()
    assert client.get(f"/api/v1/programmes/{programme.id}/messages",
                      headers={"Authorization": f"Bearer {outsider}"}).status_code == 403


def test_detail_page_shows_the_latest_messages_in_bounded_queries(city, programme, client, login_as, count_queries):
    def page_queries():
        with count_queries() as q:
            response = client.get(f"/programmes/{programme.id}")
        assert response.status_code == 200
        return q.count, response.get_data(as_text=True)

    login_as(city.officer)
    for i, user in enumerate((city.officer, city.officer2, city.partner_rep)):
        services.post_comment(user, programme, body=f"Awal {i}", client_key=f"a{i}")
    db.session.commit()
    few, _ = page_queries()
    for i in range(120):
        services.post_comment((city.officer, city.officer2, city.partner_rep)[i % 3], programme,
                              body=f"Pesan nomor {i}", client_key=f"m{i}")
    db.session.commit()
    many, page = page_queries()
    assert many == few, "the discussion must not add queries per message"
    assert "Pesan nomor 119" in page and "Awal 0" not in page and "100 pesan terbaru ditampilkan" in page


def test_join_with_a_seq_no_column_can_hold_replays_everything(city, programme, connect):
    lead = connect(city.officer)
    join(lead, programme)
    send(lead, programme, "Pesan satu", "k1")
    partner = connect(city.partner_rep)
    ack = join(partner, programme, last_seq=10**20)
    assert ack["ok"] and [m["seq"] for m in received(partner, "message")] == [1]
