"""The live tally over Socket.IO (namespace `/council`, one room `sitting:<id>` per sitting).

- `connect` authenticates with the session cookie or `auth={"token": "rmb_..."}`.
- `join` {sitting_id} -> ack {ok, state, tallies: [...]}; the socket then receives
  `tally` {sitting_id, proposal_id, voted, eligible, visible, approve?, reject?, abstain?, recused?}
  after every committed ballot when the sitting shows its tally live (counts only, never names),
  `state` {sitting_id, state} when the vote opens, and `result` {sitting_id, proposal_id, result,
  counts} for each proposal when it closes.
- `leave` {sitting_id}.
Broadcasts leave only after the commit (collab.core.after_commit).
"""
from __future__ import annotations

from flask import request

from collab.core.after_commit import on_commit
from collab.core.sockets import SocketRegistry, authenticate, socket_event
from collab.council import services
from collab.extensions import db, socketio
from collab.signals import council_ballot_cast, council_decided, council_vote_opened

NS = "/council"
registry = SocketRegistry(NS)


@socketio.on("connect", namespace=NS)
def on_connect(auth=None):
    user, session_token = authenticate(auth)
    registry.add(request.sid, user, session_token)
    db.session.commit()


@socketio.on("disconnect", namespace=NS)
def on_disconnect(*args):
    registry.drop(request.sid)


def handler(event: str):
    return socket_event(registry, event, load=lambda data: services.get_sitting(data.get("sitting_id")))


@handler("join")
def on_join(user, sitting, data):
    """Watch a sitting: anyone logged in (the sitting page is public)."""
    registry.join(sitting.id, sitting.room)
    by_proposal = services.counts(sitting)
    return {"state": sitting.state.value,
            "tallies": [services.tally(sitting, i.proposal_id, by_proposal) for i in sitting.agenda]}


@handler("leave")
def on_leave(user, sitting, data):
    registry.leave(sitting.id, sitting.room)


def _emit_later(event: str, payload: dict, room: str) -> None:
    on_commit(db.session, lambda: socketio.emit(event, payload, to=room, namespace=NS))


@council_ballot_cast.connect
def _on_ballot(sitting, actor=None, proposal=None, **_):
    if sitting.live_tally:
        _emit_later("tally", {"sitting_id": sitting.id, **services.tally(sitting, proposal.id)}, sitting.room)


@council_vote_opened.connect
def _on_opened(sitting, actor=None, **_):
    _emit_later("state", {"sitting_id": sitting.id, "state": sitting.state.value}, sitting.room)


@council_decided.connect
def _on_decided(item, actor=None, **_):
    payload = {"sitting_id": item.sitting_id, "proposal_id": item.proposal_id, "result": item.result.value,
               **item.counts}
    _emit_later("result", payload, f"sitting:{item.sitting_id}")
