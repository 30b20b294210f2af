"""Keroyokan programmes: membership, commitments, milestones, progress, realisation."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from collab.core.audit import AuditLog
from collab.core.errors import Conflict, PermissionDenied, ValidationFailed
from collab.extensions import db
from collab.masterplan.models import DimensionCode
from collab.masterplan.services import realisation
from collab.programmes import services
from collab.programmes.models import (
    Commitment,
    CommitmentKind,
    MemberRole,
    MemberStatus,
    Milestone,
    MilestoneStatus,
    Programme,
    ProgrammeState,
)
from tests.fixtures.programmes import create_programme

TODAY = date.today()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- creating and membership --------------------------------------------------------------------

def test_officer_creates_programme_for_own_opd_only(city):
    programme = services.create_programme(city.officer, name="Bank sampah", goal="", dimension=DimensionCode.environment,
                                          lead=city.opd)
    assert programme.state == ProgrammeState.draft
    assert [(m.organisation, m.role, m.status) for m in programme.members] == [
        (city.opd, MemberRole.lead, MemberStatus.accepted)]
    with pytest.raises(PermissionDenied):
        services.create_programme(city.officer, name="X", goal="", dimension=DimensionCode.environment, lead=city.opd2)
    with pytest.raises(PermissionDenied):
        services.create_programme(city.partner_rep, name="X", goal="", dimension=DimensionCode.environment,
                                  lead=city.opd)


def test_create_refuses_dates_out_of_order_and_wrong_dimension(city):
    item = city.item(DimensionCode.living, 2024, "Posyandu")
    with pytest.raises(ValidationFailed) as exc:
        services.create_programme(city.admin, name="X", goal="", dimension=DimensionCode.environment, lead=city.opd,
                                  items=[item], starts_on=TODAY, ends_on=TODAY - timedelta(days=1))
    assert set(exc.value.errors) == {"ends_on", "items"}
    db.session.rollback()
    assert _count(Programme) == 0


def test_invitation_accept_and_decline_only_by_invited_org(city, partners):
    programme = create_programme(city, members=False, start=False)
    member = services.invite_member(city.officer, programme, city.partner, MemberRole.partner)
    with pytest.raises(PermissionDenied):
        services.respond_to_invitation(partners.csr_rep, member, accept=True)
    with pytest.raises(PermissionDenied):
        services.respond_to_invitation(city.officer, member, accept=True)
    services.respond_to_invitation(city.partner_rep, member, accept=False)
    assert member.status == MemberStatus.declined
    with pytest.raises(PermissionDenied):  # only the lead invites
        services.invite_member(city.partner_rep, programme, partners.csr, MemberRole.partner)
    with pytest.raises(ValidationFailed):  # a partner cannot be a co-owner
        services.invite_member(city.officer, programme, partners.csr, MemberRole.co_owner)
    services.invite_member(city.officer, programme, partners.csr, MemberRole.partner)
    with pytest.raises(Conflict):
        services.invite_member(city.officer, programme, partners.csr, MemberRole.partner)


def test_start_refused_without_milestones_zero_weight_sum(city):
    programme = create_programme(city, milestones=(), start=False)
    with pytest.raises(ValidationFailed) as exc:
        services.start_programme(city.officer, programme)
    assert "milestones" in exc.value.errors
    assert programme.state == ProgrammeState.draft


# -- commitments --------------------------------------------------------------------------------

def test_partner_records_and_fulfils_own_commitment(programme, city):
    c = services.add_commitment(city.partner_rep, programme, kind=CommitmentKind.funds, amount="150000000",
                                due_on=TODAY + timedelta(days=30))
    assert c.organisation_id == city.partner.id and c.amount == Decimal("150000000.00")
    services.fulfil_commitment(city.partner_rep, c, fulfilled_on=TODAY, amount=100_000_000,
                               evidence_url="https://baznas.example/bukti.pdf")
    db.session.commit()
    assert programme.pledges() == [{"organisation": city.partner, "pledged": Decimal("150000000.00"),
                                    "fulfilled": Decimal("100000000.00"), "count": 1, "done": 1}]
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "commitment.fulfil")) == 1


@pytest.mark.parametrize("amount,message", [("-5", "negatif"), ("1e15", "tidak masuk akal"), ("abc", "hanya angka")])
def test_bad_amounts_are_refused_and_nothing_saved(programme, city, amount, message):
    with pytest.raises(ValidationFailed) as exc:
        services.add_commitment(city.partner_rep, programme, kind=CommitmentKind.funds, amount=amount)
    assert message in str(exc.value.errors["amount"][0])
    db.session.rollback()
    assert _count(Commitment) == 0


def test_database_refuses_negative_amount_too(programme, city):
    db.session.add(Commitment(programme_id=programme.id, organisation_id=city.partner.id, kind=CommitmentKind.funds,
                              amount=Decimal("-1")))
    with pytest.raises(Exception):  # noqa: B017  (IntegrityError on both engines)
        db.session.flush()
    db.session.rollback()


def test_partner_cannot_edit_another_partners_pledge(programme, city, partners):
    member = services.invite_member(city.officer, programme, partners.csr, MemberRole.partner)
    services.respond_to_invitation(partners.csr_rep, member, accept=True)
    c = services.add_commitment(city.partner_rep, programme, kind=CommitmentKind.funds, amount=1_000_000)
    db.session.commit()
    for other in (partners.csr_rep, city.officer):
        with pytest.raises(PermissionDenied):
            services.update_commitment(other, c, kind=CommitmentKind.funds, amount=1)
        with pytest.raises(PermissionDenied):
            services.fulfil_commitment(other, c, fulfilled_on=TODAY, amount=1, evidence_note="x")
    db.session.rollback()
    assert db.session.get(Commitment, c.id).amount == Decimal("1000000.00")


def test_commitment_dates_and_evidence_rules(programme, city):
    with pytest.raises(ValidationFailed) as exc:
        services.add_commitment(city.partner_rep, programme, kind=CommitmentKind.volunteers, description="20 relawan",
                                due_on=TODAY + timedelta(days=3000))
    assert "due_on" in exc.value.errors
    c = services.add_commitment(city.partner_rep, programme, kind=CommitmentKind.volunteers, description="20 relawan")
    with pytest.raises(ValidationFailed) as exc:
        services.fulfil_commitment(city.partner_rep, c, fulfilled_on=TODAY + timedelta(days=2))
    assert {"fulfilled_on", "evidence_url"} <= set(exc.value.errors)
    with pytest.raises(ValidationFailed):
        services.fulfil_commitment(city.partner_rep, c, fulfilled_on=TODAY, evidence_url="javascript:alert(1)")
    assert not c.fulfilled


# -- milestones, progress, realisation ----------------------------------------------------------

def test_progress_is_weighted_share_of_done_milestones(programme, city):
    first, second = programme.milestones
    assert programme.progress == 0
    services.complete_milestone(city.officer, first, evidence_note="Berita acara")
    assert programme.progress == 40.0  # weights 2 and 3
    services.complete_milestone(city.officer2, second, evidence_url="https://dlh.example/foto")
    assert programme.progress == 100.0


def test_milestone_rules(programme, city):
    with pytest.raises(ValidationFailed) as exc:
        services.add_milestone(city.officer, programme, title="", weight=0, due_on=TODAY - timedelta(days=1000))
    assert set(exc.value.errors) == {"title", "weight", "due_on"}
    with pytest.raises(PermissionDenied):  # partners do not plan milestones
        services.add_milestone(city.partner_rep, programme, title="X", weight=1, due_on=TODAY)
    m = programme.milestones[0]
    with pytest.raises(PermissionDenied):  # nor complete a milestone another organisation owns
        services.complete_milestone(city.partner_rep, m, evidence_note="x")
    with pytest.raises(ValidationFailed):  # done needs evidence
        services.complete_milestone(city.officer, m)
    assert m.status == MilestoneStatus.planned


def test_partner_completes_milestone_it_owns(programme, city):
    m = services.add_milestone(city.officer, programme, title="Sosialisasi zakat", weight=1, due_on=TODAY,
                               owner=city.partner)
    services.complete_milestone(city.partner_rep, m, evidence_note="Foto kegiatan")
    assert m.status == MilestoneStatus.done and m.done_at is not None


def test_overdue_milestone(programme, city):
    m = services.add_milestone(city.officer, programme, title="Lama", weight=1, due_on=TODAY - timedelta(days=1))
    assert m.overdue() and not programme.milestones[-1].overdue(TODAY - timedelta(days=5))


def test_all_milestones_done_realises_linked_item_and_changes_realisation(programme, city):
    item = programme.items[0]
    before = realisation(city.plan)[DimensionCode.environment][2024]
    with pytest.raises(Conflict):
        services.realise_linked_items(city.officer, programme)
    for m in programme.milestones:
        services.complete_milestone(city.officer, m, evidence_note="Bukti")
    with pytest.raises(PermissionDenied):  # only the lead
        services.realise_linked_items(city.officer2, programme)
    realised = services.realise_linked_items(city.officer, programme)
    db.session.commit()
    assert realised == [item] and item.realised_on == TODAY and "Bank sampah keroyokan" in item.realisation_note
    assert programme.state == ProgrammeState.completed
    after = realisation(city.plan)[DimensionCode.environment][2024]
    assert (before.realised, after.realised, after.percent) == (0, 1, 100.0)


# -- pages --------------------------------------------------------------------------------------

def test_detail_page_in_indonesian_shows_members_and_progress(programme, client):
    page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "Bank sampah keroyokan" in page and "BAZNAS" in page and "Tahap 1" in page
    assert "Kemajuan" in page


def test_draft_is_hidden_from_the_public(city, client, login_as):
    programme = create_programme(city, start=False)
    assert client.get(f"/programmes/{programme.id}").status_code == 404
    assert "Bank sampah keroyokan" not in client.get("/programmes/").get_data(as_text=True)
    login_as(city.partner_rep)
    assert client.get(f"/programmes/{programme.id}").status_code == 200


def test_create_form_flow(city, client, login_as):
    item = city.item()
    login_as(city.officer)
    response = client.post("/programmes/new", data={"name": "Bank sampah", "goal": "g", "dimension": "environment",
                                                     "lead": city.opd.id, "items": [item.id]})
    assert response.status_code == 302
    assert db.session.scalar(select(Programme)).items == [item]


def test_negative_pledge_via_form_is_shown_and_not_saved(programme, city, client, login_as):
    login_as(city.partner_rep)
    response = client.post(f"/programmes/{programme.id}/commitments", data={"pledge-kind": "funds", "pledge-amount": "-1000"})
    assert response.status_code == 422
    assert "tidak boleh negatif" in response.get_data(as_text=True)
    assert _count(Commitment) == 0


def test_partner_cannot_edit_other_pledge_via_form(programme, city, partners, client, login_as):
    c = services.add_commitment(city.partner_rep, programme, kind=CommitmentKind.funds, amount=5)
    db.session.commit()
    login_as(partners.csr_rep)
    assert client.post(f"/programmes/commitments/{c.id}/edit", data={"kind": "funds", "amount": "1"}).status_code == 403
    assert db.session.get(Commitment, c.id).amount == Decimal("5.00")


def test_milestone_done_via_form(programme, city, client, login_as):
    login_as(city.officer)
    m = programme.milestones[0]
    response = client.post(f"/programmes/milestones/{m.id}/complete", data={f"m{m.id}-evidence_note": "Berita acara"})
    assert response.status_code == 302
    assert db.session.get(Milestone, m.id).status == MilestoneStatus.done


def test_list_query_count_is_bounded(city, client, count_queries):
    for i in range(6):
        create_programme(city, name=f"Programme {i}", items=[])
    with count_queries() as q:
        response = client.get("/programmes/")
    assert response.status_code == 200 and "Programme 5" in response.get_data(as_text=True)
    assert q.count <= 10, q.statements


def test_home_shows_due_milestones_and_invitations(programme, city, partners, client, login_as):
    services.invite_member(city.officer, programme, partners.csr, MemberRole.partner)
    services.add_milestone(city.officer, programme, title="Lapor ke wali kota", weight=1, due_on=TODAY + timedelta(days=3))
    db.session.commit()
    login_as(city.officer)
    page = client.get("/").get_data(as_text=True)
    assert "Lapor ke wali kota" in page and "Bank sampah keroyokan" in page
    login_as(partners.csr_rep)
    assert "Undangan" in client.get("/").get_data(as_text=True)


# -- API ----------------------------------------------------------------------------------------

def test_api_flow_and_errors(programme, city, client, login_as):
    login_as(city.partner_rep)
    r = client.post(f"/api/v1/programmes/{programme.id}/commitments", json={"kind": "funds", "amount": "-5"})
    assert r.status_code == 422 and r.json["errors"]["amount"]
    r = client.post(f"/api/v1/programmes/{programme.id}/commitments", json={"kind": "funds", "amount": "2500000"})
    assert r.status_code == 201
    login_as(city.officer2)
    assert client.put(f"/api/v1/programmes/commitments/{r.json['id']}", json={"kind": "funds", "amount": "1"}).status_code == 403
    data = client.get(f"/api/v1/programmes/{programme.id}").json
    assert data["progress"] == 0.0 and len(data["members"]) == 3


def test_demo_seed_is_idempotent(city):
    from collab.programmes.demo import seed

    seed(city.admin)
    seed(city.admin)
    db.session.commit()
    assert _count(Programme) >= 1
    assert len({p.name for p in db.session.scalars(select(Programme))}) == _count(Programme)


# -- evidence files and photos ------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def test_evidence_file_of_wrong_type_is_refused(programme, city, client, login_as):
    import io

    login_as(city.officer)
    m = programme.milestones[0]
    response = client.post(f"/programmes/milestones/{m.id}/complete", content_type="multipart/form-data",
                           data={f"m{m.id}-evidence_file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "bukti.pdf")})
    assert response.status_code == 422
    assert "PDF, JPG atau PNG" in response.get_data(as_text=True)
    assert db.session.get(Milestone, m.id).status == MilestoneStatus.planned


def test_evidence_file_too_large_is_refused(programme, city, app):
    from collab.programmes.uploads import Upload

    app.config["UPLOAD_MAX_BYTES"], before = 10, app.config["UPLOAD_MAX_BYTES"]
    try:
        with pytest.raises(ValidationFailed) as exc:
            services.complete_milestone(city.officer, programme.milestones[0], evidence_file=Upload("b.pdf", PDF))
    finally:
        app.config["UPLOAD_MAX_BYTES"] = before
    assert "evidence_file" in exc.value.errors


def test_evidence_pdf_and_photo_are_saved_after_commit_and_served(programme, city, client, login_as):
    import io

    login_as(city.officer)
    m = programme.milestones[0]
    response = client.post(f"/programmes/milestones/{m.id}/complete", content_type="multipart/form-data",
                           data={f"m{m.id}-evidence_file": (io.BytesIO(PDF), "berita-acara.pdf")})
    assert response.status_code == 302
    stored = db.session.get(Milestone, m.id).evidence_file
    assert stored and stored.endswith(".pdf") and db.session.get(Milestone, m.id).has_evidence
    assert client.get(f"/programmes/files/{stored}").data == PDF
    response = client.post(f"/programmes/{programme.id}/updates", content_type="multipart/form-data",
                           data={"update-body": "Peluncuran", "update-photo": (io.BytesIO(PNG), "foto.png")})
    assert response.status_code == 302
    photo = programme.updates[0].photo
    assert client.get(f"/programmes/files/{photo}").data == PNG
    assert client.get("/programmes/files/nothing.png").status_code == 404


def test_fulfil_form_error_shows_on_its_row_and_saves_nothing(programme, city, client, login_as):
    c = services.add_commitment(city.partner_rep, programme, kind=CommitmentKind.funds, amount=10)
    db.session.commit()
    login_as(city.partner_rep)
    future = (TODAY + timedelta(days=5)).isoformat()
    response = client.post(f"/programmes/commitments/{c.id}/fulfil", data={f"c{c.id}-fulfilled_on": future})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="c{c.id}-fulfilled_on-error"' in page and "masa depan" in page
    assert db.session.get(Commitment, c.id).fulfilled_at is None
