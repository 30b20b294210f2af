"""Notifications in real headless Chromium at phone width: the bell's count, a notification that
arrives live while the page is open, opening it, and the settings page, in Indonesian."""
import pytest

from collab.extensions import db
from collab.proposals import services as proposals
from collab.proposals.models import ProposalState
from tests.conftest import browser_login
from tests.fixtures.factories import PASSWORD
from tests.fixtures.proposals import make_proposal

pytestmark = pytest.mark.browser


def test_bell_live_notification_open_and_settings(city, page):
    proposal = make_proposal(city, ProposalState.submitted)
    proposals.add_comment(city.officer, proposal, "Lokasinya di mana?")
    db.session.commit()

    browser_login(page, city.rt_head.email, PASSWORD)
    page.wait_for_selector("main h1")
    assert page.inner_text("#notification-count") == "1"
    assert page.get_attribute("#notification-bell", "aria-label") == "Notifikasi: 1 belum dibaca"

    # a new one arrives while the page is open: the bell counts it and a notice links to it
    page.wait_for_selector("#notification-bell[data-live='1']")  # the socket is connected
    proposals.add_comment(city.officer, proposal, "Sudah ada anggaran?")
    db.session.commit()
    page.wait_for_selector(".notification-toast:not([hidden])")
    assert page.inner_text("#notification-count") == "2"
    assert "Rina DLH mengomentari usulan Anda" in page.inner_text(".notification-toast")

    page.click("#notification-bell")
    page.wait_for_selector("#notification-list")
    assert page.locator("#notification-list li.unread").count() == 2
    page.locator("#notification-list button.notification-open").first.click()
    page.wait_for_url(f"**/proposals/{proposal.id}*")
    assert page.inner_text("#notification-count") == "1"

    page.goto(page.base + "/notifications/settings")
    page.select_option("#proposals", "digest")
    page.click("#notification-settings button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert "Pengaturan notifikasi Anda tersimpan." in page.inner_text(".flash-success")
    assert page.input_value("#proposals") == "digest"
    # nothing overflows the phone screen
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_live_item_on_the_empty_list_opens_and_marks_read_and_long_titles_wrap_in_english(city, page):
    proposal = make_proposal(city, ProposalState.submitted, title="Perbaikan" + "x" * 150)  # no space to wrap at
    db.session.commit()
    browser_login(page, city.rt_head.email, PASSWORD)
    page.wait_for_selector("main h1")
    page.select_option("#lang-select", "en")  # the switch applies on change
    page.wait_for_selector("html[lang='en']")
    page.goto(page.base + "/notifications/")
    assert page.inner_text("main h1") == "Notifications"
    page.wait_for_selector("#no-notifications")
    page.wait_for_selector("#notification-bell[data-live='1']")

    db.session.expire_all()  # the switch changed the person's language in another session
    proposals.add_comment(city.officer, proposal, "Lokasinya di mana?")
    db.session.commit()
    page.wait_for_selector("#notification-list li.unread button.notification-open")
    assert page.inner_text("#notification-count") == "1"
    assert page.inner_text("#notification-list li.unread").startswith("Rina DLH commented on your proposal")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.click("#notification-list li.unread button.notification-open")  # a POST like the others
    page.wait_for_url(f"**/proposals/{proposal.id}*")
    assert page.inner_text("#notification-count") == "0"
    page.goto(page.base + "/notifications/")
    assert page.locator("#notification-list li.read").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_reading_in_one_tab_clears_the_bell_in_the_other(city, page):
    proposal = make_proposal(city, ProposalState.submitted)
    proposals.add_comment(city.officer, proposal, "Lokasinya di mana?")
    db.session.commit()
    browser_login(page, city.rt_head.email, PASSWORD)
    page.wait_for_selector("#notification-bell[data-live='1']")
    assert page.inner_text("#notification-count") == "1"

    other_tab = page.context.new_page()
    other_tab.goto(page.base + "/notifications/")
    other_tab.locator("form[action$='/read-all'] button").click()
    other_tab.wait_for_selector("#notification-count.is-zero", state="attached")
    page.wait_for_selector("#notification-count.is-zero", state="attached")  # no reload in the first tab
    assert page.inner_text("#notification-count") == "0"
    other_tab.close()
