"""Notifications: domain events -> in-app rows (live over the socket) and e-mail through a real
local SMTP server; opt-out, digest, reminders, failing mail servers, the pages and the API."""
from __future__ import annotations

import functools
import logging
import re
from datetime import date, timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from sqlalchemy import delete, func, select

from collab import signals
from collab.core.db import utcnow
from collab.core.errors import PermissionDenied
from collab.extensions import db
from collab.notifications import services
from collab.notifications.models import MailState, Notification, OutboxStatus, OutgoingMail, ReminderSent
from collab.notifications.reminders import send_reminders
from collab.proposals.models import ProposalState
from tests.fixtures.fgd import create_fgd
from tests.fixtures.programmes import create_programme
from tests.fixtures.proposals import make_proposal

NS = "/notifications"
_MISSING = object()
REVIEW = {"decision": "request_revision", "feasibility": "feasible", "recommendation": "Lengkapi rincian anggaran."}


@pytest.fixture
def connect(socket_client):
    """connect(user, **auth) -> a socket test client on this namespace (tests/conftest.py)."""
    return functools.partial(socket_client, NS)


def pushed(sc):
    return [e["args"][0] for e in sc.get_received(NS) if e["name"] == "notification"]


def in_review(city, smtp=None):
    """A proposal in review, with what its way there told people forgotten."""
    proposal = make_proposal(city, ProposalState.in_review)
    db.session.commit()
    db.session.execute(delete(Notification))
    db.session.execute(delete(OutgoingMail))
    db.session.commit()
    if smtp is not None:
        smtp.messages.clear()
    return proposal


def notifications_of(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def outbox():
    return db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()


def cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


# -- an event, live over the socket and by mail -------------------------------------------------------

def test_revision_request_reaches_author_live_and_by_mail_in_indonesian(city, client, login_as, smtp, connect):
    proposal = in_review(city, smtp)
    author_socket = connect(city.rt_head)
    other_socket = connect(city.partner_rep)
    assert author_socket.is_connected(NS)
    author_socket.get_received(NS)

    login_as(city.officer)
    response = client.post(f"/api/v1/proposals/{proposal.id}/review", json=REVIEW)
    assert response.status_code == 200, response.get_json()

    live = pushed(author_socket)
    assert len(live) == 1
    assert live[0]["unread"] == 1
    assert "perlu direvisi" in live[0]["notification"]["text"]
    assert "Bank sampah digital RT 001" in live[0]["notification"]["text"]
    assert live[0]["notification"]["url"] == f"/proposals/{proposal.id}"
    assert pushed(other_socket) == []

    [mail] = smtp.to(city.rt_head.email)
    assert "perlu direvisi" in mail["Subject"]
    body = mail.get_content()
    assert "Lengkapi rincian anggaran." in body
    assert f"http://127.0.0.1:5000/proposals/{proposal.id}" in body
    assert outbox()[0].status == OutboxStatus.sent


def test_a_long_multi_line_note_makes_a_one_line_subject_and_the_action_succeeds(city, smtp):
    proposal = in_review(city, smtp)
    from collab.proposals import services as proposals

    note = "Mohon dilengkapi:\n1. lokasi\r\n2. anggaran\n" + "rinci " * 300
    proposals.review_proposal(city.officer, proposal, decision="request_revision", feasibility="feasible",
                              recommendation=note)
    db.session.commit()
    [mail] = smtp.to(city.rt_head.email)
    assert "\n" not in mail["Subject"] and len(mail["Subject"]) <= 200
    assert "1. lokasi" in mail.get_content()


def test_each_person_is_told_in_their_own_language(city, smtp):
    city.rt_head.locale = "en"
    proposal = in_review(city, smtp)
    from collab.proposals import services as proposals

    proposals.review_proposal(city.officer, proposal, decision="request_revision", feasibility="feasible",
                              recommendation="More detail on costs.")
    db.session.commit()
    [mail] = smtp.to(city.rt_head.email)
    assert "needs a revision" in mail["Subject"]
    assert "Open:" in mail.get_content()


def test_assignment_is_a_review_request_for_the_opds_officers(city, smtp):
    proposal = make_proposal(city, ProposalState.submitted)
    db.session.commit()
    from collab.proposals import services as proposals

    proposals.assign_proposal(city.admin, proposal, city.opd)
    db.session.commit()
    [n] = notifications_of(city.officer)
    assert n.kind == "review_requested" and n.category.value == "reviews"
    assert notifications_of(city.officer2) == []  # Dinkes is not asked
    assert len(smtp.to(city.officer.email)) == 1


def test_a_refused_action_notifies_nobody(city, client, login_as, smtp):
    proposal = in_review(city, smtp)
    login_as(city.officer2)  # Dinkes may not review a DLH proposal
    assert client.post(f"/api/v1/proposals/{proposal.id}/review", json=REVIEW).status_code == 403
    assert notifications_of(city.rt_head) == []
    assert smtp.messages == []


def test_a_rolled_back_action_notifies_nobody(city, smtp, connect):
    proposal = in_review(city, smtp)
    sc = connect(city.rt_head)
    sc.get_received(NS)
    from collab.proposals import services as proposals

    proposals.review_proposal(city.officer, proposal, decision="request_revision", feasibility="feasible",
                              recommendation="x")
    db.session.rollback()
    assert notifications_of(city.rt_head) == [] and outbox() == []
    assert pushed(sc) == [] and smtp.messages == []


# -- preferences: opt-out and the digest --------------------------------------------------------------

def test_opt_out_stops_the_mail_but_keeps_the_bell(city, client, login_as, smtp):
    login_as(city.rt_head)
    response = client.post("/notifications/settings", data={"proposals": "off", "reviews": "digest", "fgd": "immediate",
                                                            "council": "immediate", "programmes": "digest"})
    assert response.status_code == 302
    proposal = in_review(city, smtp)
    login_as(city.officer)
    assert client.post(f"/api/v1/proposals/{proposal.id}/review", json=REVIEW).status_code == 200
    assert smtp.messages == [] and outbox() == []
    [n] = notifications_of(city.rt_head)
    assert n.unread and n.mail_state == MailState.none


def test_digest_groups_a_days_notifications_into_one_mail(app, city, smtp):
    services.set_preferences(city.rt_head, city.rt_head, {"proposals": "digest"})
    proposal = in_review(city, smtp)
    from collab.proposals import services as proposals

    proposals.add_comment(city.officer, proposal, "Apakah sudah ada lokasi?")
    proposals.review_proposal(city.officer, proposal, decision="request_revision", feasibility="feasible",
                              recommendation="Lengkapi lokasi.")
    db.session.commit()
    assert smtp.messages == []
    assert [n.mail_state for n in notifications_of(city.rt_head)] == [MailState.digest, MailState.digest]

    output = cli(app, "send-digest")
    assert "digests: 1" in output
    [mail] = smtp.to(city.rt_head.email)
    assert "2" in mail["Subject"]
    body = mail.get_content()
    assert "Rina DLH mengomentari usulan Anda" in body and "perlu direvisi" in body
    assert all(n.mail_state == MailState.digested for n in notifications_of(city.rt_head))

    cli(app, "send-digest")  # nothing new waits: no second mail
    assert len(smtp.to(city.rt_head.email)) == 1


def test_role_defaults_and_own_choices(city):
    prefs = services.preferences(city.officer)
    assert prefs[services.Category.reviews].value == "immediate"
    assert prefs[services.Category.proposals].value == "digest"
    assert services.preferences(city.rt_head)[services.Category.proposals].value == "immediate"
    with pytest.raises(PermissionDenied):
        services.set_preferences(city.officer, city.rt_head, {"proposals": "off"})
    with pytest.raises(services.ValidationFailed):
        services.set_preferences(city.rt_head, city.rt_head, {"proposals": "sometimes"})
    assert services.preferences(city.rt_head)[services.Category.proposals].value == "immediate"


# -- a failing mail server never fails the action -----------------------------------------------------

def test_refused_smtp_connection_leaves_action_done_and_mail_pending_then_retry_delivers(
        app, city, client, login_as, no_smtp, caplog):
    proposal = in_review(city)
    login_as(city.officer)
    # alembic's fileConfig (the migrations run at session start) disables loggers that existed then
    logging.getLogger("collab.notifications.mail").disabled = False
    with caplog.at_level(logging.WARNING, logger="collab.notifications.mail"):
        response = client.post(f"/api/v1/proposals/{proposal.id}/review", json=REVIEW)
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(type(proposal), proposal.id).state == ProposalState.revision_requested
    [mail] = outbox()
    assert mail.status == OutboxStatus.pending and mail.attempts == 1
    assert "ConnectionRefused" in mail.last_error
    assert mail.next_attempt_at > utcnow()
    assert any("will retry" in r.getMessage() for r in caplog.records)

    # not due yet: the job leaves it alone
    assert "mail sent 0" in cli(app, "send-mail")

    from aiosmtpd.controller import Controller

    from tests.fixtures.notifications import Inbox

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=app.config["MAIL_PORT"])
    controller.start()
    try:
        mail.next_attempt_at = utcnow() - timedelta(seconds=1)  # the back-off has passed
        db.session.commit()
        assert "mail sent 1" in cli(app, "send-mail")
    finally:
        controller.stop()
    assert len(inbox.to(city.rt_head.email)) == 1
    [mail] = outbox()
    assert mail.status == OutboxStatus.sent and mail.attempts == 2 and mail.last_error == ""


def test_a_hung_mail_server_does_not_hold_the_request(app, city, client, login_as, monkeypatch):
    """In production mail leaves in a background task after the commit: the reviewer's request
    is answered while the SMTP server (here one that accepts and never greets) still hangs."""
    import socket
    import time

    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(8)  # connections complete in the backlog; nobody ever answers
    monkeypatch.setitem(app.config, "MAIL_SEND_IN_BACKGROUND", True)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", hung.getsockname()[1])
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 3)
    try:
        proposal = in_review(city)
        login_as(city.officer)
        assert client.post(f"/api/v1/proposals/{proposal.id}/review", json=REVIEW).status_code == 200
        db.session.expire_all()
        [mail] = outbox()
        assert mail.attempts == 0 and mail.status == OutboxStatus.pending  # answered before SMTP gave up
        deadline = time.monotonic() + 30
        while mail.attempts == 0 and time.monotonic() < deadline:  # the background try times out...
            time.sleep(0.2)
            db.session.expire_all()
            mail = outbox()[0]
        assert mail.attempts == 1 and mail.status == OutboxStatus.pending and mail.last_error  # ...and will retry
    finally:
        hung.close()


def test_smtp_server_rejecting_the_message_is_retried_later(app, city, smtp):
    smtp.fail = True
    proposal = in_review(city, smtp)
    from collab.proposals import services as proposals

    proposals.review_proposal(city.officer, proposal, decision="request_revision", feasibility="feasible",
                              recommendation="x")
    db.session.commit()
    db.session.expire_all()
    [mail] = outbox()
    assert mail.status == OutboxStatus.pending and "451" in mail.last_error
    smtp.fail = False
    mail.next_attempt_at = utcnow()
    db.session.commit()
    cli(app, "send-mail")
    assert len(smtp.to(city.rt_head.email)) == 1


def test_mail_gives_up_after_the_maximum_attempts(app, city, no_smtp):
    saved, app.config["MAIL_MAX_ATTEMPTS"] = app.config["MAIL_MAX_ATTEMPTS"], 2
    try:
        proposal = in_review(city)
        from collab.proposals import services as proposals

        proposals.review_proposal(city.officer, proposal, decision="request_revision", feasibility="feasible",
                                  recommendation="x")
        db.session.commit()
        db.session.expire_all()
        [mail] = outbox()
        mail.next_attempt_at = utcnow()
        db.session.commit()
        cli(app, "send-mail")
        [mail] = outbox()
        assert mail.status == OutboxStatus.failed and mail.attempts == 2
    finally:
        app.config["MAIL_MAX_ATTEMPTS"] = saved


# -- the other events ----------------------------------------------------------------------------------

def test_fgd_invitation_and_published_minutes(city, smtp):
    fgd = create_fgd(city, invite=[city.rt_head, city.partner_rep], live=True)
    assert [n.kind for n in notifications_of(city.rt_head)] == ["fgd_invited"]
    assert notifications_of(city.officer) == []  # the organiser invited, and is not told
    [mail] = smtp.to(city.partner_rep.email)
    assert "Anda diundang ke FGD" in mail["Subject"]

    from collab.fgd import services as fgd_services

    fgd_services.end_session(city.officer, fgd)
    fgd_services.save_minutes(city.officer, fgd, "Disepakati bank sampah di setiap RW.")
    fgd_services.publish_minutes(city.officer, fgd)
    db.session.commit()
    [n] = [n for n in notifications_of(city.rt_head) if n.kind == "fgd_minutes_published"]
    assert n.url == f"/fgd/{fgd.id}/minutes"
    assert "Notulen FGD" in smtp.to(city.rt_head.email)[-1]["Subject"]


def test_fgd_point_turned_into_a_draft_tells_the_raiser(city, smtp):
    from collab.fgd import services as fgd_services

    fgd = create_fgd(city, invite=[city.rt_head], live=True, topic="Sampah plastik Kauman")
    message, _ = fgd_services.post_message(city.rt_head, fgd, "Bank sampah di setiap balai RW", "k1")
    fgd_services.mark_point(city.officer, fgd, message.id, True)
    link = fgd_services.make_proposal(city.officer, fgd, message.id)
    db.session.commit()
    [n] = [n for n in notifications_of(city.rt_head) if n.kind == "fgd_point_proposed"]
    assert n.url == f"/proposals/{link.proposal.id}"
    assert "Sampah plastik Kauman" in services.text_of(n) and "lengkapi" in services.text_of(n).lower()


def test_programme_events_reach_the_organisations(city, smtp):
    programme = create_programme(city)
    # the invitations went to Dinkes and BAZNAS; their answers to DLH (the lead)
    assert "programme_invited" in [n.kind for n in notifications_of(city.partner_rep)]
    assert {n.kind for n in notifications_of(city.officer)} == {"programme_accepted"}
    from collab.programmes import services as programmes

    programmes.complete_milestone(city.officer, programme.milestones[0], evidence_note="Berita acara")
    db.session.commit()
    assert "milestone_completed" in [n.kind for n in notifications_of(city.partner_rep)]


def test_council_signals_by_their_documented_contract(city, smtp):
    """Sent the way the council domain sends them (its sitting: id, title, members, state)."""
    sitting = SimpleNamespace(id=7, title="Sidang Dewan I/2026", members=[], state=SimpleNamespace(value="open"),
                              room="sitting:7")
    signals.council_vote_opened.send(sitting, actor=city.admin)
    db.session.commit()
    [n] = notifications_of(city.council_member)
    assert n.kind == "council_vote_opened" and n.category.value == "council"
    assert "Sidang Dewan I/2026" in services.text_of(n)
    assert len(smtp.to(city.council_member.email)) == 1  # council members get votes at once

    proposal = make_proposal(city, ProposalState.voting)
    decision = SimpleNamespace(proposal=proposal, proposal_id=proposal.id, sitting_id=7, counts={},
                               result=SimpleNamespace(value="no_quorum"))
    signals.council_decided.send(decision, actor=city.admin)
    db.session.commit()
    assert "council_no_quorum" in [n.kind for n in notifications_of(city.rt_head)]


# -- reminders ------------------------------------------------------------------------------------------

def test_fgd_reminder_24_hours_before_once(app, city, smtp):
    fgd = create_fgd(city, invite=[city.rt_head])
    fgd.starts_at = utcnow() + timedelta(hours=20)
    later = create_fgd(city, invite=[city.rt_head], topic="Nanti saja")
    later.starts_at = utcnow() + timedelta(days=3)
    db.session.commit()
    before = len(smtp.to(city.rt_head.email))

    assert "reminders: 2" in cli(app, "send-reminders")  # the invitee and the facilitator
    assert "reminders: 0" in cli(app, "send-reminders")  # idempotent
    reminders = [n for n in notifications_of(city.rt_head) if n.kind == "fgd_reminder"]
    assert len(reminders) == 1 and reminders[0].object_id == fgd.id
    assert len(smtp.to(city.rt_head.email)) == before + 1
    assert "Pengingat" in smtp.to(city.rt_head.email)[-1]["Subject"]


def test_milestone_and_commitment_reminders_three_days_before(city):
    programme = create_programme(city, milestones=((1, 2), (1, 10)))
    from collab.programmes import services as programmes
    from collab.programmes.models import CommitmentKind

    programmes.add_commitment(city.partner_rep, programme, kind=CommitmentKind.funds, amount=5_000_000,
                              due_on=date.today() + timedelta(days=3))
    db.session.commit()
    assert send_reminders() == 2  # DLH's officer for the milestone, BAZNAS's rep for the commitment
    db.session.commit()
    assert [n.params["milestone"] for n in notifications_of(city.officer) if n.kind == "milestone_due"] == ["Tahap 1"]
    assert [n.kind for n in notifications_of(city.partner_rep) if n.kind.endswith("_due")] == ["commitment_due"]
    assert send_reminders() == 0
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 2


# -- pages, bell, API ------------------------------------------------------------------------------------

def _told(city, n=3):
    proposal = make_proposal(city, ProposalState.submitted)
    from collab.proposals import services as proposals

    for i in range(n):
        proposals.add_comment(city.officer, proposal, f"Komentar {i}")
    db.session.commit()
    return notifications_of(city.rt_head)


def test_bell_list_and_marking_read_in_the_browser_flow(city, client, login_as):
    first, *_ = _told(city)
    login_as(city.rt_head)
    page = client.get("/").get_data(as_text=True)
    assert 'id="notification-count"' in page and ">3</span>" in page
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Rina DLH mengomentari usulan Anda" in page
    response = client.post(f"/notifications/{first.id}/read", data={"open": "1"})
    assert response.status_code == 302 and response.location.endswith(f"/proposals/{first.object_id}#comment-" +
                                                                       response.location.split("#comment-")[-1])
    assert ">2</span>" in client.get("/notifications/").get_data(as_text=True)
    assert "?unread=1" in page
    assert client.get("/notifications/?unread=1").get_data(as_text=True).count('class="unread"') == 2
    client.post("/notifications/read-all")
    assert services.unread_count(city.rt_head) == 0


def test_someone_elses_notification_is_not_found(city, client, login_as):
    first, *_ = _told(city, 1)
    login_as(city.rt_head2)
    assert client.post(f"/notifications/{first.id}/read").status_code == 404
    assert client.post(f"/api/v1/notifications/{first.id}/read").status_code == 404
    db.session.refresh(first)
    assert first.unread


def test_api_list_read_and_preferences(city, client, login_as):
    items = _told(city)
    login_as(city.rt_head)
    data = client.get("/api/v1/notifications/?per_page=2").get_json()
    assert data["unread"] == 3 and data["meta"]["total"] == 3 and len(data["items"]) == 2
    assert data["items"][0]["id"] == items[-1].id  # newest first
    assert client.post(f"/api/v1/notifications/{items[0].id}/read").get_json()["unread"] is False
    assert client.get("/api/v1/notifications/?unread=true").get_json()["meta"]["total"] == 2
    assert client.post("/api/v1/notifications/read-all").get_json() == {"marked": 2, "unread": 0}

    assert client.get("/api/v1/notifications/preferences").get_json()["proposals"] == "immediate"
    response = client.put("/api/v1/notifications/preferences", json={"proposals": "sometimes"})
    assert response.status_code == 422
    response = client.put("/api/v1/notifications/preferences", json={"proposals": "digest"})
    assert response.status_code == 200 and response.get_json()["proposals"] == "digest"
    assert response.get_json()["fgd"] == "immediate"


def test_api_text_is_in_the_callers_language(city, client, login_as):
    _told(city, 1)
    city.rt_head.locale = "en"
    db.session.commit()
    login_as(city.rt_head)
    [item] = client.get("/api/v1/notifications/").get_json()["items"]
    assert item["text"].startswith("Rina DLH commented on your proposal")


def test_settings_page_refuses_bad_choice_and_saves_nothing(city, client, login_as):
    login_as(city.rt_head)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Ringkasan harian" in page
    response = client.post("/notifications/settings", data={"proposals": "sometimes", "reviews": "off", "fgd": "off",
                                                            "council": "off", "programmes": "off"})
    assert response.status_code == 200
    assert services.preferences(city.rt_head)[services.Category.fgd].value == "immediate"
    page = response.get_data(as_text=True)
    assert "Pilih e-mail langsung, ringkasan harian, atau tanpa e-mail." in page  # in the person's language
    assert "Not a valid choice" not in page
    fgd_select = re.search(r'<select[^>]*id="fgd".*?</select>', page, re.S).group(0)
    assert re.search(r'<option selected value="off">', fgd_select)  # what they chose is still chosen


def test_list_page_query_count_is_bounded(city, client, login_as, count_queries):
    _told(city, 2)
    login_as(city.rt_head)
    with count_queries() as q:
        client.get("/notifications/")
    few = q.count
    _told(city, 15)
    with count_queries() as q:
        client.get("/notifications/")
    assert q.count == few


# -- the socket -------------------------------------------------------------------------------------------

def test_socket_refuses_anonymous_and_marks_read(city, connect):
    assert not connect(None).is_connected(NS)
    first, *_ = _told(city, 2)
    sc = connect(city.rt_head)
    ack = sc.emit("read", {"id": first.id}, namespace=NS, callback=True)
    assert ack == {"ok": True, "unread": 1}
    assert sc.emit("read", {"id": 999999}, namespace=NS, callback=True)["code"] == "not_found"
    assert sc.emit("read", {"all": True}, namespace=NS, callback=True) == {"ok": True, "unread": 0}



def test_a_read_anywhere_updates_the_bell_in_every_open_tab(city, connect, client, login_as):
    """Two tabs and the list page: reading in one clears the count the others show; nobody else hears."""
    first, *_ = _told(city, 2)
    tab_1, tab_2, other = connect(city.rt_head), connect(city.rt_head), connect(city.rt_head2)
    for sc in (tab_1, tab_2, other):
        sc.get_received(NS)

    def bells(sc):
        return [e["args"][0]["unread"] for e in sc.get_received(NS) if e["name"] == "unread"]

    assert tab_1.emit("read", {"id": first.id}, namespace=NS, callback=True)["unread"] == 1
    assert bells(tab_2) == [1]
    login_as(city.rt_head)
    client.post("/notifications/read-all")
    assert bells(tab_1) == [1, 0] and bells(tab_2) == [0]
    client.post("/notifications/read-all")  # nothing left to read: nothing said
    assert bells(tab_2) == [] and bells(other) == []


# -- WhatsApp -----------------------------------------------------------------------------------------------

def test_whatsapp_share_link_has_indonesian_text_and_absolute_url(app, city):
    from urllib.parse import unquote

    from collab.notifications.share import whatsapp_url

    with app.test_request_context():
        url = whatsapp_url("fgd_minutes", "/fgd/5/minutes", title="Bank sampah")
    assert url.startswith("https://wa.me/?text=")
    text = unquote(url.split("=", 1)[1])
    assert text == "Notulen FGD “Bank sampah” sudah terbit: http://127.0.0.1:5000/fgd/5/minutes"


def test_share_links_on_invitation_minutes_result_and_programme_pages(city, client, login_as):
    from urllib.parse import unquote

    fgd = create_fgd(city, invite=[city.rt_head])
    accepted = make_proposal(city, ProposalState.accepted)
    programme = create_programme(city)
    db.session.commit()
    login_as(city.rt_head)
    city.rt_head.locale = "en"  # the shared text stays Indonesian for the WhatsApp group
    db.session.commit()

    def share_text(path):
        page = client.get(path).get_data(as_text=True)
        assert "https://wa.me/?text=" in page, path
        return unquote(page.split("https://wa.me/?text=", 1)[1].split('"', 1)[0])

    text = share_text(f"/fgd/{fgd.id}")
    assert text.startswith(f"Undangan FGD “{fgd.topic}”")
    assert text.endswith(f"http://127.0.0.1:5000/fgd/{fgd.id}")
    assert share_text(f"/proposals/{accepted.id}").startswith("Keputusan Dewan atas usulan")
    assert share_text(f"/programmes/{programme.id}").startswith("Program keroyokan")

    from collab.council import services as council
    from tests.fixtures.council import create_sitting, seat_members

    members = seat_members(city, 1)
    sitting = create_sitting(city, n_proposals=1)
    assert "https://wa.me/" not in client.get(f"/council/{sitting.id}").get_data(as_text=True)  # not before the close
    council.cast_ballot(members[0], sitting, sitting.agenda[0].proposal, "approve")
    council.close_vote(city.admin, sitting)
    db.session.commit()
    text = share_text(f"/council/{sitting.id}")
    assert text.startswith(f"Hasil Sidang Dewan Smart City “{sitting.title}”")
    assert text.endswith(f"http://127.0.0.1:5000/council/{sitting.id}")


def test_a_down_mail_server_costs_one_attempt_not_one_per_mail(city, no_smtp):
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2, city.partner_rep])
    mails = outbox()
    assert len(mails) == 3 and all(m.status == OutboxStatus.pending for m in mails)
    assert sorted(m.attempts for m in mails) == [0, 0, 1]  # the rest wait for the next run
    assert len(notifications_of(city.rt_head)) == 1 and fgd.invitations


def test_a_savepoint_inside_an_action_is_not_its_commit(city, smtp, connect):
    """Endorsing uses a SAVEPOINT; releasing it must not send anything before the real commit."""
    proposal = in_review(city, smtp)
    sc = connect(city.rt_head)
    sc.get_received(NS)
    from collab.proposals import services as proposals

    proposals.endorse_proposal(city.rt_head2, proposal, "Kami juga butuh.")
    assert smtp.messages == [] and pushed(sc) == []
    db.session.commit()
    assert len(smtp.to(city.rt_head.email)) == 1 and len(pushed(sc)) == 1


def test_submission_asks_the_secretariat_and_a_revision_goes_back_to_the_reviewers(city):
    proposal = make_proposal(city, ProposalState.submitted)
    db.session.commit()
    assert [n.kind for n in notifications_of(city.admin)] == ["proposal_submit"]

    from collab.proposals import services as proposals
    from tests.fixtures.proposals import do_step

    for step in ("assign", "start_review", "request_revision"):
        do_step(city, proposal, step)
    proposals.submit_proposal(city.rt_head, proposal)
    db.session.commit()
    assert [n.kind for n in notifications_of(city.officer)] == ["review_requested", "proposal_resubmitted"]
    assert [n.kind for n in notifications_of(city.admin)] == ["proposal_submit"]  # not asked again


def test_home_page_lists_what_is_new_and_openapi_documents_the_api(city, client, login_as):
    _told(city, 2)
    login_as(city.rt_head)
    page = client.get("/").get_data(as_text=True)
    assert 'id="home-notifications"' in page and page.count("Rina DLH mengomentari usulan Anda") == 2
    login_as(city.rt_head2)
    assert 'id="home-notifications"' not in client.get("/").get_data(as_text=True)

    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/notifications/", "/api/v1/notifications/{notification_id}/read",
                 "/api/v1/notifications/read-all", "/api/v1/notifications/preferences"):
        assert path in paths
    assert "put" in paths["/api/v1/notifications/preferences"]


def test_a_broken_mail_in_the_outbox_does_not_block_the_others(app, city, smtp):
    db.session.add_all([OutgoingMail(to_address="rusak@example.org", subject="Baris\nkedua", body="x"),
                        OutgoingMail(to_address="baik@example.org", subject="Halo", body="y")])
    db.session.commit()
    assert "mail sent 1, pending 0, failed 1" in cli(app, "send-mail")
    assert [m.status for m in outbox()] == [OutboxStatus.failed, OutboxStatus.sent]
    assert len(smtp.to("baik@example.org")) == 1


# -- review pass: redirects, odd socket ids, council results ---------------------------------------------

@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x", "/\\\\evil.example", "/\tevil", "https://evil.example"])
def test_read_and_login_never_redirect_to_another_site(city, client, login_as, target):
    first, *_ = _told(city, 1)
    login_as(city.rt_head)
    response = client.post(f"/notifications/{first.id}/read", data={"next": target})
    assert response.status_code == 302 and response.location == "/notifications/"
    client.get("/logout")
    from tests.fixtures.factories import PASSWORD
    response = client.post("/login?next=" + quote(target, safe=""), data={"login": city.rt_head2.email,
                                                                           "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"


def test_read_keeps_a_local_next_path(city, client, login_as):
    first, *_ = _told(city, 1)
    login_as(city.rt_head)
    response = client.post(f"/notifications/{first.id}/read", data={"next": "/proposals/?page=2"})
    assert response.location == "/proposals/?page=2"


@pytest.mark.parametrize("data", [{"id": True}, {"id": 2**70}, {"id": -1}, {"id": "1"}, {"id": None}, "x", [1]])
def test_socket_read_with_an_odd_id_is_not_found_and_marks_nothing(city, connect, data):
    _told(city, 1)
    sc = connect(city.rt_head)
    ack = sc.emit("read", data, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["code"] == "not_found"
    assert services.unread_count(city.rt_head) == 1


def test_huge_ids_in_urls_are_not_found(city, client, login_as):
    login_as(city.rt_head)
    assert client.post("/notifications/99999999999999999999/read").status_code == 404
    assert client.post("/api/v1/notifications/99999999999999999999/read").status_code == 404


def test_closing_a_council_vote_tells_the_members_each_result_and_the_author_once(city, smtp):
    from collab.council import services as council
    from tests.fixtures.council import create_sitting, seat_members

    members = seat_members(city, 3)
    members[1].locale = "en"
    sitting = create_sitting(city, n_proposals=2, quorum_percent=60)
    passed, unvoted = [item.proposal for item in sitting.agenda]
    for member in members:
        council.cast_ballot(member, sitting, passed, "approve")
    council.cast_ballot(members[0], sitting, unvoted, "approve")
    db.session.commit()
    db.session.execute(delete(Notification))
    db.session.commit()

    council.close_vote(city.admin, sitting)
    db.session.commit()

    told = [n for n in notifications_of(city.council_member) if n.kind == "council_result"]
    texts = sorted(services.text_of(n) for n in told)
    assert texts == [f"Sidang Dewan “Sidang Dewan I” memutuskan usulan “{passed.title}”: diterima.",
                     f"Sidang Dewan “Sidang Dewan I” memutuskan usulan “{unvoted.title}”: tidak mencapai kuorum."]
    assert all(n.url == f"/council/{sitting.id}" for n in told)
    english = [m["Subject"] for m in smtp.to(members[1].email)]
    assert f"[Rembuk] Council sitting “Sidang Dewan I” decided on the proposal “{passed.title}”: accepted." in english
    # the proposing office hears about the vote without quorum once, in a sentence (not a bare title)
    author_told = notifications_of(unvoted.author)
    assert [n.kind for n in author_told if n.object_id == unvoted.id] == ["council_no_quorum"]


def test_endorsers_learn_the_council_result(city, smtp):
    from collab.council import services as council
    from collab.proposals.models import Endorsement
    from tests.fixtures.council import create_sitting, seat_members

    members = seat_members(city, 2)
    sitting = create_sitting(city, n_proposals=1, quorum_percent=50)
    proposal = sitting.agenda[0].proposal
    db.session.add(Endorsement(proposal=proposal, office=city.rt3, user=city.rt_head2))  # Blooto stood behind it
    for member in members:
        council.cast_ballot(member, sitting, proposal, "approve")
    db.session.commit()
    db.session.execute(delete(Notification))
    db.session.commit()

    council.close_vote(city.admin, sitting)
    db.session.commit()
    [n] = [n for n in notifications_of(city.rt_head2) if n.object_id == proposal.id]
    assert n.kind == "endorsed_accept"
    assert services.text_of(n) == f"Usulan “{proposal.title}” yang Anda dukung diterima oleh Dewan."
    assert [n.kind for n in notifications_of(proposal.author) if n.object_id == proposal.id] == ["proposal_accept"]
