"""Council: every route x role. city.council_member holds the only seat; the admin convenes."""
from __future__ import annotations

from tests.access_matrix import Route, api_only, api_public, only, public
from tests.fixtures.council import create_sitting
from tests.fixtures.proposals import S, make_proposal

ADMIN, MEMBER = "admin", "council_member"


def _open(c):
    c.sitting = create_sitting(c)
    c.proposal_id = c.sitting.agenda[0].proposal_id
    return c.sitting


def _scheduled(c):
    return create_sitting(c, open_=False)


def _ready(c):
    return make_proposal(c, S.ready_for_council, title="Usulan siap sidang").id


def _sitting_data(c):
    return {"title": "Sidang baru", "held_on": "2026-03-02", "proposals": [_ready(c)], "quorum_percent": 50,
            "majority_rule": "simple", "live_tally": "y"}


def _packet(prefix=""):
    def build(c):
        s = _open(c)
        return f"{prefix}/council/{s.id}/proposals/{c.proposal_id}"
    return build


ROUTES = [
    Route("council.index", "GET", lambda c: "/council/", public()),
    Route("council.verify", "GET", lambda c: "/council/verify", public()),
    Route("council.new", "GET", lambda c: "/council/new", only(ADMIN)),
    Route("council.new", "POST", lambda c: "/council/new", only(ADMIN, 302), data=_sitting_data),
    Route("council.detail", "GET", lambda c: f"/council/{_open(c).id}", public()),
    Route("council.agenda", "POST", lambda c: f"/council/{_scheduled(c).id}/agenda", only(ADMIN, 302),
          data=lambda c: {"proposals": [_ready(c)]}),
    Route("council.open_vote", "POST", lambda c: f"/council/{_scheduled(c).id}/open", only(ADMIN, 302)),
    Route("council.close_vote", "POST", lambda c: f"/council/{_open(c).id}/close", only(ADMIN, 302)),
    Route("council.packet", "GET", _packet(), only({ADMIN, MEMBER})),
    Route("council.ballot", "POST", lambda c: _packet()(c) + "/ballot", only(MEMBER, 302),
          data=lambda c: {"choice": "approve"}),

    Route("api_council.Sittings", "GET", lambda c: "/api/v1/council/sittings", api_public()),
    Route("api_council.Sittings", "POST", lambda c: "/api/v1/council/sittings", api_only(ADMIN, 201), json=True,
          data=lambda c: {"title": "Sidang API", "held_on": "2026-03-02", "quorum_percent": 50,
                          "proposal_ids": [_ready(c)]}),
    Route("api_council.get_sitting", "GET", lambda c: f"/api/v1/council/sittings/{_open(c).id}", api_public()),
    Route("api_council.change_agenda", "PUT", lambda c: f"/api/v1/council/sittings/{_scheduled(c).id}/agenda",
          api_only(ADMIN), json=True, data=lambda c: {"proposal_ids": [_ready(c)]}),
    Route("api_council.open_vote", "POST", lambda c: f"/api/v1/council/sittings/{_scheduled(c).id}/open",
          api_only(ADMIN)),
    Route("api_council.close_vote", "POST", lambda c: f"/api/v1/council/sittings/{_open(c).id}/close",
          api_only(ADMIN)),
    Route("api_council.packet", "GET", lambda c: _packet("/api/v1")(c).replace("/council/", "/council/sittings/")
          + "/packet", api_only({ADMIN, MEMBER})),
    Route("api_council.cast_ballot", "POST", lambda c: _packet("/api/v1")(c).replace("/council/", "/council/sittings/")
          + "/ballot", api_only(MEMBER), json=True, data=lambda c: {"choice": "approve"}),
    Route("api_council.decisions", "GET", lambda c: "/api/v1/council/decisions?result=accepted", api_public()),
    Route("api_council.verify", "GET", lambda c: "/api/v1/council/verify", api_public()),
]
