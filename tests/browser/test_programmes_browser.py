"""A keroyokan programme end to end in real headless Chromium: DLH creates it with Dinkes and two
partners, they accept and pledge, milestones are done with evidence, the masterplan item is
realised and the dashboard's realisation figure changes."""
from __future__ import annotations

from datetime import date

import pytest

from collab.masterplan.models import DimensionCode
from tests.fixtures.programmes import Partners

pytestmark = pytest.mark.browser


def _cell(page):
    page.goto(page.base + "/dashboard")
    return page.locator("#realisation-table tr[data-dimension='environment'] td[data-year='2024'] strong").inner_text()


def test_programme_from_creation_to_realised_item(city, person):
    item = city.item(DimensionCode.environment, 2024, "Bank sampah keroyokan")
    city.item(DimensionCode.environment, 2024, "IPAL komunal")
    partners = Partners()
    lead = person(city.officer)
    assert _cell(lead) == "0%"

    lead.goto(lead.base + "/programmes/new")
    lead.fill("#name", "Bank Sampah Keroyokan")
    lead.fill("#goal", "Bank sampah di setiap kelurahan")
    lead.select_option("#dimension", "environment")
    lead.select_option("#items", str(item.id))
    lead.click("main form button[type=submit]")
    lead.wait_for_selector("#programme-state")
    url = lead.url
    for org, role in ((city.opd2, "co_owner"), (city.partner, "partner"), (partners.csr, "partner")):
        lead.click("#members summary")
        lead.select_option("#invite-organisation", str(org.id))
        lead.select_option("#invite-role", role)
        lead.click("#members details form button[type=submit]")
        lead.wait_for_selector(f"#members td:text('{org.name}')")

    for user in (city.officer2, city.partner_rep, partners.csr_rep):
        page = person(user)
        page.goto(url)
        page.click("#invitation button[value=accept]")
        page.wait_for_selector(".flash-success")
    baznas = person(city.partner_rep)
    baznas.goto(url)
    baznas.click("#commitments details > summary")
    baznas.select_option("#pledge-kind", "funds")
    baznas.fill("#pledge-amount", "-5")
    baznas.click("#commitments details form button[type=submit]")
    assert "tidak boleh negatif" in baznas.locator("#pledge-amount-error").inner_text()
    baznas.fill("#pledge-amount", "150000000")
    baznas.click("#commitments details form button[type=submit]")
    baznas.wait_for_selector("#pledges td:text('BAZNAS')")

    lead.goto(url)
    lead.click("#milestones > details > summary")
    lead.fill("#milestone-title", "Pendataan bank sampah")
    lead.fill("#milestone-weight", "2")
    lead.fill("#milestone-due_on", date.today().isoformat())
    lead.click("#milestones > details form button[type=submit]")
    lead.wait_for_selector("#milestones td:text('Pendataan bank sampah')")
    lead.click("text=Mulai program")
    lead.wait_for_selector("#programme-state:text('Berjalan')")
    lead.click("#milestones td details summary")
    lead.fill("#milestones td details textarea", "Berita acara pendataan 18 kelurahan")
    lead.click("#milestones td details form button[type=submit]")
    lead.wait_for_selector("#programme-progress:has-text('100')")
    lead.click("text=Selesaikan dan tandai butir masterplan terealisasi")
    lead.wait_for_selector("#programme-state:text('Selesai')")

    assert _cell(lead) == "50%"
    errors = []
    lead.on("pageerror", lambda exc: errors.append(str(exc)))
    lead.reload()
    lead.wait_for_function("() => window.Chart && document.querySelectorAll('canvas.chart').length > 0 && "
                           "[...document.querySelectorAll('canvas.chart')].every(c => window.Chart.getChart(c))")
    assert errors == []


def test_two_members_see_each_others_messages_live(city, person):
    from tests.fixtures.programmes import create_programme

    programme = create_programme(city)
    url = f"/programmes/{programme.id}#discussion"
    lead, baznas = person(city.officer), person(city.partner_rep)
    for page in (lead, baznas):
        page.goto(page.base + url)
        page.wait_for_selector("#channel-conn:text('Langsung')")
    lead.wait_for_selector("#channel-presence:has-text('Ahmad BAZNAS')")
    lead.fill("#comment-body", "Rapat koordinasi Senin pukul 09.00 di DLH")
    lead.click("#channel-form button[type=submit]")
    baznas.wait_for_selector("#channel-messages li:has-text('Rapat koordinasi Senin')")
    assert "Rina DLH" in baznas.locator("#cmsg-1").inner_text()
    baznas.fill("#comment-body", "BAZNAS hadir <b>dua orang</b>")
    baznas.click("#channel-form button[type=submit]")
    lead.wait_for_selector("#cmsg-2:has-text('BAZNAS hadir <b>dua orang</b>')")  # text, never markup
    assert lead.locator("#cmsg-2 b").count() == 0
    assert lead.locator("#channel-messages li").count() == 2 and lead.locator(".flash-success").count() == 0
    lead.reload()  # stored, not only broadcast
    lead.wait_for_selector("#cmsg-2")
    assert lead.locator("#channel-messages li[data-seq]").count() == 2


def test_proposal_programme_and_report_pages_fit_a_phone_in_both_languages(city, person):
    """Wide tables scroll inside their box, state counts and breadcrumbs wrap, a long word wraps:
    the page itself never scrolls sideways at 390px, in Indonesian or in English."""
    from collab.extensions import db
    from collab.programmes import services
    from collab.programmes.models import CommitmentKind, ProgrammeProposal
    from tests.fixtures.programmes import create_programme
    from tests.fixtures.proposals import S, make_proposal

    for state in (S.submitted, S.in_review, S.revision_requested, S.ready_for_council, S.withdrawn):
        make_proposal(city, state, title=f"Usulan {state.value}")
    accepted = make_proposal(city, S.accepted, title="Pengelolaan" + "sampah" * 30)
    programme = create_programme(city, name="Keroyokan" + "x" * 120)
    programme.proposal_links.append(ProgrammeProposal(proposal_id=accepted.id))
    commitment = services.add_commitment(city.partner_rep, programme, kind=CommitmentKind.funds, amount=125_000_000)
    db.session.commit()
    urls = ["/proposals/", f"/proposals/{accepted.id}", "/proposals/routing", "/programmes/",
            f"/programmes/{programme.id}", f"/programmes/{programme.id}/edit",
            f"/programmes/milestones/{programme.milestones[0].id}/edit", "/dashboard", "/evaluation"]
    admin = person(city.admin)
    for lang in ("id", "en"):
        if lang == "en":
            admin.select_option("#lang-select", "en")
            admin.click(".lang-switch button")
            admin.wait_for_selector("html[lang=en]")
        for url in urls:
            admin.goto(admin.base + url)
            assert admin.evaluate("document.documentElement.lang") == lang
            assert admin.evaluate("document.documentElement.scrollWidth") <= 390, (lang, url)
    partner = person(city.partner_rep)
    partner.goto(partner.base + f"/programmes/commitments/{commitment.id}/edit")
    assert partner.evaluate("document.documentElement.scrollWidth") <= 390
