"""End to end in headless Chromium: an RT head's draft, the duplicate suggestion, submission,
assignment by the secretariat and an OPD review up to "ready for council"."""
import pytest

from tests.conftest import browser_login
from tests.fixtures.factories import PASSWORD
from tests.fixtures.proposals import S, make_proposal

pytestmark = pytest.mark.browser


def _as(browser, base, user):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    page.base = base
    browser_login(page, user.email, PASSWORD)
    page.wait_for_selector("main h1")
    return page


def test_draft_to_ready_for_council(browser, live_server, city):
    existing = make_proposal(city, S.submitted, author=city.rt_head2, title="Bank sampah digital kelurahan Blooto",
                             problem="Sampah menumpuk di sungai", solution="Bank sampah dengan tabungan digital")

    head = _as(browser, live_server, city.rt_head)
    head.goto(live_server + "/proposals/new")
    head.click("#save-proposal")  # nothing filled in: the server explains, field by field
    head.wait_for_selector("#title-error")
    assert head.is_visible("#title-error")
    head.fill("#title", "Bank sampah digital untuk RT kami")
    assert head.is_hidden("#title-error")  # the stale message goes once the title is typed
    head.wait_for_selector("#similar:not([hidden])")  # suggestions while typing
    assert existing.title in head.inner_text("#similar")
    assert head.locator("#similar .endorse-instead:not([hidden])").count() == 1
    head.select_option("#dimension", "environment")
    head.fill("#problem", "Sampah rumah tangga menumpuk dan tidak dipilah.")
    head.fill("#solution", "Bank sampah dengan pencatatan tabungan lewat aplikasi.")
    head.click("#save-proposal")
    head.wait_for_selector("#submit-form")
    proposal_url = head.url
    head.click("#submit-form button[type=submit]")
    head.wait_for_selector("#duplicate-check")  # and again on submit
    assert existing.title in head.inner_text("#duplicate-check")
    assert head.locator(".endorse-instead").count() == 1
    head.click("#submit-anyway")
    head.wait_for_selector("mark[data-state=submitted]")
    assert "Diajukan" in head.inner_text("hgroup")

    admin = _as(browser, live_server, city.admin)
    admin.goto(proposal_url)
    admin.select_option("#opd", str(city.opd.id))
    admin.click("#assign-form button[type=submit]")
    admin.wait_for_selector("#assigned-opd:has-text('Dinas Lingkungan Hidup')")

    officer = _as(browser, live_server, city.officer)
    officer.goto(proposal_url)
    officer.click("#start-review-form button[type=submit]")
    officer.wait_for_selector("mark[data-state=in_review]")
    officer.click("#write-review")
    officer.select_option("#feasibility", "feasible")
    officer.fill("#cost_estimate", "25000000")
    officer.fill("#recommendation", "Layak; sejalan dengan program bank sampah DLH.")
    officer.select_option("#decision", "mark_ready")
    officer.click("#review-form button[type=submit]")
    officer.wait_for_selector("mark[data-state=ready_for_council]")

    head.goto(proposal_url)  # the author sees every step and why
    history = head.inner_text("#history")
    assert "menandai siap dibawa ke Dewan" in history and "sejalan dengan program" in history
