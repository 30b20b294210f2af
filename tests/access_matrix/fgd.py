"""FGD routes x roles. The session is scheduled by city.officer and invites city.rt_head, so
the officer (facilitator), the admin and the RT head are participants; other roles are not."""
from tests.access_matrix import ROLES, Route, api_logged_in, api_public, logged_in, public
from tests.fixtures.fgd import create_fgd


def _sess(c, **kwargs):
    if not hasattr(c, "_fgd"):
        c._fgd = create_fgd(c, invite=[c.rt_head], **kwargs)
    return c._fgd


def _ended(c):
    from collab.extensions import db
    from collab.fgd import services

    fgd = _sess(c, live=True)
    services.end_session(c.officer, fgd)
    services.save_minutes(c.officer, fgd)
    db.session.commit()
    return fgd


def _published(c):
    from collab.extensions import db
    from collab.fgd import services

    fgd = _ended(c)
    services.publish_minutes(c.officer, fgd)
    db.session.commit()
    return fgd


def _point(c):
    """A live session with one point raised by the RT head; returns (session, message)."""
    from collab.extensions import db
    from collab.fgd import services

    if not hasattr(c, "_fgd_point"):
        fgd = _sess(c, live=True)
        msg, _ = services.post_message(c.rt_head, fgd, "Bank sampah di balai RW", "ax-1")
        services.mark_point(c.officer, fgd, msg.id)
        db.session.commit()
        c._fgd_point = (fgd, msg)
    return c._fgd_point


def by(anon, admin, rt, opd, partner, council) -> dict:
    return dict(zip(ROLES, [anon, admin, rt, opd, partner, council], strict=True))


MANAGE = by(302, 200, 403, 200, 403, 403)  # admin and the facilitator
MANAGE_POST = by(302, 302, 403, 302, 403, 403)
PARTICIPANT = by(302, 200, 200, 200, 404, 404)  # private session: outsiders get 404
SCHEDULE = by(302, 200, 403, 200, 403, 403)
INVALID = by(302, 422, 403, 422, 403, 403)  # the schedule form posted empty by those who may use it

ROUTES = [
    Route("fgd.index", "GET", lambda c: "/fgd/", public()),
    Route("fgd.new", "GET", lambda c: "/fgd/new", SCHEDULE),
    Route("fgd.new", "POST", lambda c: "/fgd/new", INVALID),  # an empty form: refused with its errors
    Route("fgd.edit", "GET", lambda c: f"/fgd/{_sess(c).id}/edit", MANAGE),
    Route("fgd.edit", "POST", lambda c: f"/fgd/{_sess(c).id}/edit", INVALID),
    Route("fgd.detail", "GET", lambda c: f"/fgd/{_sess(c).id}", by(404, 200, 200, 200, 404, 404)),
    Route("fgd.detail", "GET", lambda c: f"/fgd/{_sess(c, public=True).id}?public", public()),
    Route("fgd.invite", "POST", lambda c: f"/fgd/{_sess(c).id}/invite", MANAGE_POST,
          data=lambda c: {"kind": "person", "person": c.partner_rep.id}),
    Route("fgd.rsvp", "POST", lambda c: f"/fgd/{_sess(c).id}/rsvp", by(302, 403, 302, 403, 404, 404),
          data=lambda c: {"answer": "yes"}),
    Route("fgd.open_room", "POST", lambda c: f"/fgd/{_sess(c).id}/open", MANAGE_POST),
    Route("fgd.end", "POST", lambda c: f"/fgd/{_sess(c).id}/end", MANAGE_POST),
    Route("fgd.check_in", "GET", lambda c: f"/fgd/{_sess(c).id}/check-in", PARTICIPANT),
    Route("fgd.check_in", "POST", lambda c: f"/fgd/{_sess(c).id}/check-in", by(302, 422, 422, 422, 404, 404),
          data=lambda c: {"code": "WRONG"}),
    Route("fgd.qr", "GET", lambda c: f"/fgd/{_sess(c).id}/qr.svg", MANAGE),
    Route("fgd.room", "GET", lambda c: f"/fgd/{_sess(c, live=True).id}/room", PARTICIPANT),
    Route("fgd.minutes_edit", "GET", lambda c: f"/fgd/{_ended(c).id}/minutes/edit", MANAGE),
    Route("fgd.minutes_edit", "POST", lambda c: f"/fgd/{_ended(c).id}/minutes/edit", MANAGE_POST,
          data=lambda c: {"body": "# Notulen"}),
    Route("fgd.minutes_redraft", "POST", lambda c: f"/fgd/{_ended(c).id}/minutes/redraft", MANAGE_POST),
    Route("fgd.minutes_publish", "POST", lambda c: f"/fgd/{_ended(c).id}/minutes/publish", MANAGE_POST),
    Route("fgd.minutes", "GET", lambda c: f"/fgd/{_published(c).id}/minutes", by(404, 200, 200, 200, 404, 404)),
    Route("fgd.minutes_markdown", "GET", lambda c: f"/fgd/{_published(c).id}/minutes.md",
          by(404, 200, 200, 200, 404, 404)),
    Route("fgd.minutes_pdf", "GET", lambda c: f"/fgd/{_published(c).id}/minutes.pdf",
          by(404, 200, 200, 200, 404, 404)),
    Route("fgd.uninvite", "POST", lambda c: f"/fgd/{_sess(c).id}/invitations/{c.rt_head.id}/remove", MANAGE_POST),
    Route("fgd.points", "GET", lambda c: f"/fgd/{_point(c)[0].id}/points", MANAGE),
    Route("fgd.point_proposal", "POST", lambda c: f"/fgd/{_point(c)[0].id}/points/{_point(c)[1].id}/proposal",
          MANAGE_POST, data=lambda c: {"dimension": "environment"}),
    Route("fgd.point_action_item", "POST",
          lambda c: f"/fgd/{_point(c)[0].id}/points/{_point(c)[1].id}/action-item", MANAGE_POST,
          data=lambda c: {"title": "Survei lokasi"}),
    # JSON API
    Route("api_fgd.Sessions", "GET", lambda c: "/api/v1/fgd/sessions", api_public()),
    Route("api_fgd.Sessions", "POST", lambda c: "/api/v1/fgd/sessions", by(401, 201, 403, 201, 403, 403), json=True,
          data=lambda c: {"topic": "Posyandu digital", "starts_at": "2030-01-01T09:00:00+07:00",
                          "ends_at": "2030-01-01T11:00:00+07:00", "agenda": ["Pembukaan"]}),
    Route("api_fgd.SessionItem", "GET", lambda c: f"/api/v1/fgd/sessions/{_sess(c).id}",
          by(404, 200, 200, 200, 404, 404)),
    Route("api_fgd.SessionItem", "PUT", lambda c: f"/api/v1/fgd/sessions/{_sess(c).id}",
          by(401, 200, 403, 200, 404, 404), json=True,
          data=lambda c: {"topic": "Posyandu digital", "starts_at": "2030-01-01T09:00:00+07:00",
                          "ends_at": "2030-01-01T11:00:00+07:00", "agenda": ["Pembukaan"]}),
    Route("api_fgd.Invitations", "GET", lambda c: f"/api/v1/fgd/sessions/{_sess(c).id}/invitations",
          by(401, 200, 403, 200, 404, 404)),
    Route("api_fgd.Invitations", "POST", lambda c: f"/api/v1/fgd/sessions/{_sess(c).id}/invitations",
          by(401, 201, 403, 201, 404, 404), json=True, data=lambda c: {"role": "council_member"}),
    Route("api_fgd.post_rsvp", "POST", lambda c: f"/api/v1/fgd/sessions/{_sess(c).id}/rsvp",
          by(401, 403, 200, 403, 404, 404), json=True, data=lambda c: {"answer": "maybe"}),
    Route("api_fgd.post_check_in", "POST", lambda c: f"/api/v1/fgd/sessions/{_sess(c).id}/check-in",
          by(401, 201, 201, 201, 404, 404), json=True, data=lambda c: {"code": _sess(c).checkin_code}),
    Route("api_fgd.Messages", "GET", lambda c: f"/api/v1/fgd/sessions/{_sess(c, live=True).id}/messages?after=0",
          by(401, 200, 200, 200, 404, 404)),
    Route("api_fgd.Messages", "POST", lambda c: f"/api/v1/fgd/sessions/{_sess(c, live=True).id}/messages",
          by(401, 201, 201, 201, 404, 404), json=True, data=lambda c: {"body": "Halo", "client_key": "k1"}),
    Route("api_fgd.get_minutes", "GET", lambda c: f"/api/v1/fgd/sessions/{_published(c).id}/minutes",
          by(404, 200, 200, 200, 404, 404)),
    Route("api_fgd.delete_invitation", "DELETE",
          lambda c: f"/api/v1/fgd/sessions/{_sess(c).id}/invitations/{c.rt_head.id}", by(401, 204, 403, 204, 404, 404)),
    Route("api_fgd.get_points", "GET", lambda c: f"/api/v1/fgd/sessions/{_point(c)[0].id}/points",
          by(401, 200, 200, 200, 404, 404)),
    Route("api_fgd.post_point_proposal", "POST",
          lambda c: f"/api/v1/fgd/sessions/{_point(c)[0].id}/points/{_point(c)[1].id}/proposal",
          by(401, 201, 403, 201, 404, 404), json=True, data=lambda c: {}),
    Route("api_fgd.post_action_item", "POST", lambda c: f"/api/v1/fgd/sessions/{_point(c)[0].id}/action-items",
          by(401, 201, 403, 201, 404, 404), json=True, data=lambda c: {"title": "Survei lokasi"}),
    Route("api_fgd.post_open", "POST", lambda c: f"/api/v1/fgd/sessions/{_sess(c).id}/open",
          by(401, 200, 403, 200, 404, 404), json=True, data=lambda c: {}),
    Route("api_fgd.post_end", "POST", lambda c: f"/api/v1/fgd/sessions/{_sess(c, live=True).id}/end",
          by(401, 200, 403, 200, 404, 404), json=True, data=lambda c: {}),
    Route("api_fgd.get_attendance", "GET", lambda c: f"/api/v1/fgd/sessions/{_sess(c).id}/attendance",
          by(401, 200, 403, 200, 404, 404)),
    Route("api_fgd.put_minutes", "PUT", lambda c: f"/api/v1/fgd/sessions/{_ended(c).id}/minutes",
          by(401, 200, 403, 200, 404, 404), json=True, data=lambda c: {"body": "Notulen"}),
    Route("api_fgd.post_minutes_publish", "POST", lambda c: f"/api/v1/fgd/sessions/{_ended(c).id}/minutes/publish",
          by(401, 200, 403, 200, 404, 404), json=True, data=lambda c: {}),
]
assert logged_in and api_logged_in  # re-exported helpers, kept for symmetry with other domains
