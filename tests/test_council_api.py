"""The council through the JSON API, the live tally over /council, and the vote record's
verification (CLI and API), including a row altered behind the app's back."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collab.accounts.services import create_api_token
from collab.council import chain, services
from collab.council.models import Ballot, VoteEvent
from collab.extensions import db
from collab.proposals.models import ProposalState
from tests.fixtures.council import create_sitting, seat_members
from tests.fixtures.proposals import make_proposal


def _token(user):
    _, raw = create_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_full_sitting_through_the_api(city, client):
    members = seat_members(city, 3)
    ready = [make_proposal(city, ProposalState.ready_for_council, title=t) for t in ("Taman baca", "Sumur resapan")]
    admin = _token(city.admin)
    r = client.post("/api/v1/council/sittings", headers=admin, json={
        "title": "Sidang API", "held_on": "2026-03-02", "quorum_percent": 50, "majority_rule": "simple",
        "secret": False, "live_tally": True, "proposal_ids": [p.id for p in ready]})
    assert r.status_code == 201, r.json
    sid = r.json["id"]
    assert r.json["state"] == "scheduled" and r.json["seats"] == 3
    url = f"/api/v1/council/sittings/{sid}"
    assert client.post(f"{url}/proposals/{ready[0].id}/ballot", headers=_token(members[0]),
                       json={"choice": "approve"}).status_code == 409  # not open yet
    assert client.post(f"{url}/open", headers=admin).json["state"] == "open"
    tokens = [_token(m) for m in members]
    for tok, choice in zip(tokens, ["approve", "approve", "reject"], strict=True):
        assert client.post(f"{url}/proposals/{ready[0].id}/ballot", headers=tok, json={"choice": choice}).status_code == 200
    r = client.post(f"{url}/proposals/{ready[0].id}/ballot", headers=tokens[0], json={"choice": "approve"})
    assert r.status_code == 409 and r.json["message"]  # the same ballot twice
    r = client.post(f"{url}/proposals/{ready[1].id}/ballot", headers=tokens[0],
                    json={"choice": "approve", "member_id": members[1].id})
    assert r.status_code == 403  # voting for someone else
    r = client.post(f"{url}/proposals/{ready[1].id}/ballot", headers=tokens[2], json={"choice": "recused"})
    assert r.status_code == 422 and "reason" in r.json["errors"]
    other = make_proposal(city, ProposalState.ready_for_council, title="Tidak di agenda")
    assert client.post(f"{url}/proposals/{other.id}/ballot", headers=tokens[0],
                       json={"choice": "approve"}).status_code == 422
    packet = client.get(f"{url}/proposals/{ready[0].id}/packet", headers=tokens[0]).json
    assert packet["my_ballot"] == "approve" and packet["proposal"]["title"] == "Taman baca"
    assert client.get(f"{url}/proposals/{ready[0].id}/packet", headers=_token(city.rt_head)).status_code == 403
    live = client.get(url).json["agenda"][0]["tally"]
    assert (live["approve"], live["reject"], live["voted"]) == (2, 1, 3)
    closed = client.post(f"{url}/close", headers=admin).json
    assert closed["state"] == "closed"
    first, second = closed["agenda"]
    assert first["result"] == "accepted" and first["masterplan_item_id"]
    assert second["result"] == "no_quorum"
    assert sorted(first["names"]["approve"]) == sorted(m.name for m in members[:2])
    assert client.post(f"{url}/close", headers=admin).status_code == 409  # closing twice
    public = client.get(url).json  # the public sees the decision with names (open ballot)
    assert public["agenda"][0]["names"]["reject"] == [members[2].name]
    assert client.get("/api/v1/council/verify").json["ok"] is True
    decided = client.get("/api/v1/council/decisions").json
    assert decided["meta"]["total"] == 2
    accepted = client.get("/api/v1/council/decisions?result=accepted").json["items"]
    assert [(d["title"], d["approve"], d["reject"], d["held_on"]) for d in accepted] == [("Taman baca", 2, 1, "2026-03-02")]
    assert accepted[0]["names"]["reject"] == [members[2].name] and accepted[0]["masterplan_item_id"]
    assert client.get("/api/v1/council/decisions?result=maybe").status_code == 422
    assert "/api/v1/council/verify" in client.get("/api/v1/openapi.json").get_data(as_text=True)


def test_secret_ballot_never_reveals_names_and_hidden_tally_waits_for_close(city, client):
    members = seat_members(city, 2)
    sitting = create_sitting(city, secret=True, live_tally=False)
    proposal = sitting.agenda[0].proposal
    for m in members:
        services.cast_ballot(m, sitting, proposal, "approve")
    db.session.commit()
    url = f"/api/v1/council/sittings/{sitting.id}"
    tally = client.get(url).json["agenda"][0]["tally"]
    assert tally["visible"] is False and "approve" not in tally and tally["voted"] == 2
    services.close_vote(city.admin, sitting)
    db.session.commit()
    body = client.get(url).json
    assert body["agenda"][0]["tally"]["approve"] == 2 and body["agenda"][0]["names"] == {}
    decision = client.get("/api/v1/council/decisions").json["items"][0]
    assert decision["secret"] is True and decision["names"] == {} and decision["approve"] == 2
    page = client.get(f"/council/{sitting.id}").get_data(as_text=True)
    assert members[1].name in page  # seated members are listed...
    assert "council-names" not in page  # ...but never who chose what


def test_tampered_ballot_row_breaks_verification(city, app):
    members = seat_members(city, 3)
    sitting = create_sitting(city)
    proposal = sitting.agenda[0].proposal
    for m, c in zip(members, ["approve", "reject", "reject"], strict=True):
        services.cast_ballot(m, sitting, proposal, c)
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["verify-votes"]).exit_code == 0
    assert "utuh: 3 kejadian" in app.test_client().get("/council/verify").get_data(as_text=True)
    # behind the app's back: turn a reject into an approve, straight in the database
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE council_ballot SET choice = 'approve' WHERE user_id = :u"), {"u": members[1].id})
    db.session.expire_all()
    report = chain.verify()
    assert not report.ok and report.problem == "ballot" and report.broken_seq == 2
    result = runner.invoke(args=["verify-votes"])
    assert result.exit_code == 1 and "event #2" in result.output
    page = app.test_client().get("/council/verify")
    assert page.status_code == 409 and "rusak pada kejadian #2" in page.get_data(as_text=True)


def test_tampered_chain_event_names_the_first_broken_link(city, client):
    members = seat_members(city, 3)
    sitting = create_sitting(city)
    proposal = sitting.agenda[0].proposal
    for m in members:
        services.cast_ballot(m, sitting, proposal, "approve")
    db.session.commit()
    with db.engine.begin() as conn:  # rewrite event 2's choice and its ballot consistently
        conn.execute(text("UPDATE council_vote_event SET data = :d WHERE seq = 2"),
                     {"d": '{"choice": "reject", "reason": ""}'})
        conn.execute(text("UPDATE council_ballot SET choice = 'reject' WHERE user_id = :u"), {"u": members[1].id})
    body = client.get("/api/v1/council/verify").json
    assert body == {"ok": False, "events": 1, "broken_seq": 2, "problem": "hash", "details": {}}


def test_live_tally_reaches_watchers_after_commit(city, socket_client):
    members = seat_members(city, 2)
    sitting = create_sitting(city)
    proposal = sitting.agenda[0].proposal
    watcher = socket_client("/council", city.rt_head)
    ack = watcher.emit("join", {"sitting_id": sitting.id}, namespace="/council", callback=True)
    assert ack["ok"] and ack["tallies"][0]["voted"] == 0
    services.cast_ballot(members[0], sitting, proposal, "approve")
    assert not [e for e in watcher.get_received("/council") if e["name"] == "tally"]  # nothing before commit
    db.session.commit()
    tallies = [e["args"][0] for e in watcher.get_received("/council") if e["name"] == "tally"]
    assert tallies[-1]["approve"] == 1 and tallies[-1]["voted"] == 1 and "names" not in tallies[-1]
    services.close_vote(city.admin, sitting)
    db.session.commit()
    results = [e["args"][0] for e in watcher.get_received("/council") if e["name"] == "result"]
    assert results[0]["result"] == "accepted"


def test_anonymous_socket_is_refused(city, socket_client):
    sc = socket_client("/council")
    assert not sc.is_connected("/council")


@pytest.mark.skipif("postgresql" not in (__import__("os").environ.get("TEST_DATABASE_URL") or ""),
                    reason="real concurrency needs PostgreSQL (SQLite serialises writers in one file)")
def test_twenty_members_voting_at_once_leave_one_ballot_each_and_an_intact_chain(city, app):
    members = seat_members(city, 20)
    sitting = create_sitting(city)
    proposal = sitting.agenda[0].proposal
    sitting_id, proposal_id = sitting.id, proposal.id
    member_ids = [m.id for m in members]
    db.session.remove()
    barrier = threading.Barrier(21)
    outcomes, lock = [], threading.Lock()

    def vote(user_id):
        with app.app_context():
            from collab.accounts.models import User
            from collab.core.errors import DomainError

            barrier.wait(timeout=30)  # everyone starts together; connections are taken after this
            try:
                user = db.session.get(User, user_id)
                s = services.load_sitting(sitting_id)
                p = next(i.proposal for i in s.agenda if i.proposal_id == proposal_id)
                services.cast_ballot(user, s, p, "approve")
                db.session.commit()
                outcome = "ok"
            except DomainError as exc:
                db.session.rollback()
                outcome = exc.code
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                db.session.rollback()
                outcome = repr(exc)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    # twenty members at once, and the first member sends the same ballot a second time
    threads = [threading.Thread(target=vote, args=(uid,)) for uid in member_ids + [member_ids[0]]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["conflict"] + ["ok"] * 20
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])  # a fresh connection sees the truth
    with Session(engine) as s:
        rows = s.execute(select(Ballot.user_id, func.count()).group_by(Ballot.user_id)).all()
        assert len(rows) == 20 and all(n == 1 for _, n in rows)
        seqs = s.scalars(select(VoteEvent.seq).order_by(VoteEvent.seq)).all()
        assert seqs == list(range(1, 21))
    engine.dispose()
    assert chain.verify().ok


@pytest.mark.skipif("postgresql" not in (__import__("os").environ.get("TEST_DATABASE_URL") or ""),
                    reason="the database constraint is proven on PostgreSQL too")
def test_one_ballot_per_member_is_a_database_constraint(city):
    members = seat_members(city, 1)
    sitting = create_sitting(city)
    services.cast_ballot(members[0], sitting, sitting.agenda[0].proposal, "approve")
    db.session.commit()
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("INSERT INTO council_ballot (sitting_id, proposal_id, user_id, choice, reason, "
                          "created_at, updated_at) SELECT sitting_id, proposal_id, user_id, 'reject', '', "
                          "created_at, updated_at FROM council_ballot"))


@pytest.mark.skipif("postgresql" not in (__import__("os").environ.get("TEST_DATABASE_URL") or ""),
                    reason="real concurrency needs PostgreSQL")
def test_ballots_racing_the_close_are_counted_or_refused_never_lost(city, app):
    members = seat_members(city, 12)
    sitting = create_sitting(city)
    sitting_id = sitting.id
    member_ids, admin_id = [m.id for m in members], city.admin.id
    db.session.remove()
    barrier = threading.Barrier(len(member_ids))  # eleven ballots and the close
    accepted, lock = [], threading.Lock()

    def act(user_id, close=False):
        with app.app_context():
            from collab.accounts.models import User
            from collab.core.errors import DomainError

            barrier.wait(timeout=30)
            try:
                user = db.session.get(User, user_id)
                s = services.load_sitting(sitting_id)
                if close:
                    services.close_vote(user, s)
                else:
                    services.cast_ballot(user, s, s.agenda[0].proposal, "approve")
                db.session.commit()
                if not close:
                    with lock:
                        accepted.append(user_id)
            except DomainError:
                db.session.rollback()
            except Exception as exc:  # noqa: BLE001  (fails the test below)
                db.session.rollback()
                with lock:
                    errors.append(repr(exc))
            finally:
                db.session.remove()

    errors = []
    threads = [threading.Thread(target=act, args=(uid,)) for uid in member_ids[:-1]]
    threads.append(threading.Thread(target=act, args=(admin_id, True)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    from collab.council.models import SittingAgendaItem

    assert errors == []
    item = db.session.scalar(select(SittingAgendaItem).where(SittingAgendaItem.sitting_id == sitting_id))
    assert item.result is not None
    assert item.approve == len(accepted)  # every ballot that was accepted is in the result, none after it
    assert db.session.scalar(select(func.count(Ballot.id))) == len(accepted)
    assert chain.verify().ok


def test_out_of_range_ids_are_refused_and_change_nothing(city, client, socket_client):
    huge = 10**30  # past any database integer: SQLite's driver overflows on it
    members = seat_members(city, 2)
    sitting = create_sitting(city)
    pid = sitting.agenda[0].proposal_id
    admin, member = _token(city.admin), _token(members[0])
    r = client.post("/api/v1/council/sittings", headers=admin, json={
        "title": "Sidang", "held_on": "2026-03-02", "quorum_percent": 50, "proposal_ids": [huge]})
    assert r.status_code == 422 and "proposal_ids" in r.json["errors"]
    r = client.post(f"/api/v1/council/sittings/{sitting.id}/proposals/{pid}/ballot", headers=member,
                    json={"choice": "approve", "member_id": huge})
    assert r.status_code == 422 and "member_id" in r.json["errors"]
    assert client.get(f"/api/v1/council/sittings/{huge}").status_code == 404
    assert client.post(f"/api/v1/council/sittings/{sitting.id}/proposals/{huge}/ballot", headers=member,
                       json={"choice": "approve"}).status_code == 404
    assert client.get(f"/council/{huge}").status_code == 404
    sc = socket_client("/council", members[0])
    assert sc.emit("join", {"sitting_id": huge}, namespace="/council", callback=True)["code"] == "not_found"
    assert db.session.scalar(select(func.count(Ballot.id))) == 0
    assert db.session.scalar(select(func.count()).select_from(services.Sitting)) == 1
