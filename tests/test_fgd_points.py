"""Discussion points -> draft proposals (credited to the RT/RW head who raised them, linked back
to the FGD) or action items; uninviting; the minutes rendered from Markdown."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from collab.core.errors import Conflict, PermissionDenied, ValidationFailed
from collab.extensions import db, socketio
from collab.fgd import events, services
from collab.fgd.models import ActionItem, PointProposal
from collab.proposals import services as proposal_services
from collab.proposals.models import Proposal, ProposalState
from tests.fixtures.fgd import create_fgd

NS = "/fgd"


@pytest.fixture(autouse=True)
def _fresh_limits():
    events.limiter.reset()
    yield
    events.limiter.reset()


def _point(city, fgd, user, body, key):
    msg, _ = services.post_message(user, fgd, body, key)
    services.mark_point(city.officer, fgd, msg.id)
    db.session.commit()
    return msg


def test_point_becomes_a_draft_of_the_raisers_office_which_they_complete_and_submit(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head], live=True, topic="Sampah plastik Kauman")
    msg = _point(city, fgd, city.rt_head, "Bank sampah di setiap balai RW\nwarga bisa menabung sampah", "p1")
    link = services.make_proposal(city.officer, fgd, msg.id)
    db.session.commit()
    proposal = link.proposal
    assert proposal.state == ProposalState.draft and proposal.author_id == city.rt_head.id
    assert proposal.office_id == city.rt_head.office.id
    assert proposal.title == "Bank sampah di setiap balai RW" and proposal.dimension.value == "environment"
    assert "warga bisa menabung sampah" in proposal.problem and "Sampah plastik Kauman" in proposal.problem
    with pytest.raises(Conflict):  # once per point
        services.make_proposal(city.officer, fgd, msg.id)
    db.session.rollback()

    # the author finds it among their proposals, sees where it came from, completes and submits it
    login_as(city.rt_head)
    assert "Bank sampah di setiap balai RW" in client.get("/proposals/").get_data(as_text=True)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'id="proposal-fgd-origin"' in page and "Sampah plastik Kauman" in page
    proposal_services.update_proposal(city.rt_head, proposal, solution="Satu bank sampah per RW, dikelola karang taruna.")
    proposal_services.submit_proposal(city.rt_head, proposal)
    db.session.commit()
    assert proposal.state == ProposalState.submitted

    # the minutes list the point and what became of it
    services.end_session(city.officer, fgd)
    minutes = services.save_minutes(city.officer, fgd)
    assert f"draft proposal #{proposal.id}" in minutes.body or f"draf usulan #{proposal.id}" in minutes.body
    services.publish_minutes(city.officer, fgd)
    db.session.commit()
    follow_up = client.get(f"/fgd/{fgd.id}/minutes").get_data(as_text=True)
    assert 'id="fgd-follow-up"' in follow_up and f"/proposals/{proposal.id}" in follow_up


def test_only_an_rt_rw_head_with_an_open_term_gets_a_proposal(city):
    fgd = create_fgd(city, invite=[city.rt_head, city.partner_rep], live=True)
    partner_msg = _point(city, fgd, city.partner_rep, "CSR bisa bantu gerobak sampah", "p1")
    with pytest.raises(Conflict) as refused:
        services.make_proposal(city.officer, fgd, partner_msg.id)
    assert city.partner_rep.name in str(refused.value.message)
    db.session.rollback()
    head_msg = _point(city, fgd, city.rt_head, "Jadwal angkut sampah tiap Selasa", "p2")
    city.rt_head.current_term.ended_on = date.today()  # the term ended
    db.session.commit()
    with pytest.raises(Conflict):
        services.make_proposal(city.officer, fgd, head_msg.id)
    db.session.rollback()
    with pytest.raises(PermissionDenied):  # only a facilitator
        services.make_proposal(city.rt_head, fgd, head_msg.id)
    db.session.rollback()
    assert db.session.scalar(select(Proposal.id)) is None  # nothing half-saved


def test_no_dimension_and_hidden_points_are_refused(city):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    fgd.dimensions = []
    msg = _point(city, fgd, city.rt_head, "Lampu jalan gang 3 mati", "p1")
    with pytest.raises(ValidationFailed):
        services.make_proposal(city.officer, fgd, msg.id)
    db.session.rollback()
    assert services.make_proposal(city.officer, fgd, msg.id, "living").proposal.dimension.value == "living"
    other = _point(city, fgd, city.rt_head, "Pesan kasar", "p2")
    services.hide_message(city.officer, fgd, other.id, "tidak sopan")
    with pytest.raises(Conflict):
        services.make_proposal(city.officer, fgd, other.id)


def test_moderate_proposal_over_the_socket(city, app):
    fgd = create_fgd(city, invite=[city.rt_head, city.partner_rep], live=True)
    msg = _point(city, fgd, city.rt_head, "Posyandu digital untuk balita", "p1")
    partner_msg = _point(city, fgd, city.partner_rep, "Kami siap mendanai", "p2")
    flask_client = app.test_client()
    with flask_client.session_transaction() as session:
        session["_user_id"] = city.officer.session_token
    sc = socketio.test_client(app, namespace=NS, flask_test_client=flask_client, auth={"session_id": fgd.id})
    try:
        ack = sc.emit("moderate", {"session_id": fgd.id, "action": "proposal", "message_id": msg.id},
                      namespace=NS, callback=True)
        assert ack["ok"] and db.session.get(Proposal, ack["proposal_id"]).author_id == city.rt_head.id
        refused = sc.emit("moderate", {"session_id": fgd.id, "action": "proposal", "message_id": partner_msg.id},
                          namespace=NS, callback=True)
        assert refused["ok"] is False and refused["code"] == "conflict"
        item = sc.emit("moderate", {"session_id": fgd.id, "action": "action_item", "message_id": partner_msg.id},
                       namespace=NS, callback=True)
        assert item["ok"] and db.session.get(ActionItem, item["action_item_id"]).title == "Kami siap mendanai"
    finally:
        sc.disconnect(namespace=NS)


def test_points_page_turns_a_point_into_a_proposal_or_an_action_item(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head, city.partner_rep], live=True)
    msg = _point(city, fgd, city.rt_head, "Taman baca di pos ronda", "p1")
    partner_msg = _point(city, fgd, city.partner_rep, "Donasi buku dari BAZNAS", "p2")
    login_as(city.officer)
    page = client.get(f"/fgd/{fgd.id}/points").get_data(as_text=True)
    assert "Taman baca di pos ronda" in page and "Donasi buku dari BAZNAS" in page
    response = client.post(f"/fgd/{fgd.id}/points/{msg.id}/proposal", data={"dimension": "society"})
    assert response.status_code == 302
    link = db.session.scalar(select(PointProposal).where(PointProposal.message_id == msg.id))
    assert link.proposal.dimension.value == "society"
    refused = client.post(f"/fgd/{fgd.id}/points/{partner_msg.id}/proposal", data={"dimension": "society"},
                          follow_redirects=True)
    assert city.partner_rep.name in refused.get_data(as_text=True)  # the reason, as a flash message
    client.post(f"/fgd/{fgd.id}/points/{partner_msg.id}/action-item", data={"title": "Terima donasi buku"})
    assert db.session.scalar(select(ActionItem.title).where(ActionItem.message_id == partner_msg.id)) == "Terima donasi buku"
    page = client.get(f"/fgd/{fgd.id}/points").get_data(as_text=True)
    # a draft is the office's own: the facilitator sees its number and state, not a link
    assert f'data-proposal-id="{link.proposal_id}"' in page and "Terima donasi buku" in page


def test_points_and_proposals_through_the_api(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head, city.partner_rep], live=True)
    msg = _point(city, fgd, city.rt_head, "Sumur resapan di gang sempit", "p1")
    partner_msg = _point(city, fgd, city.partner_rep, "Pendanaan sumur dari CSR", "p2")
    login_as(city.rt_head)
    base = f"/api/v1/fgd/sessions/{fgd.id}"
    assert client.post(f"{base}/points/{msg.id}/proposal", json={}).status_code == 403
    login_as(city.officer)
    assert client.post(f"{base}/points/{msg.id}/proposal", json={"dimension": "nonsense"}).status_code == 422
    created = client.post(f"{base}/points/{msg.id}/proposal", json={"dimension": "environment"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["author_id"] == city.rt_head.id and body["state"] == "draft"
    again = client.post(f"{base}/points/{msg.id}/proposal", json={})
    assert again.status_code == 409
    refused = client.post(f"{base}/points/{partner_msg.id}/proposal", json={})
    assert refused.status_code == 409 and city.partner_rep.name in refused.get_json()["message"]
    bad = client.post(f"{base}/points/{msg.id + 1000}/proposal", json={"dimension": "environment"})
    assert bad.status_code == 404
    item = client.post(f"{base}/action-items", json={"message_id": partner_msg.id})
    assert item.status_code == 201 and item.get_json()["title"] == "Pendanaan sumur dari CSR"
    assert client.post(f"{base}/action-items", json={"title": "  "}).status_code == 422
    points = client.get(f"{base}/points").get_json()
    assert [p["proposal"]["proposal_id"] if p["proposal"] else None for p in points] == [body["proposal_id"], None]
    assert points[1]["action_items"][0]["title"] == "Pendanaan sumur dari CSR"
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/fgd/sessions/{session_id}/points/{message_id}/proposal" in spec["paths"]


def test_points_page_and_minutes_queries_do_not_grow_with_the_points(city, client, login_as, count_queries):
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2, city.rw_head, city.partner_rep], live=True)
    login_as(city.officer)

    def queries():
        with count_queries() as q:
            assert client.get(f"/fgd/{fgd.id}/points").status_code == 200
        return q.count

    first = _point(city, fgd, city.rt_head, "Usulan pertama dari warga", "k0")
    services.make_proposal(city.officer, fgd, first.id)
    db.session.commit()
    few = queries()
    for i, head in enumerate([city.rt_head2, city.rw_head, city.partner_rep, city.rt_head2]):
        msg = _point(city, fgd, head, f"Usulan nomor {i} dari warga", f"k{i + 1}")
        if head is city.partner_rep:
            services.make_action_item(city.officer, fgd, "", msg.id)
        else:
            services.make_proposal(city.officer, fgd, msg.id)
    db.session.commit()
    assert queries() == few


def test_facilitator_removes_an_invitee_whose_room_socket_closes(city, client, login_as, app):
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], live=True)
    flask_client = app.test_client()
    with flask_client.session_transaction() as session:
        session["_user_id"] = city.rt_head.session_token
    sc = socketio.test_client(app, namespace=NS, flask_test_client=flask_client, auth={"session_id": fgd.id})
    assert sc.is_connected(NS)
    login_as(city.officer)
    page = client.get(f"/fgd/{fgd.id}").get_data(as_text=True)
    assert f"/fgd/{fgd.id}/invitations/{city.rt_head.id}/remove" in page
    response = client.post(f"/fgd/{fgd.id}/invitations/{city.rt_head.id}/remove", follow_redirects=True)
    assert city.rt_head.name in response.get_data(as_text=True)
    assert fgd.invitation_for(city.rt_head) is None and not sc.is_connected(NS)
    assert client.post(f"/fgd/{fgd.id}/invitations/{city.rt_head.id}/remove").status_code == 404  # not invited
    assert client.delete(f"/api/v1/fgd/sessions/{fgd.id}/invitations/{city.rt_head2.id}").status_code == 204
    assert client.delete(f"/api/v1/fgd/sessions/{fgd.id}/invitations/{city.rt_head2.id}").status_code == 404
    login_as(city.rt_head)
    assert client.get(f"/fgd/{fgd.id}/room").status_code == 404  # a private FGD: no longer theirs to see


def test_uninvite_after_the_end_is_refused(city):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    services.end_session(city.officer, fgd)
    with pytest.raises(Conflict):
        services.uninvite(city.officer, fgd, city.rt_head)


def test_minutes_are_rendered_from_markdown_and_sanitised(city, client, login_as):
    fgd = create_fgd(city, invite=[city.rt_head], live=True)
    services.end_session(city.officer, fgd)
    services.save_minutes(city.officer, fgd, "## Keputusan\n\n- **Setuju** bank sampah\n\n<script>alert(1)</script>"
                                             "\n\n[x](javascript:alert(1))")
    services.publish_minutes(city.officer, fgd)
    db.session.commit()
    login_as(city.rt_head)
    page = client.get(f"/fgd/{fgd.id}/minutes").get_data(as_text=True)
    assert "<h2>Keputusan</h2>" in page and "<strong>Setuju</strong>" in page
    assert "<script>alert(1)" not in page and 'href="javascript' not in page
