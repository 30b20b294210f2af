"""Access rows for the proposals pages and API. The proposal of each row is made fresh
(city.rt_head's office, city.rt); city.officer works for city.opd (DLH), which reviews it."""
from tests.access_matrix import ROLES, Route, api_logged_in, api_only, api_public, logged_in, only, public
from tests.fixtures.proposals import S, make_proposal

ADMIN, HEAD, OFFICER = "admin", "rt_rw_head", "opd_officer"


def _p(state=S.submitted, **kw):
    return lambda c: make_proposal(c, state, **kw).id


def url(path, state=S.submitted, **kw):
    return lambda c: path.format(id=_p(state, **kw)(c))


def _comment_id(c):
    from collab.extensions import db
    from collab.proposals import services

    p = make_proposal(c, S.submitted)
    comment = services.add_comment(c.council_member, p, "Setuju sekali.")
    db.session.commit()
    return comment.id


def _assigned(path):
    def build(c):
        from collab.extensions import db
        from collab.proposals import services

        p = make_proposal(c, S.submitted)
        services.assign_proposal(c.admin, p, c.opd)
        db.session.commit()
        return path.format(id=p.id)
    return build


def expect(**by_role) -> dict:
    return {r: by_role.get(r, 403) for r in ROLES}


ROUTES = [
    Route("proposals.index", "GET", lambda c: "/proposals/", public()),
    Route("proposals.similar", "GET", lambda c: "/proposals/similar?title=bank+sampah", logged_in()),
    Route("proposals.detail", "GET", url("/proposals/{id}"), public()),
    # a draft is seen by its office (and the admin) only
    Route("proposals.detail", "GET", url("/proposals/{id}", S.draft), expect(anon=404, admin=200, rt_rw_head=200,
          opd_officer=404, partner_rep=404, council_member=404)),
    Route("proposals.new", "GET", lambda c: "/proposals/new", only(HEAD)),
    Route("proposals.new", "POST", lambda c: "/proposals/new", only(HEAD, 422)),  # an empty form: refused with messages
    Route("proposals.edit", "GET", url("/proposals/{id}/edit", S.draft), {**only(HEAD), "admin": 403,
          "opd_officer": 404, "partner_rep": 404, "council_member": 404}),
    Route("proposals.edit", "POST", url("/proposals/{id}/edit", S.draft), {**only(HEAD, 422), "admin": 403,
          "opd_officer": 404, "partner_rep": 404, "council_member": 404}),
    Route("proposals.submit", "POST", url("/proposals/{id}/submit", S.draft), {**only(HEAD, 302), "admin": 403,
          "opd_officer": 404, "partner_rep": 404, "council_member": 404}, data=lambda c: {"confirmed": "y"}),
    Route("proposals.withdraw", "POST", url("/proposals/{id}/withdraw"), only(HEAD, 302)),
    Route("proposals.assign", "POST", url("/proposals/{id}/assign"), only(ADMIN, 302),
          data=lambda c: {"opd": c.opd.id}),
    Route("proposals.start_review", "POST", _assigned("/proposals/{id}/start-review"), only(OFFICER, 302)),
    Route("proposals.review", "GET", url("/proposals/{id}/review", S.in_review), only(OFFICER)),
    Route("proposals.review", "POST", url("/proposals/{id}/review", S.in_review), only(OFFICER, 422)),
    # the head of city.rt proposed it: another office's head endorses (rt_head2's proposal here)
    Route("proposals.endorse", "POST", lambda c: f"/proposals/{make_proposal(c, S.submitted, author=c.rt_head2).id}/endorse",
          only(HEAD, 302)),
    Route("proposals.comment", "POST", url("/proposals/{id}/comments"), logged_in(302),
          data=lambda c: {"body": "Usul yang bagus."}),
    Route("proposals.hide_comment", "POST", lambda c: f"/proposals/comments/{_comment_id(c)}/hide", only(ADMIN, 302),
          data=lambda c: {"reason": "Tidak relevan"}),
    Route("proposals.merge", "POST", url("/proposals/{id}/merge"), only(ADMIN, 302),
          data=lambda c: {"into": make_proposal(c, S.submitted, author=c.rt_head2).id}),
    Route("proposals.routing", "GET", lambda c: "/proposals/routing", only(ADMIN)),
    Route("proposals.routing", "POST", lambda c: "/proposals/routing", only(ADMIN, 422)),
    Route("proposals.delete_rule", "POST", lambda c: f"/proposals/routing/{_rule_id(c)}/delete", only(ADMIN, 302)),
    # API
    Route("api_proposals.Proposals", "GET", lambda c: "/api/v1/proposals/", api_public()),
    Route("api_proposals.Proposals", "POST", lambda c: "/api/v1/proposals/", {**api_only(HEAD, 201)}, json=True,
          data=lambda c: {"title": "Posyandu digital", "dimension": "living"}),
    Route("api_proposals.similar", "GET", lambda c: "/api/v1/proposals/similar?title=sampah", api_logged_in()),
    Route("api_proposals.ProposalItem", "GET", url("/api/v1/proposals/{id}"), api_public()),
    Route("api_proposals.ProposalItem", "PATCH", url("/api/v1/proposals/{id}", S.draft),
          {**api_only(HEAD), "admin": 403, "opd_officer": 404, "partner_rep": 404, "council_member": 404},
          json=True, data=lambda c: {"title": "Bank sampah digital RT 001 (revisi)"}),
    Route("api_proposals.submit", "POST", url("/api/v1/proposals/{id}/submit", S.draft),
          {**api_only(HEAD), "admin": 403, "opd_officer": 404, "partner_rep": 404, "council_member": 404},
          json=True, data=lambda c: {}),
    Route("api_proposals.withdraw", "POST", url("/api/v1/proposals/{id}/withdraw"), api_only(HEAD), json=True,
          data=lambda c: {"note": "batal"}),
    Route("api_proposals.assign", "POST", url("/api/v1/proposals/{id}/assign"), api_only(ADMIN), json=True,
          data=lambda c: {"opd_id": c.opd.id}),
    Route("api_proposals.start_review", "POST", _assigned("/api/v1/proposals/{id}/start-review"), api_only(OFFICER),
          json=True, data=lambda c: {}),
    Route("api_proposals.review", "POST", url("/api/v1/proposals/{id}/review", S.in_review), api_only(OFFICER),
          json=True, data=lambda c: {"decision": "mark_ready", "feasibility": "feasible", "recommendation": "Layak"}),
    Route("api_proposals.merge", "POST", url("/api/v1/proposals/{id}/merge"), api_only(ADMIN), json=True,
          data=lambda c: {"into_id": make_proposal(c, S.submitted, author=c.rt_head2).id}),
    Route("api_proposals.endorse", "POST",
          lambda c: f"/api/v1/proposals/{make_proposal(c, S.submitted, author=c.rt_head2).id}/endorse",
          api_only(HEAD), json=True, data=lambda c: {}),
    Route("api_proposals.post_comment", "POST", url("/api/v1/proposals/{id}/comments"), api_logged_in(201), json=True,
          data=lambda c: {"body": "Mantap"}),
    Route("api_proposals.hide_comment", "POST", lambda c: f"/api/v1/proposals/comments/{_comment_id(c)}/hide",
          api_only(ADMIN), json=True, data=lambda c: {"reason": "Kasar"}),
]


def _rule_id(c):
    from collab.extensions import db
    from collab.proposals import services

    rule = services.save_routing_rule(c.admin, dimension="environment", keywords="sampah", organisation=c.opd)
    db.session.commit()
    return rule.id


_unused = (api_public, logged_in)




def _png():
    import io

    return {"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "foto.png")}


def _attachment_id(c, state=S.submitted):
    from collab.extensions import db
    from collab.proposals import services

    p = make_proposal(c, S.draft)
    a = services.add_attachment(c.rt_head, p, "foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    db.session.commit()
    if state != S.draft:
        services.submit_proposal(c.rt_head, p)
        db.session.commit()
    return a.id


ROUTES += [
    Route("proposals.upload", "POST", url("/proposals/{id}/attachments", S.draft),
          {**only(HEAD, 302), "admin": 403, "opd_officer": 404, "partner_rep": 404, "council_member": 404},
          data=lambda c: _png()),
    Route("proposals.attachment", "GET", lambda c: f"/proposals/attachments/{_attachment_id(c)}", public()),
    Route("proposals.attachment", "GET", lambda c: f"/proposals/attachments/{_attachment_id(c, S.draft)}",
          expect(anon=404, admin=200, rt_rw_head=200, opd_officer=404, partner_rep=404, council_member=404)),
    Route("proposals.delete_attachment", "POST", lambda c: f"/proposals/attachments/{_attachment_id(c, S.draft)}/delete",
          {**only(HEAD, 302), "admin": 403, "opd_officer": 404, "partner_rep": 404, "council_member": 404}),
    Route("api_proposals.upload_attachment", "POST", url("/api/v1/proposals/{id}/attachments", S.draft),
          {**api_only(HEAD, 201), "admin": 403, "opd_officer": 404, "partner_rep": 404, "council_member": 404},
          data=lambda c: _png()),
]

ROUTES += [
    Route("proposals.carry_over", "POST", url("/proposals/{id}/carry-over", S.rejected), only(ADMIN, 302)),
    Route("api_proposals.carry_over", "POST", url("/api/v1/proposals/{id}/carry-over", S.ready_for_council),
          api_only(ADMIN), json=True, data=lambda c: {}),
]

ROUTES += [
    # city.rw_head heads city.rw, above city.rt (the proposing office); "rt_rw_head" in the matrix is city.rt_head
    Route("proposals.recommend", "POST", url("/proposals/{id}/recommend"), only(ADMIN, 302),
          data=lambda c: {"body": "Didukung kelurahan"}),
    Route("api_proposals.recommend", "POST", url("/api/v1/proposals/{id}/recommend"), api_only(ADMIN), json=True,
          data=lambda c: {"body": "Didukung kelurahan"}),
]
