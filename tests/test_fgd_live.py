"""The live room protocol (docs/live-protocol.md) through Flask-SocketIO's test client."""
from __future__ import annotations

import functools

import pytest
from sqlalchemy import func, select

from collab.accounts.services import create_api_token
from collab.extensions import db, socketio
from collab.fgd.models import RoomMessage
from tests.fixtures.fgd import create_fgd

NS = "/fgd"


@pytest.fixture
def connect(socket_client):
    """connect(user, **auth) -> a socket test client on this namespace (tests/conftest.py)."""
    return functools.partial(socket_client, NS)


def received(sc, name):
    # the test client keeps a lone "message" argument unwrapped (Flask-SocketIO's send() convention)
    return [e["args"][0] if isinstance(e["args"], list) else e["args"]
            for e in sc.get_received(NS) if e["name"] == name]


def send(sc, fgd, body, key, **extra):
    return sc.emit("send", {"session_id": fgd.id, "body": body, "client_key": key, **extra},
                   namespace=NS, callback=True)


def join(sc, fgd, last_seq=0):
    return sc.emit("join", {"session_id": fgd.id, "last_seq": last_seq}, namespace=NS, callback=True)


def test_unauthenticated_connection_is_refused(city, connect):
    sc = connect(None)
    assert not sc.is_connected(NS)


def test_bad_api_token_is_refused_and_good_one_accepted(city, connect):
    assert not connect(None, token="rmb_not-a-token").is_connected(NS)
    _, raw = create_api_token(city.rt_head, "phone")
    db.session.commit()
    assert connect(None, token=raw).is_connected(NS)


def test_uninvited_person_is_refused(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    outsider = connect(city.partner_rep, session_id=fgd.id)
    assert not outsider.is_connected(NS)
    # connected without naming the session: joining is refused through the ack
    sc = connect(city.partner_rep)
    assert join(sc, fgd)["code"] == "forbidden"


def test_message_is_stored_before_broadcast_with_increasing_seq(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], live=True)
    alice, bob = connect(city.rt_head, session_id=fgd.id), connect(city.rt_head2, session_id=fgd.id)
    assert join(alice, fgd)["ok"] and join(bob, fgd)["ok"]
    bob.get_received(NS)
    first = send(alice, fgd, "Usul bank sampah per RW", "k-1")
    second = send(alice, fgd, "<script>alert(1)</script>", "k-2")
    assert first["ok"] and second["ok"] and second["seq"] == first["seq"] + 1
    got = received(bob, "message")
    assert [m["seq"] for m in got] == [first["seq"], second["seq"]]
    assert got[1]["body"] == "<script>alert(1)</script>"  # stored and sent as text; pages escape it
    for m in got:  # what was broadcast is in the database
        assert db.session.get(RoomMessage, m["id"]).seq == m["seq"]


def test_reconnect_with_last_seq_receives_exactly_the_missed_ones_in_order(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], live=True)
    alice = connect(city.rt_head, session_id=fgd.id)
    join(alice, fgd)
    seqs = [send(alice, fgd, f"pesan {i}", f"k{i}")["seq"] for i in range(5)]
    bob = connect(city.rt_head2, session_id=fgd.id)
    state = join(bob, fgd, last_seq=seqs[1])
    got = received(bob, "message")
    assert [m["seq"] for m in got] == seqs[2:]
    assert [m["body"] for m in got] == ["pesan 2", "pesan 3", "pesan 4"]
    assert state["last_seq"] == seqs[-1]


def test_retried_client_key_is_stored_once_with_the_same_id(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], live=True)
    alice, bob = connect(city.rt_head, session_id=fgd.id), connect(city.rt_head2, session_id=fgd.id)
    join(alice, fgd)
    join(bob, fgd)
    bob.get_received(NS)
    first = send(alice, fgd, "Sekali saja", "same-key")
    retry = send(alice, fgd, "Sekali saja", "same-key")
    assert (retry["id"], retry["seq"]) == (first["id"], first["seq"]) and retry["duplicate"]
    assert db.session.scalar(select(func.count(RoomMessage.id)).where(RoomMessage.session_id == fgd.id)) == 1
    assert len(received(bob, "message")) == 1  # nothing shown twice
    # another author may use the same key: keys are per author
    assert send(bob, fgd, "Saya juga", "same-key")["seq"] == first["seq"] + 1


def test_muted_participant_is_refused_and_told(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    host, alice = connect(city.officer, session_id=fgd.id), connect(city.rt_head, session_id=fgd.id)
    join(host, fgd)
    join(alice, fgd)
    assert host.emit("moderate", {"session_id": fgd.id, "action": "mute", "user_id": city.rt_head.id},
                     namespace=NS, callback=True)["ok"]
    assert received(alice, "muted")[-1] == {"session_id": fgd.id, "user_id": city.rt_head.id, "muted": True}
    answer = send(alice, fgd, "Boleh bicara?", "k-muted")
    assert answer["ok"] is False and answer["code"] == "forbidden"
    # a participant cannot moderate
    assert alice.emit("moderate", {"session_id": fgd.id, "action": "unmute", "user_id": city.rt_head.id},
                      namespace=NS, callback=True)["code"] == "forbidden"


def test_hidden_message_keeps_its_place_without_its_body(city, connect, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    host, alice = connect(city.officer, session_id=fgd.id), connect(city.rt_head, session_id=fgd.id)
    join(host, fgd)
    join(alice, fgd)
    sent = send(alice, fgd, "Kata kasar", "k-rude")
    answer = host.emit("moderate", {"session_id": fgd.id, "action": "hide", "message_id": sent["id"],
                                    "reason": "Tidak sopan"}, namespace=NS, callback=True)
    assert answer["ok"]
    updated = received(alice, "message_updated")[-1]
    assert updated["hidden"] and updated["body"] is None and updated["hidden_reason"] == "Tidak sopan"
    login_as(city.rt_head)
    rows = client.get(f"/api/v1/fgd/sessions/{fgd.id}/messages?after=0").get_json()
    assert rows[0]["body"] is None and rows[0]["hidden"]
    assert "Kata kasar" not in client.get(f"/fgd/{fgd.id}/room").get_data(as_text=True)


def test_poll_results_are_live_and_one_vote_per_person(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], live=True)
    host = connect(city.officer, session_id=fgd.id)
    alice, bob = connect(city.rt_head, session_id=fgd.id), connect(city.rt_head2, session_id=fgd.id)
    for sc in (host, alice, bob):
        join(sc, fgd)
    created = host.emit("poll", {"session_id": fgd.id, "action": "create", "question": "Lokasi bank sampah?",
                                 "options": ["Balai RW", "Pasar"]}, namespace=NS, callback=True)
    poll = received(alice, "poll")[-1]
    balai, pasar = (o["id"] for o in poll["options"])
    vote = {"session_id": fgd.id, "action": "vote", "poll_id": created["poll_id"]}
    alice.emit("poll", {**vote, "option_id": pasar}, namespace=NS, callback=True)
    alice.emit("poll", {**vote, "option_id": balai}, namespace=NS, callback=True)  # changes her vote
    bob.emit("poll", {**vote, "option_id": balai}, namespace=NS, callback=True)
    host.emit("poll", {"session_id": fgd.id, "action": "close", "poll_id": created["poll_id"]}, namespace=NS,
              callback=True)
    result = received(bob, "poll")[-1]
    assert result["closed"] and result["total"] == 2
    assert [o["votes"] for o in result["options"]] == [2, 0]
    late = alice.emit("poll", {**vote, "option_id": pasar}, namespace=NS, callback=True)
    assert late["code"] == "conflict"


def test_raise_hand_queue_is_called_in_order(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], live=True)
    host = connect(city.officer, session_id=fgd.id)
    alice, bob = connect(city.rt_head, session_id=fgd.id), connect(city.rt_head2, session_id=fgd.id)
    for sc in (host, alice, bob):
        join(sc, fgd)
    alice.emit("hand", {"session_id": fgd.id, "action": "raise"}, namespace=NS, callback=True)
    bob.emit("hand", {"session_id": fgd.id, "action": "raise"}, namespace=NS, callback=True)
    assert [h["user_id"] for h in received(host, "hands")[-1]["queue"]] == [city.rt_head.id, city.rt_head2.id]
    assert host.emit("hand", {"session_id": fgd.id, "action": "next"}, namespace=NS, callback=True)["called"] == \
        city.rt_head.id
    last = received(bob, "hands")[-1]
    assert last["called"]["user_id"] == city.rt_head.id and [h["user_id"] for h in last["queue"]] == [city.rt_head2.id]


def test_closed_room_refuses_messages(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    host, alice = connect(city.officer, session_id=fgd.id), connect(city.rt_head, session_id=fgd.id)
    join(host, fgd)
    join(alice, fgd)
    assert host.emit("moderate", {"session_id": fgd.id, "action": "close"}, namespace=NS, callback=True)["ok"]
    assert received(alice, "room_state")[-1]["status"] == "ended"
    assert send(alice, fgd, "Terlambat", "k-late")["code"] == "conflict"


def test_oversized_and_empty_messages_are_refused(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    alice = connect(city.rt_head, session_id=fgd.id)
    join(alice, fgd)
    assert send(alice, fgd, "x" * 2001, "k-big")["code"] == "invalid"
    assert send(alice, fgd, "   ", "k-empty")["code"] == "invalid"
    assert send(alice, fgd, "ok", "")["code"] == "invalid"


def test_flood_is_rate_limited_and_told_so(city, connect, app):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    alice = connect(city.rt_head, session_id=fgd.id)
    join(alice, fgd)
    capacity = app.config["SOCKET_RATE_LIMIT"][0]
    answers = [send(alice, fgd, f"banjir {i}", f"f{i}") for i in range(capacity + 5)]
    assert any(a.get("code") == "rate_limited" for a in answers)
    stored = db.session.scalar(select(func.count(RoomMessage.id)).where(RoomMessage.session_id == fgd.id))
    assert stored == sum(1 for a in answers if a["ok"])  # every acknowledged message is stored


def test_logout_disconnects_the_users_sockets(city, connect, app):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    flask_client = app.test_client()
    with flask_client.session_transaction() as session:
        session["_user_id"] = city.rt_head.session_token
    sc = socketio.test_client(app, namespace=NS, flask_test_client=flask_client, auth={"session_id": fgd.id})
    assert sc.is_connected(NS)
    flask_client.post("/logout")
    assert not sc.is_connected(NS)


def test_deactivated_user_socket_is_refused_on_next_event(city, connect):
    from collab.accounts.services import set_active

    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    alice = connect(city.rt_head, session_id=fgd.id)
    join(alice, fgd)
    set_active(city.admin, city.rt_head, False)
    db.session.commit()
    assert not alice.is_connected(NS)


def test_losing_the_invitation_closes_the_socket(city, connect):
    from collab.fgd import services

    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    alice = connect(city.rt_head, session_id=fgd.id)
    join(alice, fgd)
    services.uninvite(city.officer, fgd, city.rt_head)
    db.session.commit()
    assert not alice.is_connected(NS)


def test_a_refused_send_broadcasts_nothing(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], live=True)
    alice, bob = connect(city.rt_head, session_id=fgd.id), connect(city.rt_head2, session_id=fgd.id)
    join(alice, fgd)
    join(bob, fgd)
    bob.get_received(NS)
    assert send(alice, fgd, "", "k-empty")["ok"] is False
    assert received(bob, "message") == []


def test_presence_is_announced_once_for_a_burst_of_joins(city, connect, app):
    people = [city.rt_head, city.rt_head2, city.rw_head, city.partner_rep]
    fgd = create_fgd(city, invite=people, live=True)
    app.config["FGD_PRESENCE_DELAY"] = 3.0  # the four joins land well inside one window, even on a busy machine
    try:
        clients = [connect(person, session_id=fgd.id) for person in people]
        for sc in clients:
            assert join(sc, fgd)["ok"]
        seen = []
        for _ in range(100):  # the one broadcast comes when the window closes
            seen += received(clients[0], "presence")
            if seen:
                break
            socketio.sleep(0.1)
        socketio.sleep(0.3)
        seen += received(clients[0], "presence")
    finally:
        app.config.pop("FGD_PRESENCE_DELAY")
    assert len(seen) == 1  # four joins, one broadcast
    assert {p["user_id"] for p in seen[0]["people"]} == {p.id for p in people}


def test_join_sends_at_most_a_page_and_the_ack_says_where_the_room_is(city, connect):
    from collab.fgd import services

    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    for i in range(1, 503):
        services.post_message(city.rt_head, fgd, f"pesan {i}", f"p{i}")
    db.session.commit()
    sc = connect(city.rt_head, session_id=fgd.id)
    state = join(sc, fgd)
    first = [m["seq"] for m in received(sc, "message")]
    assert first == list(range(1, 501)) and state["last_seq"] == 502  # more to ask for
    join(sc, fgd, last_seq=first[-1])
    assert [m["seq"] for m in received(sc, "message")] == [501, 502]


def test_out_of_range_ids_in_socket_payloads_are_refused_politely(city, connect):
    huge = 10**30
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    assert not connect(city.rt_head, session_id=huge).is_connected(NS)
    sc = connect(city.rt_head)
    res = sc.emit("join", {"session_id": huge, "last_seq": 0}, namespace=NS, callback=True)
    assert res["code"] == "not_found"
    assert join(sc, fgd, last_seq=huge)["ok"] and received(sc, "message") == []
    res = send(sc, fgd, "hai", "k-huge", agenda_item_id=huge)
    assert res["code"] == "invalid" and res["message"]
    assert db.session.scalar(select(func.count(RoomMessage.id)).where(RoomMessage.session_id == fgd.id)) == 0


def test_cross_origin_socket_connections_are_refused(city, live_server):
    """The browser sends the session cookie with a WebSocket from any site: the server must check
    the Origin itself (engine.io skips that check when given an empty list of origins)."""
    import urllib.error
    import urllib.request

    def handshake(origin):
        req = urllib.request.Request(f"{live_server}/socket.io/?EIO=4&transport=polling", headers={"Origin": origin})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert handshake("http://evil.example") == 400
    assert handshake(live_server) == 200


def test_every_origin_is_never_allowed():
    from collab import create_app

    with pytest.raises(RuntimeError):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SOCKETIO_CORS_ALLOWED_ORIGINS": ["*"]})


def test_join_with_a_seq_no_column_can_hold_replays_everything(city, connect):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    alice = connect(city.rt_head, session_id=fgd.id)
    join(alice, fgd)
    assert send(alice, fgd, "Halo semua", "k1")["ok"]
    alice.get_received(NS)
    assert join(alice, fgd, last_seq=2**70)["ok"]
    assert [m["body"] for m in received(alice, "message")] == ["Halo semua"]
