"""Proposals: the state machine, the policy, endorsements, comments, merge, visibility, API, search."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from collab.accounts.models import OfficeTerm
from collab.core.audit import AuditLog
from collab.core.errors import Conflict, PermissionDenied, ValidationFailed
from collab.extensions import db
from collab.masterplan.models import DimensionCode
from collab.proposals import services
from collab.proposals.models import Comment, Endorsement, Proposal, ProposalState, ProposalTransition
from collab.proposals.services import TRANSITIONS
from tests.fixtures.factories import create_user
from tests.fixtures.proposals import PATHS, S, do_step, make_proposal

ACTIONS = ["submit", "assign", "start_review", "request_revision", "mark_ready", "withdraw", "merge",
           "open_voting", "accept", "reject", "carry_over", "return_to_council"]
CASES = [(state, action) for state in ProposalState for action in ACTIONS]


def _snapshot(p):
    db.session.refresh(p)
    steps = db.session.scalar(select(func.count()).where(ProposalTransition.proposal_id == p.id))
    return p.state, p.version, steps


# -- the state machine: one test per (state, action) pair ------------------------------------

@pytest.mark.parametrize("state,action", [c for c in CASES if c[0] in TRANSITIONS[c[1]]],
                         ids=[f"{s.value}-{a}" for s, a in CASES if s in TRANSITIONS[a]])
def test_allowed_transition(city, state, action):
    p = make_proposal(city, state)
    if action == "start_review" and p.assigned_opd_id is None:
        services.assign_proposal(city.admin, p, city.opd)
    before = _snapshot(p)[2]
    do_step(city, p, action)
    db.session.commit()
    assert p.state == TRANSITIONS[action][state]
    last = db.session.scalars(select(ProposalTransition).where(ProposalTransition.proposal_id == p.id)
                              .order_by(ProposalTransition.id.desc())).first()
    assert last.action == action and last.from_state == state and last.to_state == p.state
    assert _snapshot(p)[2] > before
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == f"proposal.{action}",
                                                    AuditLog.object_id == p.id)) is not None


@pytest.mark.parametrize("state,action", [c for c in CASES if c[0] not in TRANSITIONS[c[1]]],
                         ids=[f"{s.value}-{a}" for s, a in CASES if s not in TRANSITIONS[a]])
def test_refused_transition(city, state, action):
    p = make_proposal(city, state)
    before = _snapshot(p)
    with pytest.raises(Conflict) as exc:
        do_step(city, p, action)
    db.session.rollback()
    assert str(exc.value)
    assert _snapshot(p) == before


# -- who may do what --------------------------------------------------------------------------

def test_only_the_office_submits_and_edits(city):
    p = make_proposal(city)
    for other in (city.rt_head2, city.admin, city.officer):
        with pytest.raises(PermissionDenied):
            services.submit_proposal(other, p)
        with pytest.raises(PermissionDenied):
            services.update_proposal(other, p, title="Bukan milikmu")
    db.session.rollback()
    assert p.state == S.draft and p.title == "Bank sampah digital RT 001"


def test_the_successor_of_an_rt_head_carries_the_proposal_on(city):
    p = make_proposal(city)
    term = city.rt_head.current_term
    term.ended_on = date(2025, 1, 1)
    db.session.flush()
    successor = create_user(city.rt_head.roles.pop(), name="Penerus", office=city.rt)
    db.session.commit()
    services.update_proposal(successor, p, title="Bank sampah digital (lanjutan)")
    services.submit_proposal(successor, p)
    assert p.state == S.submitted and p.author_id == city.rt_head.id


def test_only_the_admin_assigns_and_only_the_assigned_opd_reviews(city):
    p = make_proposal(city, S.submitted)
    with pytest.raises(PermissionDenied):
        services.assign_proposal(city.officer, p, city.opd)
    with pytest.raises(Conflict, match="belum menugaskan"):
        services.start_review(city.officer, p)
    services.assign_proposal(city.admin, p, city.opd)
    with pytest.raises(PermissionDenied):
        services.start_review(city.officer2, p)
    services.start_review(city.officer, p)
    with pytest.raises(PermissionDenied):
        services.review_proposal(city.officer2, p, decision="mark_ready", feasibility="feasible", recommendation="x")
    assert p.state == S.in_review


def test_assign_refuses_a_partner_organisation(city):
    p = make_proposal(city, S.submitted)
    with pytest.raises(ValidationFailed):
        services.assign_proposal(city.admin, p, city.partner)


def test_submit_requires_problem_and_solution(city):
    p = make_proposal(city, problem="", solution="")
    with pytest.raises(ValidationFailed) as exc:
        services.submit_proposal(city.rt_head, p)
    assert set(exc.value.errors) == {"problem", "solution"}
    assert p.state == S.draft


def test_others_cannot_withdraw(city):
    p = make_proposal(city, S.submitted)
    for other in (city.rt_head2, city.officer, city.admin):
        with pytest.raises(PermissionDenied):
            services.withdraw_proposal(other, p)
    assert p.state == S.submitted


def test_review_records_assessment_and_reason_for_author(city):
    p = make_proposal(city, S.in_review)
    review = services.review_proposal(city.officer, p, decision="request_revision", feasibility="feasible_with_changes",
                                      cost_estimate="12500000", overlap="Program bank sampah DLH",
                                      recommendation="Tambahkan lokasi dan rincian biaya.")
    db.session.commit()
    assert p.state == S.revision_requested and review.decision == S.revision_requested
    assert p.transitions[-1].note == "Tambahkan lokasi dan rincian biaya."
    services.update_proposal(city.rt_head, p, solution="Lokasi: balai RW. Biaya rinci terlampir.")
    services.submit_proposal(city.rt_head, p)
    assert p.state == S.submitted


def test_review_needs_a_recommendation(city):
    p = make_proposal(city, S.in_review)
    with pytest.raises(ValidationFailed):
        services.review_proposal(city.officer, p, decision="mark_ready", feasibility="feasible", recommendation=" ")
    assert p.state == S.in_review


def test_two_officers_reviewing_at_once_only_one_wins(city, app):
    """The second officer still holds the proposal as it was (in review) when the first commits."""
    colleague = create_user(city.officer.roles.pop(), name="Rekan DLH", organisation=city.opd)
    p = make_proposal(city, S.in_review)
    pid = p.id
    assert p.state == S.in_review  # loaded by this session
    with app.app_context():  # another request, another session
        other = db.session.get(Proposal, pid)
        services.review_proposal(colleague, db.session.merge(other), decision="mark_ready", feasibility="feasible",
                                 recommendation="Layak")
        db.session.commit()
        db.session.remove()
    with pytest.raises(Conflict, match="mengubah"):
        services.review_proposal(city.officer, p, decision="request_revision", feasibility="feasible",
                                 recommendation="Revisi")
    db.session.rollback()
    assert db.session.get(Proposal, pid).state == S.ready_for_council
    assert db.session.scalar(select(func.count()).where(ProposalTransition.proposal_id == pid,
                                                        ProposalTransition.action == "request_revision")) == 0


# -- endorsements, comments, merge ------------------------------------------------------------

def test_endorse_once_per_office_and_never_ones_own(city):
    p = make_proposal(city, S.submitted)
    with pytest.raises(Conflict, match="sendiri"):
        services.endorse_proposal(city.rt_head, p)
    with pytest.raises(Conflict, match="sendiri"):
        services.endorse_proposal(city.rt_head, p)
    services.endorse_proposal(city.rt_head2, p, "Kami dukung")
    db.session.commit()
    with pytest.raises(Conflict, match="sudah"):
        services.endorse_proposal(city.rt_head2, p)
    with pytest.raises(PermissionDenied):
        services.endorse_proposal(city.officer, p)
    db.session.rollback()
    assert [e.office_id for e in p.endorsements] == [city.rt3.id]


def test_endorsement_uniqueness_is_a_database_constraint(city):
    p = make_proposal(city, S.submitted)
    db.session.add(Endorsement(proposal_id=p.id, office_id=city.rt3.id))
    db.session.commit()
    db.session.add(Endorsement(proposal_id=p.id, office_id=city.rt3.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_drafts_cannot_be_endorsed(city):
    p = make_proposal(city)
    with pytest.raises(Conflict):
        services.endorse_proposal(city.rt_head2, p)


def test_comment_reply_and_hide(city, client, login_as):
    p = make_proposal(city, S.submitted)
    c = services.add_comment(city.partner_rep, p, "<script>alert(1)</script> Bagus!")
    services.add_comment(city.rt_head, p, "Terima kasih", parent=c)
    with pytest.raises(PermissionDenied):
        services.hide_comment(city.officer, c, "x")
    with pytest.raises(ValidationFailed):
        services.hide_comment(city.admin, c, " ")
    db.session.commit()
    html = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    services.hide_comment(city.admin, c, "Tidak sopan")
    db.session.commit()
    html = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "Bagus!" not in html and "Tidak sopan" in html
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "proposal.comment_hidden"))
    assert "Bagus!" in entry.data["body"]


def test_comments_refused_on_drafts_and_for_the_public(city):
    with pytest.raises(PermissionDenied):
        services.add_comment(city.rt_head, make_proposal(city), "Draf")


def test_merge_moves_endorsements_and_comments_and_credits_both(city):
    survivor = make_proposal(city, S.submitted, author=city.rt_head2, title="Bank sampah kelurahan")
    dup = make_proposal(city, S.submitted, title="Bank sampah RT")
    services.endorse_proposal(city.rw_head, dup)
    services.add_comment(city.council_member, dup, "Mirip usulan lain")
    services.merge_proposal(city.admin, dup, survivor)
    db.session.commit()
    assert dup.state == S.merged and dup.merged_into_id == survivor.id
    assert {e.office_id for e in survivor.endorsements} == {city.rw.id, city.rt.id}
    assert [c.body for c in survivor.comments] == ["Mirip usulan lain"]
    assert survivor.merged_from == [dup]
    with pytest.raises(ValidationFailed):
        services.merge_proposal(city.admin, survivor, survivor)


# -- routing ----------------------------------------------------------------------------------

def test_routing_table_suggests_the_opd(city):
    services.save_routing_rule(city.admin, dimension="living", keywords="posyandu, puskesmas", organisation=city.opd2)
    services.save_routing_rule(city.admin, dimension="environment", keywords="sampah, sungai", organisation=city.opd)
    p = make_proposal(city, title="Posyandu digital", dimension=DimensionCode.living,
                      problem="Data posyandu hilang", solution="Aplikasi posyandu")
    assert p.suggested_opd_id == city.opd2.id
    assert make_proposal(city).suggested_opd_id == city.opd.id
    with pytest.raises(PermissionDenied):
        services.save_routing_rule(city.officer, dimension=None, keywords="x", organisation=city.opd)


# -- pages ------------------------------------------------------------------------------------

def test_public_sees_submitted_not_drafts_nor_contacts(city, client):
    draft = make_proposal(city, title="Rahasia draf kantor RT")
    public = make_proposal(city, S.submitted, title="Taman baca warga")
    html = client.get("/proposals/").get_data(as_text=True)
    assert "Taman baca warga" in html and "Rahasia draf" not in html
    assert client.get(f"/proposals/{draft.id}").status_code == 404
    page = client.get(f"/proposals/{public.id}").get_data(as_text=True)
    assert city.rt_head.name in page and city.rt_head.email not in page
    body = client.get(f"/api/v1/proposals/{public.id}").get_data(as_text=True)
    assert city.rt_head.email not in body
    assert client.get(f"/api/v1/proposals/{draft.id}").status_code == 404
    assert [i["id"] for i in client.get("/api/v1/proposals/").json["items"]] == [public.id]


def test_own_office_sees_its_draft_in_the_list(city, client, login_as):
    make_proposal(city, title="Draf kami sendiri")
    login_as(city.rt_head)
    assert "Draf kami sendiri" in client.get("/proposals/").get_data(as_text=True)


def test_list_filters_counts_and_search(city, client):
    make_proposal(city, S.submitted, title="Bank sampah RT", problem="Sampahnya menumpuk")
    make_proposal(city, S.in_review, title="Posyandu digital", dimension=DimensionCode.living,
                  problem="Data balita tercecer", solution="Aplikasi posyandu")
    body = client.get("/api/v1/proposals/?q=sampah").json
    assert [i["title"] for i in body["items"]] == ["Bank sampah RT"]
    body = client.get("/api/v1/proposals/").json
    assert body["counts"] == {"submitted": 1, "in_review": 1}
    assert [i["title"] for i in client.get("/api/v1/proposals/?state=in_review").json["items"]] == ["Posyandu digital"]
    r = client.get("/api/v1/proposals/?dimension=living")
    assert [i["title"] for i in r.json["items"]] == ["Posyandu digital"], r.json
    assert client.get(f"/api/v1/proposals/?kelurahan={city.kel2.id}").json["items"] == []
    assert len(client.get(f"/api/v1/proposals/?kelurahan={city.kel.id}").json["items"]) == 2
    assert client.get(f"/api/v1/proposals/?opd={city.opd.id}").json["meta"]["total"] == 1
    html = client.get("/proposals/?q=posyandu&dimension=living").get_data(as_text=True)
    assert "Posyandu digital" in html and "Bank sampah RT" not in html


def test_search_prefix_and_hostile_input(city, client):
    make_proposal(city, S.submitted, title="Pengelolaan persampahan", problem="Sampahnya menumpuk di sungai")
    for q in ("sampah", "SUNGAI", "pengelola", '"sampah" OR *', "sampah'); DROP TABLE proposal; --"):
        response = client.get("/api/v1/proposals/", query_string={"q": q})
        assert response.status_code == 200, q
    assert client.get("/api/v1/proposals/?q=sampah").json["meta"]["total"] == 1
    assert client.get("/api/v1/proposals/?q=pengelola").json["meta"]["total"] == 1
    assert client.get("/api/v1/proposals/?q=posyandu").json["meta"]["total"] == 0


def test_search_follows_edits(city, client):
    p = make_proposal(city)
    services.update_proposal(city.rt_head, p, title="Kebun hidroponik warga")
    services.submit_proposal(city.rt_head, p)
    db.session.commit()
    assert client.get("/api/v1/proposals/?q=hidroponik").json["meta"]["total"] == 1
    assert client.get("/api/v1/proposals/?q=digital").json["meta"]["total"] == 0


def test_list_query_count_is_bounded(city, client, count_queries):
    for n in range(3):
        make_proposal(city, S.submitted, title=f"Usulan nomor {n} bank sampah")
    with count_queries() as few:
        assert client.get("/proposals/").status_code == 200
    for n in range(12):
        p = make_proposal(city, S.submitted, title=f"Usulan lain {n} posyandu", author=city.rt_head2)
        services.endorse_proposal(city.rt_head, p)
    db.session.commit()
    with count_queries() as many:
        assert client.get("/proposals/").status_code == 200
    assert many.count == few.count and many.count <= 15


def test_new_draft_through_the_form(city, client, login_as):
    login_as(city.rt_head)
    response = client.post("/proposals/new", data={
        "title": "Posyandu digital", "dimension": "living", "problem": "Data balita tercecer",
        "solution": "Aplikasi posyandu", "expected_impact": "", "on_behalf_of": "Bu Sri, Pak Darmo",
        "suggested_opd": "0", "estimated_cost": "15000000", "horizon": "long"})
    assert response.status_code == 302
    p = db.session.scalar(select(Proposal))
    assert p.office_id == city.rt.id and p.on_behalf_of == "Bu Sri, Pak Darmo" and p.estimated_cost == 15000000
    html = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "Bu Sri, Pak Darmo" in html


def test_huge_and_empty_fields_are_refused_with_messages(city, client, login_as):
    login_as(city.rt_head)
    response = client.post("/proposals/new", data={"title": "", "dimension": "living", "problem": "x" * 9000,
                                                   "suggested_opd": "0", "horizon": "short"})
    assert response.status_code == 422 and db.session.scalar(select(func.count(Proposal.id))) == 0
    html = response.get_data(as_text=True)
    assert "Beri judul usulan." in html and "x" * 9000 in html  # the message in Indonesian; the text is kept


def test_submit_shows_similar_proposals_and_can_go_ahead(city, client, login_as):
    make_proposal(city, S.submitted, author=city.rt_head2, title="Bank sampah digital kelurahan Blooto",
                  problem="Sampah menumpuk di sungai", solution="Bank sampah dengan tabungan digital")
    mine = make_proposal(city, title="Bank sampah digital RT 001")
    login_as(city.rt_head)
    response = client.post(f"/proposals/{mine.id}/submit", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Bank sampah digital kelurahan Blooto" in html
    db.session.refresh(mine)
    assert mine.state == S.draft
    response = client.post(f"/proposals/{mine.id}/submit", data={"confirmed": "y"})
    assert response.status_code == 302
    db.session.refresh(mine)
    assert mine.state == S.submitted


def test_similar_endpoint_finds_persampahan_for_sampah(city, client, login_as):
    other = make_proposal(city, S.submitted, author=city.rt_head2, title="Pengelolaan persampahan terpadu",
                          problem="Persampahan di kampung tidak terkelola")
    make_proposal(city, S.submitted, author=city.rt_head2, title="Festival kuliner", dimension=DimensionCode.branding,
                  problem="Kuliner kampung kurang dikenal", solution="Festival tahunan")
    login_as(city.rt_head)
    items = client.get("/proposals/similar", query_string={"title": "Bank sampah warga"}).json["items"]
    assert items[0]["id"] == other.id and items[0]["can_endorse"] is True
    assert all(i["title"] != "Festival kuliner" for i in items)


def test_similar_hides_other_offices_drafts(city, client, login_as):
    make_proposal(city, author=city.rt_head2, title="Bank sampah rahasia")
    login_as(city.rt_head)
    assert client.get("/proposals/similar?title=bank+sampah").json["items"] == []


def test_browser_refusal_flashes_reason(city, client, login_as):
    p = make_proposal(city, S.submitted, author=city.rt_head2)
    login_as(city.rt_head)
    client.post(f"/proposals/{p.id}/endorse", data={})
    response = client.post(f"/proposals/{p.id}/endorse", data={}, headers={"Referer": f"http://localhost/proposals/{p.id}"},
                           follow_redirects=True)
    assert "sudah" in response.get_data(as_text=True)  # "already" in Indonesian
    assert len(p.endorsements) == 1


# -- API --------------------------------------------------------------------------------------

def test_api_walks_the_lifecycle(city, client, login_as):
    login_as(city.rt_head)
    created = client.post("/api/v1/proposals/", json={"title": "Posyandu digital", "dimension": "living",
                                                      "problem": "Data tercecer", "solution": "Aplikasi",
                                                      "estimated_cost": "15000000"})
    assert created.status_code == 201, created.json
    pid = created.json["id"]
    assert client.post(f"/api/v1/proposals/{pid}/submit", json={}).json["state"] == "submitted"
    login_as(city.admin)
    assert client.post(f"/api/v1/proposals/{pid}/assign", json={"opd_id": city.opd.id}).json["assigned_opd_id"] == city.opd.id
    login_as(city.officer)
    assert client.post(f"/api/v1/proposals/{pid}/start-review", json={}).json["state"] == "in_review"
    body = client.post(f"/api/v1/proposals/{pid}/review", json={
        "decision": "mark_ready", "feasibility": "feasible", "recommendation": "Layak", "cost_estimate": "14000000"}).json
    assert body["state"] == "ready_for_council" and body["reviews"][0]["cost_estimate"] == "14000000"
    assert [t["action"] for t in body["transitions"]] == ["create", "submit", "assign", "start_review", "mark_ready"]


def test_api_refusals_are_409_and_403_with_reasons_and_change_nothing(city, client, login_as):
    p = make_proposal(city, S.submitted)
    login_as(city.rt_head)
    response = client.post(f"/api/v1/proposals/{p.id}/submit", json={})
    assert response.status_code == 409 and response.json["code"] == "conflict" and response.json["message"]
    login_as(city.officer)
    response = client.post(f"/api/v1/proposals/{p.id}/assign", json={"opd_id": city.opd.id})
    assert response.status_code == 403 and response.json["code"] == "forbidden" and response.json["message"]
    login_as(city.rt_head)
    response = client.post(f"/api/v1/proposals/{p.id}/endorse", json={})
    assert response.status_code == 409 and response.json["message"]
    response = client.patch(f"/api/v1/proposals/{p.id}", json={"title": "Diubah setelah kirim"})
    assert response.status_code == 409
    db.session.refresh(p)
    assert p.state == S.submitted and p.assigned_opd_id is None and p.title == "Bank sampah digital RT 001"
    assert p.endorsements == [] and len(p.transitions) == 2


def test_api_comments_and_hide(city, client, login_as):
    p = make_proposal(city, S.submitted)
    login_as(city.partner_rep)
    comment = client.post(f"/api/v1/proposals/{p.id}/comments", json={"body": "Kami siap membantu"}).json
    login_as(city.admin)
    hidden = client.post(f"/api/v1/proposals/comments/{comment['id']}/hide", json={"reason": "Iklan"}).json
    assert hidden["hidden"] is True and hidden["body"] is None
    assert db.session.get(Comment, comment["id"]).body == "Kami siap membantu"


def test_openapi_documents_the_proposal_operations(client):
    paths = client.get("/api/v1/openapi.json").json["paths"] if client.get("/api/v1/openapi.json").status_code == 200 \
        else client.get("/api/openapi.json").json["paths"]
    assert "/api/v1/proposals/{proposal_id}/review" in paths
    assert "409" in paths["/api/v1/proposals/{proposal_id}/submit"]["post"]["responses"]


# -- home and demo ----------------------------------------------------------------------------

def test_home_sections_per_role(city, client, login_as):
    p = make_proposal(city, S.submitted, title="Usulan menunggu penugasan")
    login_as(city.admin)
    assert "Usulan menunggu penugasan" in client.get("/").get_data(as_text=True)
    login_as(city.rt_head)
    assert "Usulan menunggu penugasan" in client.get("/").get_data(as_text=True)
    services.assign_proposal(city.admin, p, city.opd)
    db.session.commit()
    login_as(city.officer)
    assert "Usulan menunggu penugasan" in client.get("/").get_data(as_text=True)
    login_as(city.officer2)
    assert "Usulan menunggu penugasan" not in client.get("/").get_data(as_text=True)


def test_demo_seed_is_idempotent(app):
    from collab.demo import seed_demo

    seed_demo()
    db.session.commit()
    n = db.session.scalar(select(func.count(Proposal.id)))
    seed_demo()
    db.session.commit()
    assert n >= 10 and db.session.scalar(select(func.count(Proposal.id))) == n
    states = set(db.session.scalars(select(Proposal.state)))
    assert {S.draft, S.submitted, S.in_review, S.ready_for_council, S.withdrawn} <= states


def test_carry_over_moves_to_next_cycle_with_history(city, client, login_as):
    p = make_proposal(city, S.rejected)
    year = p.year
    login_as(city.admin)
    assert client.post(f"/proposals/{p.id}/carry-over", data={"note": "Bukan tahun ini"}).status_code == 302
    db.session.refresh(p)
    assert p.state == S.ready_for_council and p.year == year + 1
    assert [t.action for t in p.transitions][-2:] == ["reject", "carry_over"]
    login_as(city.rt_head)
    response = client.post(f"/api/v1/proposals/{p.id}/carry-over", json={})
    assert response.status_code == 403


def test_recommendation_chain_rw_then_kelurahan(city, client):
    p = make_proposal(city, S.submitted)
    with pytest.raises(PermissionDenied):
        services.recommend_proposal(city.rt_head2, p, "Bukan RW-nya")
    services.recommend_proposal(city.rw_head, p, "RW 001 mendukung penuh.")
    with pytest.raises(Conflict):
        services.recommend_proposal(city.rw_head, p, "Sekali lagi")
    services.recommend_proposal(city.admin, p, "Kelurahan Kauman merekomendasikan.")
    db.session.commit()
    assert [(r.tier, r.area_id) for r in p.recommendations] == [("rw", city.rw.id), ("kelurahan", city.kel.id)]
    html = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "RW 001 mendukung penuh." in html and "Kelurahan Kauman merekomendasikan." in html
    with pytest.raises(PermissionDenied):
        services.recommend_proposal(city.rw_head, make_proposal(city), "Draf")


def test_paths_cover_every_state():
    assert set(PATHS) == set(ProposalState)
    assert OfficeTerm  # the successor test relies on office terms


def test_counts_per_kelurahan_on_the_list_and_in_the_api(city, client):
    make_proposal(city, S.submitted, title="Bank sampah RT satu")
    make_proposal(city, S.in_review, title="Posyandu digital RT satu")
    make_proposal(city, S.submitted, title="Taman baca Blooto", author=city.rt_head2)
    make_proposal(city, title="Draf yang tidak dihitung", author=city.rt_head2)  # drafts are not public
    body = client.get("/api/v1/proposals/").json
    assert [(r["kelurahan"], r["count"]) for r in body["counts_by_kelurahan"]] == [("Kauman", 2), ("Blooto", 1)]
    body = client.get("/api/v1/proposals/?state=in_review").json
    assert [(r["kelurahan"], r["count"]) for r in body["counts_by_kelurahan"]] == [("Kauman", 1)]
    html = client.get("/proposals/").get_data(as_text=True)
    table = html[html.index('id="kelurahan-counts"'):]
    assert f'data-kelurahan="{city.kel.id}"' in table and f'data-kelurahan="{city.kel2.id}"' in table
    assert f'<a href="/proposals/?kelurahan={city.kel2.id}">Blooto</a></td><td>1</td>' in table


def test_comment_thread_is_paged_and_a_new_comment_lands_where_it_shows(city, client, login_as):
    from collab.proposals.views import COMMENTS_PER_PAGE

    proposal = make_proposal(city, S.submitted)
    for i in range(COMMENTS_PER_PAGE):
        services.add_comment(city.rt_head2, proposal, f"Komentar lama {i:03d}")
    db.session.commit()
    first = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert first.count("Komentar lama") == COMMENTS_PER_PAGE and "Halaman 1 dari" not in first  # one full page: no pager
    login_as(city.rw_head)
    r = client.post(f"/proposals/{proposal.id}/comments", data={"body": "Komentar paling baru"})
    assert r.status_code == 302 and "page=2" in r.location and "#comment-" in r.location
    page2 = client.get(r.location).get_data(as_text=True)
    assert "Komentar paling baru" in page2 and "Komentar lama" not in page2 and "Halaman 2 dari 2" in page2
    assert "Komentar paling baru" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
