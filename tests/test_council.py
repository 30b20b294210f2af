"""Council sittings and votes: the rule set, ballots, results, the masterplan link, refusals."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from collab.core.errors import Conflict, PermissionDenied, ValidationFailed
from collab.council import chain, services
from collab.council.models import Ballot, Result, SittingAgendaItem, VoteEvent
from collab.extensions import db
from collab.masterplan.models import MasterplanItem
from collab.masterplan.services import realisation
from collab.proposals.models import ProposalState
from tests.fixtures.council import create_sitting, seat_members
from tests.fixtures.proposals import make_proposal

S = ProposalState


def _vote(sitting, proposal, *pairs):
    for member, choice in pairs:
        services.cast_ballot(member, sitting, proposal, choice, "Saya anggota pengusul." if choice == "recused" else "")
    db.session.commit()


def _close(city, sitting):
    items = services.close_vote(city.admin, sitting)
    db.session.commit()
    return {i.proposal_id: i for i in items}


def test_accepted_proposal_becomes_masterplan_item_linked_both_ways_and_counted(city, client):
    members = seat_members(city, 5)
    sitting = create_sitting(city)
    proposal = sitting.agenda[0].proposal
    assert proposal.state == S.voting
    before = realisation(city.plan)[proposal.dimension].get(2026)
    _vote(sitting, proposal, (members[0], "approve"), (members[1], "approve"), (members[2], "reject"),
          (members[3], "abstain"))
    result = _close(city, sitting)[proposal.id]
    assert (result.result, result.approve, result.reject, result.abstain) == (Result.accepted, 2, 1, 1)
    assert proposal.state == S.accepted
    item = db.session.scalar(select(MasterplanItem).where(MasterplanItem.proposal_id == proposal.id))
    assert item.dimension.code == proposal.dimension and item.year == 2026
    after = realisation(city.plan)[proposal.dimension][2026]
    assert after.planned == (before.planned if before else 0) + 1
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/masterplan/items/{item.id}" in page
    assert f"/proposals/{proposal.id}" in client.get(f"/masterplan/items/{item.id}").get_data(as_text=True)


def test_abstentions_do_not_count_as_votes_cast(city):
    members = seat_members(city, 5)
    sitting = create_sitting(city)
    proposal = sitting.agenda[0].proposal
    _vote(sitting, proposal, (members[0], "approve"), (members[1], "abstain"), (members[2], "abstain"))
    assert _close(city, sitting)[proposal.id].result == Result.accepted


def test_tie_is_rejected_and_two_thirds_rule_applies(city):
    members = seat_members(city, 4)
    sitting = create_sitting(city, n_proposals=2, majority_rule="two_thirds")
    p1, p2 = (i.proposal for i in sitting.agenda)
    _vote(sitting, p1, (members[0], "approve"), (members[1], "reject"))
    _vote(sitting, p2, (members[0], "approve"), (members[1], "approve"), (members[2], "reject"))
    results = _close(city, sitting)
    assert results[p1.id].result == Result.rejected and p1.state == S.rejected
    assert results[p2.id].result == Result.accepted


def test_no_quorum_sends_the_proposal_back_to_ready_for_council(city):
    members = seat_members(city, 5)
    sitting = create_sitting(city, quorum_percent=60)
    proposal = sitting.agenda[0].proposal
    _vote(sitting, proposal, (members[0], "approve"), (members[1], "approve"))  # 2 of 5 < 60 %
    result = _close(city, sitting)[proposal.id]
    assert result.result == Result.no_quorum
    assert proposal.state == S.ready_for_council
    assert proposal in services.ready_proposals()


def test_recused_members_do_not_count_toward_quorum(city):
    members = seat_members(city, 4)
    sitting = create_sitting(city, quorum_percent=100)
    proposal = sitting.agenda[0].proposal
    _vote(sitting, proposal, (members[0], "approve"), (members[1], "approve"), (members[2], "reject"),
          (members[3], "recused"))
    result = _close(city, sitting)[proposal.id]
    assert (result.result, result.eligible, result.recused) == (Result.accepted, 3, 1)


def test_member_may_change_ballot_until_close_and_it_stays_one_row(city):
    members = seat_members(city, 3)
    sitting = create_sitting(city)
    proposal = sitting.agenda[0].proposal
    _vote(sitting, proposal, (members[0], "approve"))
    _vote(sitting, proposal, (members[0], "reject"))
    assert db.session.scalar(select(func.count(Ballot.id))) == 1
    assert services.ballot_of(sitting, members[0], proposal.id).choice.value == "reject"
    assert db.session.scalar(select(func.count(VoteEvent.id))) == 2


def test_refusals_change_nothing(city):
    members = seat_members(city, 3)
    other = make_proposal(city, S.ready_for_council, title="Bukan agenda")
    sitting = create_sitting(city, open_=False)
    proposal = sitting.agenda[0].proposal
    with pytest.raises(Conflict):  # outside the window: not opened yet
        services.cast_ballot(members[0], sitting, proposal, "approve")
    db.session.rollback()
    services.open_vote(city.admin, sitting)
    db.session.commit()
    with pytest.raises(Conflict):  # opening twice
        services.open_vote(city.admin, sitting)
    db.session.rollback()
    with pytest.raises(PermissionDenied):  # not seated
        services.cast_ballot(city.admin, sitting, proposal, "approve")
    with pytest.raises(PermissionDenied):  # someone else's ballot
        services.cast_ballot(members[0], sitting, proposal, "approve", member=members[1])
    with pytest.raises(ValidationFailed):  # not on the agenda
        services.cast_ballot(members[0], sitting, other, "approve")
    with pytest.raises(ValidationFailed):  # recusal without reason
        services.cast_ballot(members[0], sitting, proposal, "recused")
    with pytest.raises(ValidationFailed):
        services.cast_ballot(members[0], sitting, proposal, "maybe")
    db.session.rollback()
    _vote(sitting, proposal, (members[0], "approve"))
    with pytest.raises(Conflict):  # the same ballot twice
        services.cast_ballot(members[0], sitting, proposal, "approve")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Ballot.id))) == 1
    _close(city, sitting)
    with pytest.raises(Conflict):  # closing twice
        services.close_vote(city.admin, sitting)
    db.session.rollback()
    with pytest.raises(Conflict):  # after the close
        services.cast_ballot(members[1], sitting, proposal, "reject")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Ballot.id))) == 1
    assert chain.verify().ok


def test_closed_result_never_changes(city):
    seat_members(city, 1)
    sitting = create_sitting(city)
    _close(city, sitting)
    item = db.session.scalar(select(SittingAgendaItem))
    item.result = Result.accepted
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("kwargs,field", [
    ({"quorum_percent": 0}, "quorum_percent"),
    ({"quorum_percent": 120}, "quorum_percent"),
    ({"majority_rule": "unanimous_by_moonlight"}, "majority_rule"),
    ({"proposals_": []}, "proposals"),
    ({"title": "  "}, "title"),
])
def test_convening_refuses_bad_rule_sets_and_agendas(city, kwargs, field):
    ready = make_proposal(city, S.ready_for_council)
    args = {"title": "Sidang", "held_on": date(2026, 3, 2), "proposals_": [ready], "quorum_percent": 50,
            "majority_rule": "simple"} | kwargs
    with pytest.raises(ValidationFailed) as exc:
        services.convene_sitting(city.admin, **args)
    assert field in exc.value.errors
    db.session.rollback()
    assert not services.ready_proposals() or ready.state == S.ready_for_council


def test_sitting_with_no_members_is_refused(city):
    city.council_member.active = False
    db.session.commit()
    with pytest.raises(ValidationFailed) as exc:
        services.convene_sitting(city.admin, title="Sidang", held_on=date(2026, 3, 2),
                                 proposals_=[make_proposal(city, S.ready_for_council)], quorum_percent=50,
                                 majority_rule="simple")
    assert "members" in exc.value.errors


def test_proposal_not_ready_or_already_on_an_agenda_is_refused(city):
    seat_members(city, 1)
    draft = make_proposal(city, S.in_review)
    with pytest.raises(ValidationFailed):
        services.convene_sitting(city.admin, title="S", held_on=date(2026, 3, 2), proposals_=[draft],
                                 quorum_percent=50, majority_rule="simple")
    db.session.rollback()
    sitting = create_sitting(city, open_=False)
    with pytest.raises(ValidationFailed):
        services.convene_sitting(city.admin, title="S2", held_on=date(2026, 3, 2),
                                 proposals_=[sitting.agenda[0].proposal], quorum_percent=50, majority_rule="simple")


def test_only_admin_convenes_and_closes(city):
    seat_members(city, 1)
    with pytest.raises(PermissionDenied):
        services.convene_sitting(city.council_member, title="S", held_on=date(2026, 3, 2),
                                 proposals_=[make_proposal(city, S.ready_for_council)], quorum_percent=50,
                                 majority_rule="simple")
    db.session.rollback()
    sitting = create_sitting(city)
    with pytest.raises(PermissionDenied):
        services.close_vote(city.council_member, sitting)


def test_seats_are_a_snapshot_when_convened(city):
    members = seat_members(city, 2)
    sitting = create_sitting(city)
    late = seat_members(city, 3)[-1]  # gets the role after the sitting was convened
    assert {m.user_id for m in sitting.members} == {m.id for m in members}
    with pytest.raises(PermissionDenied):
        services.cast_ballot(late, sitting, sitting.agenda[0].proposal, "approve")


# -- pages ------------------------------------------------------------------------------------

def test_convene_form_shows_clear_messages_and_saves_nothing(city, client, login_as):
    seat_members(city, 1)
    ready = make_proposal(city, S.ready_for_council)
    login_as(city.admin)
    r = client.post("/council/new", data={"title": "Sidang", "held_on": "2026-03-02", "proposals": [ready.id],
                                          "quorum_percent": "0", "majority_rule": "simple"})
    assert r.status_code == 422
    assert "Kuorum harus antara 1 dan 100 persen" in r.get_data(as_text=True)
    r = client.post("/council/new", data={"title": "Sidang", "held_on": "2026-03-02", "quorum_percent": "50",
                                          "majority_rule": "simple"})
    assert r.status_code == 422 and "Masukkan sedikitnya satu usulan" in r.get_data(as_text=True)
    assert services.ready_proposals() == [ready]
    assert client.get("/council/").get_data(as_text=True).count("/council/1") == 0


def test_convene_form_refuses_unknown_proposal_ids_and_keeps_the_input(city, client, login_as):
    seat_members(city, 1)
    ready = make_proposal(city, S.ready_for_council)
    login_as(city.admin)
    for unknown in ("99999", str(10**30)):  # the second is past any database integer
        r = client.post("/council/new", data={"title": "Sidang Kedua", "held_on": "2026-03-02", "quorum_percent": "50",
                                              "majority_rule": "simple", "proposals": [str(ready.id), unknown]})
        page = r.get_data(as_text=True)
        assert r.status_code == 422 and "Usulan tidak dikenal" in page
        assert 'value="Sidang Kedua"' in page
    assert services.ready_proposals() == [ready]


def test_ballot_page_refusals_in_english(city, client, login_as):
    members = seat_members(city, 2)
    sitting = create_sitting(city)
    proposal = sitting.agenda[0].proposal
    members[0].locale = "en"
    db.session.commit()
    login_as(members[0])
    url = f"/council/{sitting.id}/proposals/{proposal.id}/ballot"
    r = client.post(url, data={"choice": "recused", "reason": ""})
    assert r.status_code == 422 and "Say why you recuse yourself" in r.get_data(as_text=True)
    assert client.post(url, data={"choice": "approve"}).status_code == 302
    r = client.post(url, data={"choice": "approve"}, follow_redirects=True)
    assert "already recorded as “Approve”" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Ballot.id))) == 1


def test_ballot_form_refuses_an_overlong_recusal_reason_with_a_message(city, client, login_as):
    members = seat_members(city, 2)
    sitting = create_sitting(city)
    proposal = sitting.agenda[0].proposal
    login_as(members[0])
    r = client.post(f"/council/{sitting.id}/proposals/{proposal.id}/ballot", data={"choice": "recused", "reason": "x" * 2001})
    assert r.status_code == 422 and "2000" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Ballot.id))) == 0


def test_sitting_pages_have_bounded_queries(city, client, count_queries):
    members = seat_members(city, 6)
    sitting = create_sitting(city, n_proposals=6)
    for item in sitting.agenda:
        for m in members:
            services.cast_ballot(m, sitting, item.proposal, "approve")
    db.session.commit()
    services.close_vote(city.admin, sitting)
    db.session.commit()
    for i in range(3):
        create_sitting(city, proposals=[make_proposal(city, S.ready_for_council, title=f"Lain {i}")], open_=False,
                       title=f"Sidang {i}")
    with count_queries() as q:
        assert client.get("/council/").status_code == 200
    assert q.count <= 8
    with count_queries() as q:
        assert client.get(f"/council/{sitting.id}").status_code == 200
    assert q.count <= 12  # constant: six agenda proposals, six members
    with count_queries() as q:
        assert len(client.get("/api/v1/council/decisions").json["items"]) == 6
    assert q.count <= 8


def test_council_predicates(city):
    from collab import permissions as policy

    members = seat_members(city, 2)
    sitting = create_sitting(city, open_=False, secret=True)
    outsider = city.rt_head
    table = [
        (policy.can_convene_sitting(city.admin), True), (policy.can_convene_sitting(members[0]), False),
        (policy.can_read_review_packet(city.admin, sitting), True),
        (policy.can_read_review_packet(members[1], sitting), True),
        (policy.can_read_review_packet(outsider, sitting), False),
        (policy.can_read_review_packet(None, sitting), False),
        (policy.can_cast_ballot(members[0], sitting), False),  # not open yet
        (policy.can_see_ballot_names(None, sitting), False),
    ]
    services.open_vote(city.admin, sitting)
    db.session.commit()
    table += [(policy.can_cast_ballot(members[0], sitting), True), (policy.can_cast_ballot(city.admin, sitting), False)]
    services.close_vote(city.admin, sitting)
    db.session.commit()
    table += [(policy.can_cast_ballot(members[0], sitting), False),
              (policy.can_see_ballot_names(city.admin, sitting), False)]  # secret, even for the admin
    assert [got for got, _ in table] == [want for _, want in table]


def test_the_city_names_its_majority_rules_in_the_environment(monkeypatch, tmp_path):
    from flask import Flask

    from collab.config import load_config
    from collab.council import rules

    monkeypatch.setenv("COUNCIL_MAJORITY_RULES", "simple, two_thirds")
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app)
    with app.app_context():
        assert list(rules.enabled_rules()) == ["simple", "two_thirds"]
