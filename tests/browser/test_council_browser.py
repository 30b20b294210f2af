"""A council sitting end to end in real headless Chromium on phone screens: the admin convenes
it and opens the vote, three members read their packets and vote (one changes their mind), a
viewer watches the tally move live over the socket, the admin closes, and the accepted proposal
shows its decision and its new masterplan item."""
from __future__ import annotations

import pytest

from collab.proposals.models import ProposalState
from tests.fixtures.council import seat_members
from tests.fixtures.proposals import make_proposal

pytestmark = pytest.mark.browser


def _count(page, proposal_id, key):
    return page.locator(f'[data-tally-for="{proposal_id}"] [data-k="{key}"]').inner_text()


def test_sitting_with_members_voting_and_a_viewer_watching(city, person):
    members = seat_members(city, 3)
    proposal = make_proposal(city, ProposalState.ready_for_council, title="Taman baca digital RW 001")

    admin = person(city.admin)
    admin.goto(admin.base + "/council/new")
    admin.fill("#title", "Sidang Dewan Maret")
    admin.fill("#held_on", "2026-03-02")
    admin.check(f"input[name=proposals][value='{proposal.id}']")
    admin.fill("#quorum_percent", "50")
    admin.click("#sitting-form button[type=submit]")
    admin.wait_for_selector("#sitting-actions")
    sitting_url = admin.url
    assert "Terjadwal" in admin.inner_text("#sitting-state")
    admin.click("#sitting-actions button")
    admin.wait_for_selector("text=Pemungutan suara dibuka. Anggota yang duduk kini dapat memberikan suara.")

    viewer = person(city.rt_head)
    viewer.goto(sitting_url)
    viewer.wait_for_selector("#council-live[data-joined='1']")
    assert _count(viewer, proposal.id, "voted") == "0"

    for member, choice in zip(members, ["approve", "approve", "reject"], strict=True):
        page = person(member)
        page.goto(sitting_url)
        page.click(f"#agenda-{proposal.id} a[role=button]")
        page.wait_for_selector("#packet-proposal")
        assert "Taman baca digital RW 001" in page.inner_text("h1")
        page.check(f"input[name=choice][value={choice}]")
        page.click("#ballot-form button[type=submit]")
        page.wait_for_selector("text=Suara Anda tercatat")
    # the viewer never reloaded: the counts arrived over the socket
    viewer.wait_for_function(
        f"document.querySelector('[data-tally-for=\"{proposal.id}\"] [data-k=\"voted\"]').textContent === '3'")
    assert (_count(viewer, proposal.id, "approve"), _count(viewer, proposal.id, "reject")) == ("2", "1")

    # the third member changes their mind; voting the same again is refused with a reason
    page.goto(sitting_url + f"/proposals/{proposal.id}")
    page.check("input[name=choice][value=approve]")
    page.click("#ballot-form button[type=submit]")
    viewer.wait_for_function(
        f"document.querySelector('[data-tally-for=\"{proposal.id}\"] [data-k=\"approve\"]').textContent === '3'")
    page.goto(sitting_url + f"/proposals/{proposal.id}")
    page.check("input[name=choice][value=approve]")
    page.click("#ballot-form button[type=submit]")
    page.wait_for_selector(".flash-error")
    assert "sudah tercatat" in page.inner_text(".flash-error")

    admin.goto(sitting_url)
    admin.click("#sitting-actions button")
    admin.wait_for_selector("text=Pemungutan suara ditutup dan hasilnya tercatat.")
    viewer.wait_for_selector(f'[data-tally-for="{proposal.id}"] .council-result-accepted')
    assert "Diterima" in viewer.inner_text(f'[data-tally-for="{proposal.id}"]')

    # the public sees names per choice; the proposal page links its masterplan item
    viewer.goto(sitting_url)
    assert members[2].name in viewer.inner_text(".council-names")
    viewer.goto(viewer.base + f"/proposals/{proposal.id}")
    viewer.click("#proposal-masterplan-item a")
    viewer.wait_for_selector("#item-proposal")
    assert "Taman baca digital RW 001" in viewer.inner_text("h1")


def test_council_pages_fit_a_phone_in_both_languages_with_long_titles(city, person):
    from collab.extensions import db
    from tests.fixtures.council import create_sitting

    members = seat_members(city, 2)
    sitting = create_sitting(city, title="Sidang Dewan Smart City Kota Mojokerto tentang usulan lingkungan hidup")
    pid = sitting.agenda[0].proposal_id
    for lang in ("id", "en"):
        members[0].locale = lang
        db.session.commit()
        page = person(members[0])
        for url in ("/council/", f"/council/{sitting.id}", f"/council/{sitting.id}/proposals/{pid}", "/council/verify"):
            page.goto(page.base + url)
            assert page.evaluate("document.documentElement.lang") == lang
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, (lang, url)
        page.context.close()
