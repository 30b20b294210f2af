"""Changing a convened sitting's agenda before its vote opens: page, API and the rules."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from collab.core.audit import AuditLog
from collab.core.errors import Conflict, PermissionDenied, ValidationFailed
from collab.council import services
from collab.extensions import db
from collab.proposals.models import ProposalState
from tests.fixtures.council import create_sitting
from tests.fixtures.proposals import make_proposal

S = ProposalState


def _agenda(sitting) -> list[int]:
    db.session.expire_all()
    return [i.proposal_id for i in services.load_sitting(sitting.id).agenda]


def test_admin_adds_a_proposal_ready_since_and_takes_one_off_on_the_page(city, client, login_as):
    sitting = create_sitting(city, n_proposals=2, open_=False)
    first, second = _agenda(sitting)
    late = make_proposal(city, S.ready_for_council, title="Usulan yang baru siap")
    db.session.commit()
    login_as(city.admin)
    page = client.get(f"/council/{sitting.id}").get_data(as_text=True)
    assert 'id="agenda-edit"' in page and "Usulan yang baru siap" in page  # offered on the form

    response = client.post(f"/council/{sitting.id}/agenda", data={"proposals": [second, late.id]})
    assert response.status_code == 302
    assert "Agenda disimpan." in client.get(response.location).get_data(as_text=True)
    assert _agenda(sitting) == [second, late.id]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "council.agenda"))
    assert entry.data == {"before": [first, second], "after": [second, late.id]}
    # the one taken off is free for another sitting
    assert first in {p.id for p in services.ready_proposals()}


def test_agenda_refusals_change_nothing(city, client, login_as):
    sitting = create_sitting(city, n_proposals=1, open_=False)
    [only] = _agenda(sitting)
    other = create_sitting(city, title="Sidang lain", open_=False)
    [elsewhere] = _agenda(other)
    draft = make_proposal(city, S.draft, title="Masih draf")
    db.session.commit()

    for ids, message in (([], "Masukkan sedikitnya satu usulan"), ([only, elsewhere], "sudah ada dalam agenda"),
                         ([only, draft.id], "belum siap"), ([only, 999999], "tidak dikenal")):
        with pytest.raises(ValidationFailed) as refused:
            services.change_agenda(city.admin, services.load_sitting(sitting.id),
                                   services.proposals_by_id(ids))
        db.session.rollback()
        assert message.lower() in str(refused.value.message).lower(), (ids, refused.value.message)
        assert _agenda(sitting) == [only]

    with pytest.raises(PermissionDenied):
        services.change_agenda(city.officer, services.load_sitting(sitting.id), services.proposals_by_id([only]))
    db.session.rollback()

    services.open_vote(city.admin, services.load_sitting(sitting.id))
    db.session.commit()
    with pytest.raises(Conflict):
        services.change_agenda(city.admin, services.load_sitting(sitting.id), services.proposals_by_id([only]))
    db.session.rollback()
    login_as(city.admin)
    response = client.post(f"/council/{sitting.id}/agenda", data={"proposals": [only]})
    assert response.status_code == 302  # refused with a reason, back on the sitting page
    assert "tidak dapat diubah lagi" in client.get(response.location).get_data(as_text=True)
    assert 'id="agenda-edit"' not in client.get(f"/council/{sitting.id}").get_data(as_text=True)


def test_api_replaces_the_agenda(city, client, login_as):
    sitting = create_sitting(city, n_proposals=1, open_=False)
    late = make_proposal(city, S.ready_for_council, title="Usulan API")
    db.session.commit()
    login_as(city.admin)
    [first] = _agenda(sitting)
    response = client.put(f"/api/v1/council/sittings/{sitting.id}/agenda", json={"proposal_ids": [late.id, first]})
    assert response.status_code == 200, response.json
    assert [a["proposal_id"] for a in response.json["agenda"]] == [late.id, first]
    response = client.put(f"/api/v1/council/sittings/{sitting.id}/agenda", json={"proposal_ids": [0]})
    assert response.status_code == 422
    response = client.put(f"/api/v1/council/sittings/{sitting.id}/agenda", json={"proposal_ids": [424242]})
    assert response.status_code == 422 and "proposal_ids" in response.json["errors"]
    assert _agenda(sitting) == [late.id, first]
