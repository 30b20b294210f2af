"""Programme editing, linked proposals, leaving, evidence uploads through the API, and the
masterplan's "realised via programme" operation."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from collab.core.audit import AuditLog
from collab.core.errors import Conflict, PermissionDenied, ValidationFailed
from collab.extensions import db
from collab.masterplan import services as masterplan
from collab.masterplan.models import DimensionCode
from collab.programmes import services
from collab.programmes.models import (
    Commitment,
    CommitmentKind,
    MemberStatus,
    Milestone,
    MilestoneStatus,
    Programme,
    ProgrammeProposal,
)
from tests.fixtures.programmes import create_programme
from tests.fixtures.proposals import S, make_proposal

TODAY = date.today()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def _audit(action) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def _token(user) -> dict:
    from collab.accounts.services import create_api_token

    _, raw = create_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


# -- editing ------------------------------------------------------------------------------------

def test_co_owner_edits_programme_and_links_accepted_proposals(programme, city):
    accepted = make_proposal(city, S.accepted, title="Bank sampah RT 001")
    submitted = make_proposal(city, S.submitted, title="Belum diputus")
    extra = city.item(DimensionCode.environment, 2025, "Bank sampah tahap 2")
    with pytest.raises(ValidationFailed) as exc:
        services.update_programme(city.officer2, programme, name="Bank sampah", goal="", dimension=programme.dimension,
                                  items=programme.items, proposal_ids=[accepted.id, submitted.id])
    assert "proposals" in exc.value.errors
    db.session.rollback()
    services.update_programme(city.officer2, programme, name="Bank sampah se-kota", goal="Semua kelurahan.",
                              dimension=programme.dimension, items=[*programme.items, extra], proposal_ids=[accepted.id],
                              starts_on=programme.starts_on, ends_on=programme.ends_on)
    db.session.commit()
    db.session.expire_all()
    assert programme.name == "Bank sampah se-kota" and extra in programme.items
    assert [pl.proposal_id for pl in programme.proposal_links] == [accepted.id]
    assert _audit("programme.edit")


def test_partner_cannot_edit_the_programme(programme, city):
    with pytest.raises(PermissionDenied):
        services.update_programme(city.partner_rep, programme, name="X", goal="", dimension=programme.dimension,
                                  items=programme.items)


@pytest.mark.parametrize("change,field", [
    ({"name": "  "}, "name"),
    ({"starts_on": TODAY, "ends_on": TODAY - timedelta(days=1)}, "ends_on"),
    ({"ends_on": TODAY + timedelta(days=1)}, "ends_on"),  # milestones are due later
    ({"dimension": DimensionCode.economy}, "items"),  # linked items are environment items
])
def test_bad_edits_are_refused_and_nothing_changes(programme, city, change, field):
    args = {"name": programme.name, "goal": programme.goal, "dimension": programme.dimension,
            "items": programme.items, "starts_on": programme.starts_on, "ends_on": programme.ends_on, **change}
    with pytest.raises(ValidationFailed) as exc:
        services.update_programme(city.officer, programme, **args)
    assert field in exc.value.errors
    db.session.rollback()
    assert db.session.get(Programme, programme.id).name == "Bank sampah keroyokan"


def test_edit_page_flow_and_error_in_indonesian(programme, city, client, login_as):
    login_as(city.officer)
    page = client.get(f"/programmes/{programme.id}/edit")
    assert page.status_code == 200 and "Ubah program" in page.get_data(as_text=True)
    bad = client.post(f"/programmes/{programme.id}/edit", data={"name": "Baru", "dimension": "environment",
                                                               "starts_on": "2026-05-01", "ends_on": "2026-04-01"})
    assert bad.status_code == 422 and "tidak boleh sebelum" in bad.get_data(as_text=True)
    ok = client.post(f"/programmes/{programme.id}/edit",
                     data={"name": "Nama baru", "goal": "Tujuan", "dimension": "environment",
                           "items": [i.id for i in programme.items],
                           "starts_on": programme.starts_on.isoformat(), "ends_on": programme.ends_on.isoformat()})
    assert ok.status_code == 302
    assert "Nama baru" in client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    login_as(city.partner_rep)
    assert client.get(f"/programmes/{programme.id}/edit").status_code == 403


def test_api_edit_has_the_same_rules(programme, city, client):
    auth = _token(city.officer)
    accepted = make_proposal(city, S.accepted)
    r = client.put(f"/api/v1/programmes/{programme.id}", headers=auth,
                   json={"name": "Lewat API", "dimension": "environment", "item_ids": [i.id for i in programme.items],
                         "proposal_ids": [accepted.id]})
    assert r.status_code == 200 and r.json["name"] == "Lewat API" and r.json["proposals"] == [accepted.id]
    r = client.put(f"/api/v1/programmes/{programme.id}", headers=auth,
                   json={"name": "X", "dimension": "environment", "item_ids": [999999]})
    assert r.status_code == 422
    r = client.put(f"/api/v1/programmes/{programme.id}", headers=_token(city.partner_rep),
                   json={"name": "X", "dimension": "environment"})
    assert r.status_code == 403


def test_proposal_link_has_a_foreign_key(programme):
    db.session.add(ProgrammeProposal(programme_id=programme.id, proposal_id=987654))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_create_form_links_accepted_proposals(city, client, login_as):
    accepted = make_proposal(city, S.accepted, title="Usulan diterima")
    login_as(city.officer)
    assert "Usulan diterima" in client.get("/programmes/new").get_data(as_text=True)
    r = client.post("/programmes/new", data={"name": "Dari usulan", "dimension": "environment", "lead": city.opd.id,
                                             "proposals": [accepted.id]})
    assert r.status_code == 302
    programme = db.session.scalar(select(Programme).where(Programme.name == "Dari usulan"))
    assert [pl.proposal_id for pl in programme.proposal_links] == [accepted.id]
    assert "Usulan diterima" in client.get(f"/programmes/{programme.id}").get_data(as_text=True)


# -- leaving ------------------------------------------------------------------------------------

def test_partner_leaves_its_milestones_pass_to_the_lead(city):
    programme = create_programme(city, milestones=((1, 30),))
    milestone = programme.milestones[0]
    milestone.owner_organisation = city.partner
    db.session.commit()
    member = programme.member_for(city.partner.id)
    with pytest.raises(PermissionDenied):
        services.remove_member(city.officer2, member)  # a co-owner cannot remove another member
    services.remove_member(city.partner_rep, member)
    db.session.commit()
    assert member.status == MemberStatus.left and milestone.owner_organisation_id == city.opd.id
    with pytest.raises(PermissionDenied):
        services.add_commitment(city.partner_rep, programme, kind=CommitmentKind.data, description="Data")
    with pytest.raises(PermissionDenied):
        services.remove_member(city.partner_rep, member)
    with pytest.raises(PermissionDenied):
        services.remove_member(city.officer, programme.member_for(city.opd.id))  # the lead stays
    # invited again, it can come back
    services.invite_member(city.officer, programme, city.partner, member.role)
    assert member.status == MemberStatus.invited


def test_member_removal_via_page_and_api(programme, city, client, login_as):
    login_as(city.officer)
    member = programme.member_for(city.opd2.id)
    page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert f"/programmes/members/{member.id}/remove" in page
    assert client.post(f"/programmes/members/{member.id}/remove").status_code == 302
    assert db.session.get(type(member), member.id).status == MemberStatus.left
    partner = programme.member_for(city.partner.id)
    assert client.delete(f"/api/v1/programmes/members/{partner.id}", headers=_token(city.partner_rep)).status_code == 204
    assert client.delete(f"/api/v1/programmes/members/{partner.id}", headers=_token(city.officer)).status_code == 403


# -- evidence and photos through the API (multipart) --------------------------------------------

def test_api_milestone_evidence_upload_is_content_checked(programme, city, client):
    auth = _token(city.officer)
    m = programme.milestones[0]
    url = f"/api/v1/programmes/milestones/{m.id}/complete/upload"
    bad = client.post(url, headers=auth, content_type="multipart/form-data",
                      data={"evidence_file": (io.BytesIO(b"MZ\x90 not a pdf"), "bukti.pdf")})
    assert bad.status_code == 422 and bad.json["errors"]["evidence_file"]
    assert db.session.get(Milestone, m.id).status == MilestoneStatus.planned
    ok = client.post(url, headers=auth, content_type="multipart/form-data",
                     data={"evidence_note": "Berita acara", "evidence_file": (io.BytesIO(PDF), "ba.pdf")})
    assert ok.status_code == 200 and ok.json["status"] == "done"
    stored = db.session.get(Milestone, m.id).evidence_file
    assert client.get(f"/programmes/files/{stored}").data == PDF


def test_api_fulfilment_upload_only_by_the_pledging_partner(programme, city, partners, client):
    commitment = services.add_commitment(city.partner_rep, programme, kind=CommitmentKind.funds, amount=5_000_000)
    db.session.commit()
    url = f"/api/v1/programmes/commitments/{commitment.id}/fulfil/upload"
    form = {"fulfilled_on": TODAY.isoformat(), "amount": "5000000", "evidence_file": (io.BytesIO(PNG), "kuitansi.png")}
    assert client.post(url, headers=_token(city.officer), content_type="multipart/form-data",
                       data=dict(form, evidence_file=(io.BytesIO(PNG), "k.png"))).status_code == 403
    too_much = client.post(url, headers=_token(city.partner_rep), content_type="multipart/form-data",
                           data=dict(form, amount="-1", evidence_file=(io.BytesIO(PNG), "k.png")))
    assert too_much.status_code == 422
    ok = client.post(url, headers=_token(city.partner_rep), content_type="multipart/form-data", data=form)
    assert ok.status_code == 200 and ok.json["fulfilled_on"] == TODAY.isoformat()
    assert db.session.get(Commitment, commitment.id).evidence_file.endswith(".png")


def test_api_update_with_photo(programme, city, client):
    auth = _token(city.partner_rep)
    url = f"/api/v1/programmes/{programme.id}/updates"
    bad = client.post(url, headers=auth, content_type="multipart/form-data",
                      data={"body": "Foto", "photo": (io.BytesIO(PDF), "foto.png")})
    assert bad.status_code == 422
    ok = client.post(url, headers=auth, content_type="multipart/form-data",
                     data={"body": "Penimbangan perdana", "photo": (io.BytesIO(PNG), "foto.png")})
    assert ok.status_code == 201 and client.get(ok.json["photo_url"]).data == PNG
    assert "/api/v1/programmes/{programme_id}/updates" in client.get("/api/v1/openapi.json").json["paths"]


# -- realisation through the masterplan ---------------------------------------------------------

def test_realise_via_programme_is_a_masterplan_operation(programme, city):
    item = programme.items[0]
    other = city.item(DimensionCode.environment, 2024, "Bukan butir program ini")
    with pytest.raises(PermissionDenied):
        masterplan.realise_via_programme(city.partner_rep, item, programme=programme, realised_on=TODAY, note="x")
    with pytest.raises(ValidationFailed):
        masterplan.realise_via_programme(city.officer, other, programme=programme, realised_on=TODAY, note="x")
    with pytest.raises(ValidationFailed):
        masterplan.realise_via_programme(city.officer, item, programme=programme,
                                         realised_on=TODAY + timedelta(days=1), note="x")
    with pytest.raises(Conflict):  # the programme's own rule: every milestone done and evidenced first
        services.realise_linked_items(city.officer, programme)
    for m in programme.milestones:
        services.complete_milestone(city.officer, m, evidence_note="Bukti")
    realised = services.realise_linked_items(city.officer, programme)
    db.session.commit()
    assert realised == [item] and item.realised_on == TODAY and "Tahap 1" in item.realisation_note
    [entry] = _audit("masterplan_item.realise")
    assert entry.object_id == item.id and entry.data["programme"] == programme.id


def test_overdue_rows_are_styled(city, client):
    programme = create_programme(city, milestones=((1, 30),))
    programme.milestones[0].due_on = TODAY - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert 'class="overdue"' in page
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "tr.overdue" in css


def test_api_covers_the_whole_path_to_a_realised_item(city, client):
    from collab.masterplan.services import realisation

    item = city.item(DimensionCode.environment, 2024, "Lewat API")
    auth = _token(city.officer)
    created = client.post("/api/v1/programmes/", headers=auth, json={
        "name": "Program API", "dimension": "environment", "lead_organisation_id": city.opd.id, "item_ids": [item.id]})
    pid = created.json["id"]
    refused = client.post(f"/api/v1/programmes/{pid}/start", headers=auth)
    assert refused.status_code == 422 and refused.json["errors"]["milestones"]  # a weight sum of zero
    m = client.post(f"/api/v1/programmes/{pid}/milestones", headers=auth,
                    json={"title": "Tahap", "weight": 1, "due_on": TODAY.isoformat()}).json
    assert client.put(f"/api/v1/programmes/milestones/{m['id']}", headers=auth,
                      json={"title": "Tahap satu", "weight": 0, "due_on": TODAY.isoformat()}).status_code == 422
    assert client.post(f"/api/v1/programmes/{pid}/start", headers=auth).json["state"] == "active"
    assert client.post(f"/api/v1/programmes/milestones/{m['id']}/start", headers=auth).json["status"] == "in_progress"
    assert client.post(f"/api/v1/programmes/{pid}/realise", headers=auth, json={}).status_code == 409
    client.post(f"/api/v1/programmes/milestones/{m['id']}/complete", headers=auth, json={"evidence_note": "BA"})
    before = realisation(city.plan)[DimensionCode.environment][2024].realised
    done = client.post(f"/api/v1/programmes/{pid}/realise", headers=auth, json={})
    assert done.status_code == 200 and done.json["state"] == "completed"
    assert realisation(city.plan)[DimensionCode.environment][2024].realised == before + 1
    client.post(f"/api/v1/programmes/{pid}/updates", headers=auth, content_type="multipart/form-data",
                data={"body": "Selesai"})
    feed = client.get(f"/api/v1/programmes/{pid}/updates").json
    assert [u["body"] for u in feed["items"]] == ["Selesai"] and feed["meta"]["total"] == 1


def test_api_list_query_count_does_not_grow(city, client, count_queries):
    accepted = make_proposal(city, S.accepted)

    def list_queries():
        with count_queries() as q:
            assert client.get("/api/v1/programmes/?per_page=50").status_code == 200
        return q.count

    create_programme(city, name="Satu")
    before = list_queries()
    for i in range(4):
        programme = create_programme(city, name=f"Lagi {i}")
        programme.proposal_links.append(ProgrammeProposal(proposal_id=accepted.id))
    db.session.commit()
    assert list_queries() == before



def _carried(city, programme):
    accepted = make_proposal(city, S.accepted, title="Bank sampah RT 001")
    draft = create_programme(city, name="Programme rancangan", start=False)
    for p in (programme, draft):
        p.proposal_links.append(ProgrammeProposal(proposal_id=accepted.id))
    db.session.commit()
    return accepted


def test_proposal_page_names_the_programmes_that_carry_it_out(programme, city, client):
    accepted = _carried(city, programme)
    lonely = make_proposal(city, S.accepted, title="Belum ada programmenya")
    page = client.get(f"/proposals/{accepted.id}").get_data(as_text=True)
    assert "Dilaksanakan oleh" in page and f'href="/programmes/{programme.id}"' in page
    assert "Bank sampah keroyokan" in page and "Programme rancangan" not in page  # drafts stay hidden
    assert 'id="proposal-programmes"' not in client.get(f"/proposals/{lonely.id}").get_data(as_text=True)


def test_proposal_page_shows_a_draft_programme_to_its_members_in_english(programme, city, client, login_as):
    accepted = _carried(city, programme)
    city.partner_rep.locale = "en"
    db.session.commit()
    login_as(city.partner_rep)
    page = client.get(f"/proposals/{accepted.id}").get_data(as_text=True)
    assert "Carried out by" in page and "Programme rancangan" in page and "Bank sampah keroyokan" in page


def test_api_lists_the_programmes_of_a_proposal(programme, city, client):
    accepted = _carried(city, programme)
    other = create_programme(city, name="Program lain")
    r = client.get(f"/api/v1/programmes/?proposal={accepted.id}")
    assert r.status_code == 200 and [p["id"] for p in r.json["items"]] == [programme.id]  # not the draft, not `other`
    assert other.id in [p["id"] for p in client.get("/api/v1/programmes/").json["items"]]
    assert client.get("/api/v1/programmes/?proposal=abc").status_code == 422
    assert "proposal" in str(client.get("/api/v1/openapi.json").json["paths"]["/api/v1/programmes/"]["get"]["parameters"])


@pytest.mark.parametrize("url", ["/proposals/", "/programmes/"])
@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "abc"])
def test_lists_answer_any_page_number_without_an_error(programme, city, client, url, page):
    make_proposal(city, S.submitted)
    r = client.get(f"{url}?page={page}")
    assert r.status_code == 200 and 'lang="id"' in r.get_data(as_text=True)


def test_updates_feed_on_the_page_is_paged_newest_first(programme, city, client):
    from collab.programmes.views import UPDATES_ON_PAGE

    for i in range(UPDATES_ON_PAGE + 3):
        services.post_update(city.officer, programme, body=f"Kabar nomor {i:02d}")
    db.session.commit()
    first = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    newest, oldest = f"Kabar nomor {UPDATES_ON_PAGE + 2:02d}", "Kabar nomor 00"
    assert newest in first and oldest not in first and first.count("Kabar nomor") == UPDATES_ON_PAGE
    assert "Halaman 1 dari 2" in first
    second = client.get(f"/programmes/{programme.id}?page=2").get_data(as_text=True)
    assert oldest in second and newest not in second and second.count("Kabar nomor") == 3


HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [f"/proposals/?opd={HUGE}", f"/proposals/?kelurahan={HUGE}&year={HUGE}",
                                 f"/programmes/?org={HUGE}", f"/evaluation?year={HUGE}", f"/evaluation.csv?year={HUGE}"])
def test_pages_take_numbers_no_column_can_hold(programme, city, client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [f"/api/v1/proposals/?opd={HUGE}", f"/api/v1/proposals/?kelurahan={HUGE}",
                                 f"/api/v1/proposals/?year={HUGE}", f"/api/v1/programmes/?proposal={HUGE}",
                                 f"/api/v1/reports/evaluation?year={HUGE}", "/api/v1/programmes/{id}/messages?after=" + HUGE])
def test_api_refuses_numbers_no_column_can_hold_with_422(programme, city, client, login_as, url):
    login_as(city.officer)
    assert client.get(url.replace("{id}", str(programme.id))).status_code == 422


def test_a_refusal_after_a_form_shown_again_goes_back_to_the_programme_page(city, client, login_as):
    """The milestone form refused with errors is shown at its POST-only address; a refused action
    from that page must land on the programme page, not on a 405 at that address."""
    from tests.fixtures.programmes import create_programme

    programme = create_programme(city, milestones=(), start=False)
    login_as(city.officer)
    shown_again = client.post(f"/programmes/{programme.id}/milestones", data={"title": ""})
    assert shown_again.status_code == 422
    refused = client.post(f"/programmes/{programme.id}/start",
                          headers={"Referer": f"http://localhost/programmes/{programme.id}/milestones"})
    assert refused.status_code == 302 and refused.location == f"/programmes/{programme.id}"
    page = client.get(refused.location)
    assert page.status_code == 200 and 'class="flash flash-error"' in page.get_data(as_text=True)
