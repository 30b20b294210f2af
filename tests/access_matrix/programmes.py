"""Programmes: every route x role. The officer (DLH) leads; the partner rep (BAZNAS) is an accepted partner."""
from __future__ import annotations

from datetime import date

from collab.extensions import db
from collab.orgs.models import OrgKind, PartnerType
from collab.programmes import services
from collab.programmes.models import CommitmentKind, MemberRole
from tests.access_matrix import Route, api_only, api_public, only, public
from tests.fixtures.factories import create_org
from tests.fixtures.programmes import create_programme

LEAD = {"admin", "opd_officer"}
MEMBERS = {"admin", "opd_officer", "partner_rep"}
PLEDGERS = {"opd_officer", "partner_rep"}
TODAY = date.today().isoformat()


def _p(c):
    return create_programme(c)


def _draft(c):
    return create_programme(c, start=False)


def _invited(c):
    programme = create_programme(c, members=False)
    member = services.invite_member(c.officer, programme, c.partner, MemberRole.partner)
    db.session.commit()
    return member


def _pledge(c):
    commitment = services.add_commitment(c.partner_rep, _p(c), kind=CommitmentKind.funds, amount=1_000_000)
    db.session.commit()
    c.last = commitment  # the form fields of per-row forms carry the row id as prefix
    return commitment


def _partner_member(c):
    return _p(c).member_for(c.partner.id)


def _first_milestone(c):
    c.last = _p(c).milestones[0]
    return c.last


def _finished(c):
    programme = _p(c)
    for m in programme.milestones:
        services.complete_milestone(c.officer, m, evidence_note="Bukti")
    db.session.commit()
    return programme


def _new_partner(c):
    return create_org("PLN", OrgKind.partner, PartnerType.state_enterprise).id


def _milestone_data(c):
    return {"title": "Tahap baru", "weight": 2, "due_on": TODAY, "owner": c.opd.id}


ROUTES = [
    Route("programmes.index", "GET", lambda c: "/programmes/", public()),
    Route("programmes.new", "GET", lambda c: "/programmes/new", only(LEAD)),
    Route("programmes.new", "POST", lambda c: "/programmes/new", only(LEAD, 302),
          data=lambda c: {"name": "Program baru", "dimension": "environment", "lead": c.opd.id}),
    Route("programmes.detail", "GET", lambda c: f"/programmes/{_p(c).id}", public()),
    Route("programmes.invite", "POST", lambda c: f"/programmes/{_p(c).id}/invite", only(LEAD, 302),
          data=lambda c: {"invite-organisation": _new_partner(c), "invite-role": "partner"}),
    Route("programmes.respond", "POST", lambda c: f"/programmes/members/{_invited(c).id}/respond",
          only("partner_rep", 302), data=lambda c: {"answer": "accept"}),
    # drafts are invisible (404) to people outside the programme
    Route("programmes.start", "POST", lambda c: f"/programmes/{_draft(c).id}/start",
          {**only(LEAD, 302), "rt_rw_head": 404, "council_member": 404}),
    Route("programmes.add_commitment", "POST", lambda c: f"/programmes/{_p(c).id}/commitments", only(PLEDGERS, 302),
          data=lambda c: {"pledge-kind": "funds", "pledge-amount": "1000000"}),
    Route("programmes.edit_commitment", "GET", lambda c: f"/programmes/commitments/{_pledge(c).id}/edit",
          only("partner_rep")),
    Route("programmes.edit_commitment", "POST", lambda c: f"/programmes/commitments/{_pledge(c).id}/edit",
          only("partner_rep", 302), data=lambda c: {"kind": "funds", "amount": "2000000"}),
    Route("programmes.fulfil", "POST", lambda c: f"/programmes/commitments/{_pledge(c).id}/fulfil",
          only("partner_rep", 302),
          data=lambda c: {f"c{c.last.id}-fulfilled_on": TODAY, f"c{c.last.id}-amount": "1000000",
                          f"c{c.last.id}-evidence_note": "Kuitansi"}),
    Route("programmes.add_milestone", "POST", lambda c: f"/programmes/{_p(c).id}/milestones", only(LEAD, 302),
          data=lambda c: {f"milestone-{k}": v for k, v in _milestone_data(c).items()}),
    Route("programmes.edit_milestone", "GET", lambda c: f"/programmes/milestones/{_p(c).milestones[0].id}/edit",
          only(LEAD)),
    Route("programmes.edit_milestone", "POST", lambda c: f"/programmes/milestones/{_p(c).milestones[0].id}/edit",
          only(LEAD, 302), data=_milestone_data),
    Route("programmes.start_milestone", "POST", lambda c: f"/programmes/milestones/{_p(c).milestones[0].id}/start",
          only(LEAD, 302)),
    Route("programmes.complete_milestone", "POST",
          lambda c: f"/programmes/milestones/{_first_milestone(c).id}/complete", only(LEAD, 302),
          data=lambda c: {f"m{c.last.id}-evidence_note": "Berita acara"}),
    Route("programmes.delete_milestone", "POST", lambda c: f"/programmes/milestones/{_p(c).milestones[0].id}/delete",
          only(LEAD, 302)),
    Route("programmes.post_update", "POST", lambda c: f"/programmes/{_p(c).id}/updates", only(MEMBERS, 302),
          data=lambda c: {"update-body": "Kabar"}),
    Route("programmes.post_comment", "POST", lambda c: f"/programmes/{_p(c).id}/comments", only(MEMBERS, 302),
          data=lambda c: {"comment-body": "Pesan", "comment-client_key": "k1"}),
    Route("programmes.edit", "GET", lambda c: f"/programmes/{_p(c).id}/edit", only(LEAD)),
    Route("programmes.edit", "POST", lambda c: f"/programmes/{_p(c).id}/edit", only(LEAD, 302),
          data=lambda c: {"name": "Nama baru", "goal": "", "dimension": "environment"}),
    Route("programmes.remove_member", "POST", lambda c: f"/programmes/members/{_partner_member(c).id}/remove",
          only(MEMBERS, 302)),
    Route("programmes.realise", "POST", lambda c: f"/programmes/{_finished(c).id}/realise", only(LEAD, 302)),

    Route("api_programmes.Programmes", "GET", lambda c: "/api/v1/programmes/", api_public()),
    Route("api_programmes.Programmes", "POST", lambda c: "/api/v1/programmes/", api_only(LEAD, 201), json=True,
          data=lambda c: {"name": "Program API", "dimension": "environment", "lead_organisation_id": c.opd.id}),
    Route("api_programmes.ProgrammeOne", "GET", lambda c: f"/api/v1/programmes/{_p(c).id}", api_public()),
    Route("api_programmes.invite_member", "POST", lambda c: f"/api/v1/programmes/{_p(c).id}/members",
          api_only(LEAD, 201), json=True, data=lambda c: {"organisation_id": _new_partner(c), "role": "partner"}),
    Route("api_programmes.respond", "POST", lambda c: f"/api/v1/programmes/members/{_invited(c).id}/respond",
          api_only("partner_rep"), json=True, data=lambda c: {"accept": True}),
    Route("api_programmes.add_commitment", "POST", lambda c: f"/api/v1/programmes/{_p(c).id}/commitments",
          api_only(PLEDGERS, 201), json=True, data=lambda c: {"kind": "in_kind", "description": "Tong sampah"}),
    Route("api_programmes.update_commitment", "PUT", lambda c: f"/api/v1/programmes/commitments/{_pledge(c).id}",
          api_only("partner_rep"), json=True, data=lambda c: {"kind": "funds", "amount": "5"}),
    Route("api_programmes.fulfil_commitment", "POST",
          lambda c: f"/api/v1/programmes/commitments/{_pledge(c).id}/fulfil", api_only("partner_rep"), json=True,
          data=lambda c: {"fulfilled_on": TODAY, "amount": "1000000", "evidence_note": "Kuitansi"}),
    Route("api_programmes.add_milestone", "POST", lambda c: f"/api/v1/programmes/{_p(c).id}/milestones",
          api_only(LEAD, 201), json=True, data=lambda c: {"title": "API", "weight": 1, "due_on": TODAY}),
    Route("api_programmes.ProgrammeOne", "PUT", lambda c: f"/api/v1/programmes/{_p(c).id}", api_only(LEAD), json=True,
          data=lambda c: {"name": "Nama API", "dimension": "environment"}),
    Route("api_programmes.remove_member", "DELETE", lambda c: f"/api/v1/programmes/members/{_partner_member(c).id}",
          api_only(MEMBERS, 204)),
    Route("api_programmes.complete_milestone_upload", "POST",
          lambda c: f"/api/v1/programmes/milestones/{_p(c).milestones[0].id}/complete/upload", api_only(LEAD),
          data=lambda c: {"evidence_note": "Bukti"}),
    Route("api_programmes.fulfil_commitment_upload", "POST",
          lambda c: f"/api/v1/programmes/commitments/{_pledge(c).id}/fulfil/upload", api_only("partner_rep"),
          data=lambda c: {"fulfilled_on": TODAY, "amount": "1000000", "evidence_note": "Kuitansi"}),
    Route("api_programmes.post_update", "POST", lambda c: f"/api/v1/programmes/{_p(c).id}/updates",
          api_only(MEMBERS, 201), data=lambda c: {"body": "Kabar"}),
    Route("api_programmes.Messages", "GET", lambda c: f"/api/v1/programmes/{_p(c).id}/messages?after=0",
          api_only(MEMBERS)),
    Route("api_programmes.Messages", "POST", lambda c: f"/api/v1/programmes/{_p(c).id}/messages",
          api_only(MEMBERS, 201), json=True, data=lambda c: {"body": "Halo", "client_key": "k1"}),
    Route("api_programmes.start_programme", "POST", lambda c: f"/api/v1/programmes/{_draft(c).id}/start",
          {**api_only(LEAD), "rt_rw_head": 404, "council_member": 404, "anon": 401}),
    Route("api_programmes.realise", "POST", lambda c: f"/api/v1/programmes/{_finished(c).id}/realise",
          api_only(LEAD), json=True, data=lambda c: {}),
    Route("api_programmes.MilestoneOne", "PUT", lambda c: f"/api/v1/programmes/milestones/{_p(c).milestones[0].id}",
          api_only(LEAD), json=True, data=lambda c: {"title": "Ubah", "weight": 3, "due_on": TODAY}),
    Route("api_programmes.MilestoneOne", "DELETE", lambda c: f"/api/v1/programmes/milestones/{_p(c).milestones[0].id}",
          api_only(LEAD, 204)),
    Route("api_programmes.start_milestone", "POST",
          lambda c: f"/api/v1/programmes/milestones/{_p(c).milestones[0].id}/start", api_only(LEAD)),
    Route("api_programmes.list_updates", "GET", lambda c: f"/api/v1/programmes/{_p(c).id}/updates", api_public()),
    Route("api_programmes.complete_milestone", "POST",
          lambda c: f"/api/v1/programmes/milestones/{_p(c).milestones[0].id}/complete", api_only(LEAD), json=True,
          data=lambda c: {"evidence_note": "Bukti"}),
]


def _photo(c):
    from collab.programmes.uploads import Upload

    update = services.post_update(c.officer, _p(c), body="Foto", photo=Upload("f.png", b"\x89PNG\r\n\x1a\n" + b"0" * 8))
    db.session.commit()
    return update.photo


ROUTES.append(Route("programmes.file", "GET", lambda c: f"/programmes/files/{_photo(c)}", public()))
