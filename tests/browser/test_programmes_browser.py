"""A keroyokan programme end to end in real headless Chromium: DLH creates it with Dinkes and two
partners, they accept and pledge, milestones are done with evidence, the masterplan item is
realised and the dashboard's realisation figure changes."""
from __future__ import annotations

from datetime import date

import pytest

from collab.masterplan.models import DimensionCode
from tests.conftest import browser_login
from tests.fixtures.factories import PASSWORD
from tests.fixtures.programmes import Partners

pytestmark = pytest.mark.browser


@pytest.fixture
def person(browser, live_server):
    contexts = []

    def _open(user):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.base = live_server
        page.on("dialog", lambda dialog: dialog.accept())
        browser_login(page, user.email, PASSWORD)
        page.wait_for_selector("main h1")
        return page

    yield _open
    for context in contexts:
        context.close()


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
        lead.click("#members form button[type=submit]")
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
