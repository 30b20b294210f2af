"""A short FGD end to end in real headless Chromium: a facilitator and two RT heads join the
live room, talk, raise a hand, poll, mark a point, close the room and publish the minutes."""
import pytest

from tests.conftest import browser_login
from tests.fixtures.factories import PASSWORD
from tests.fixtures.fgd import create_fgd

pytestmark = pytest.mark.browser


@pytest.fixture
def person(browser, live_server):
    contexts = []

    def _open(user):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.base = live_server
        page.on("dialog", lambda dialog: dialog.accept("Tidak relevan"))
        browser_login(page, user.email, PASSWORD)
        page.wait_for_selector("main h1")
        return page

    yield _open
    for context in contexts:
        context.close()


def test_short_fgd_end_to_end(city, person):
    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], live=True, topic="Bank sampah Kauman")
    room = f"/fgd/{fgd.id}/room"
    host, siti, agus = person(city.officer), person(city.rt_head), person(city.rt_head2)
    for page in (host, siti, agus):
        page.goto(page.base + room)
        page.wait_for_selector("#fgd-conn.fgd-conn-online")

    siti.fill("#fgd-body", "Usul bank sampah di balai RW <b>segera</b>")
    siti.click("#fgd-send button[type=submit]")
    agus.wait_for_selector("#fgd-messages li.fgd-msg:has-text('segera')")
    assert "<b>segera</b>" in agus.inner_text("#fgd-messages")  # shown as text, not markup

    agus.click("#fgd-raise")
    host.wait_for_selector("#fgd-hands li:has-text('Agus Ketua RT')")
    host.click("#fgd-next")
    siti.wait_for_selector("#fgd-called:has-text('Agus Ketua RT')")

    host.fill("#fgd-poll-question", "Setuju bank sampah?")
    host.fill("#fgd-poll-options", "Setuju\nTidak")
    host.click("#fgd-poll-new button[type=submit]")
    siti.wait_for_selector(".fgd-poll:has-text('Setuju bank sampah?')")
    siti.click(".fgd-poll li:has-text('Setuju:') button")
    host.wait_for_selector(".fgd-poll li:has-text('Setuju: 1')")

    host.click("#fgd-messages li:has-text('segera') button:has-text('Tandai sebagai poin')")
    agus.wait_for_selector("#fgd-messages li.fgd-msg-point")

    host.click("form[data-confirm] button:has-text('Tutup ruang')")
    host.wait_for_selector("textarea#body")
    siti.wait_for_selector("#fgd-notice:has-text('Ruang sudah ditutup')")
    assert "Usul bank sampah" in host.input_value("textarea#body")
    host.click("button:has-text('Terbitkan')")
    host.wait_for_selector("pre.fgd-minutes")
    siti.goto(siti.base + f"/fgd/{fgd.id}/minutes")
    assert "Usul bank sampah di balai RW" in siti.inner_text("pre.fgd-minutes")
