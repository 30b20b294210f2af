"""A short FGD end to end in real headless Chromium: a facilitator and two RT heads join the
live room, talk, raise a hand, poll, mark a point, close the room and publish the minutes."""
import pytest

from tests.fixtures.fgd import create_fgd

pytestmark = pytest.mark.browser


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
    siti.wait_for_selector(".fgd-poll li.fgd-poll-mine:has-text('Setuju') .fgd-your-vote")  # her choice shows
    siti.reload()
    siti.wait_for_selector(".fgd-poll li.fgd-poll-mine:has-text('Setuju') .fgd-your-vote")  # and survives a reload

    host.click("#fgd-messages li:has-text('segera') button:has-text('Tandai sebagai poin')")
    agus.wait_for_selector("#fgd-messages li.fgd-msg-point")

    host.click("form[data-confirm] button:has-text('Tutup ruang')")
    host.wait_for_selector("textarea#body")
    siti.wait_for_selector("#fgd-notice:has-text('Ruang sudah ditutup')")
    assert siti.inner_text("#fgd-status") != "Berlangsung" and siti.is_hidden("#fgd-raise")
    assert "Usul bank sampah" in host.input_value("textarea#body")
    host.click("button:has-text('Terbitkan')")
    host.wait_for_selector("article.fgd-minutes")
    siti.goto(siti.base + f"/fgd/{fgd.id}/minutes")
    assert "Usul bank sampah di balai RW" in siti.inner_text("article.fgd-minutes")


def test_point_becomes_the_rt_heads_draft_proposal(city, person):
    from collab.extensions import db
    from collab.fgd import services

    fgd = create_fgd(city, invite=[city.rt_head, city.rt_head2], live=True, topic="Sampah plastik Kauman")
    message, _ = services.post_message(city.rt_head, fgd, "Bank sampah di setiap balai RW", "b-1")
    services.mark_point(city.officer, fgd, message.id)
    db.session.commit()
    host = person(city.officer)
    host.goto(host.base + f"/fgd/{fgd.id}/room")
    host.wait_for_selector("#fgd-conn.fgd-conn-online")
    host.click("#fgd-messages li:has-text('balai RW') button:has-text('Jadikan draf usulan')")
    host.wait_for_selector("#fgd-notice:has-text('Draf usulan #')")

    host.goto(host.base + f"/fgd/{fgd.id}/points")
    assert "Menjadi" in host.inner_text(".fgd-outcome")
    assert host.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
    host.goto(host.base + f"/fgd/{fgd.id}")
    assert host.evaluate("document.documentElement.scrollWidth") <= 390
    host.click(f"form[action$='/invitations/{city.rt_head2.id}/remove'] button")
    host.wait_for_selector(".flash:has-text('tidak lagi diundang')")

    siti = person(city.rt_head)
    siti.goto(siti.base + "/proposals/")
    siti.click("a:has-text('Bank sampah di setiap balai RW')")
    siti.wait_for_selector("#proposal-fgd-origin:has-text('Sampah plastik Kauman')")
    width = siti.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone


def test_room_catches_up_past_one_join_page(city, person):
    """A join answers at most 500 missed messages; the page keeps asking until it has the last."""
    from collab.extensions import db
    from collab.fgd import services

    fgd = create_fgd(city, invite=[city.rt_head], live=True, topic="Rapat panjang")
    for i in range(1, 1021):
        services.post_message(city.rt_head, fgd, f"Pesan nomor {i}", f"long-{i}")
    db.session.commit()
    siti = person(city.rt_head)
    siti.goto(siti.base + f"/fgd/{fgd.id}/room")
    siti.wait_for_selector("#fgd-conn.fgd-conn-online")
    siti.wait_for_selector("#msg-1020:has-text('Pesan nomor 1020')")
    assert siti.locator("#fgd-messages li.fgd-msg").count() == 1020


def test_fgd_pages_fit_a_phone_in_both_languages_with_a_long_topic(city, person):
    from collab.extensions import db
    from collab.fgd import services

    fgd = create_fgd(city, invite=[city.rt_head], live=True,
                     topic="Pengelolaan sampah rumah tangga dan bank sampah di seluruh RW Kelurahan Kauman")
    message, _ = services.post_message(city.rt_head, fgd, "Usul " + "x" * 200, "w-1")
    services.mark_point(city.officer, fgd, message.id)
    db.session.commit()
    for lang in ("id", "en"):
        city.officer.locale = lang
        db.session.commit()
        host = person(city.officer)
        for url in ("/fgd/", f"/fgd/{fgd.id}", f"/fgd/{fgd.id}/room", f"/fgd/{fgd.id}/points",
                    f"/fgd/{fgd.id}/check-in"):
            host.goto(host.base + url)
            assert host.evaluate("document.documentElement.lang") == lang
            assert host.evaluate("document.documentElement.scrollWidth") <= 390, (lang, url)
        host.context.close()
