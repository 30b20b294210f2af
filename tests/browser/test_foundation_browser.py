"""End to end in real headless Chromium: log in per role and land on the right home page."""
import pytest

from tests.conftest import browser_login
from tests.fixtures.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_public_home_shows_dimensions_in_indonesian(page, city):
    city.item(year=2023, title="Bank sampah", realised_on=__import__("datetime").date(2023, 12, 1))
    city.item(year=2023, title="IPAL komunal")
    page.goto(page.base + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("header a[href='/login']").inner_text().strip() == "Masuk"
    row = page.locator("#realisation-table tr[data-dimension=environment] td[data-year='2023']")
    assert "50%" in row.inner_text() and "1/2" in row.inner_text()


@pytest.mark.parametrize("role,section", [
    ("admin", "#home-admin"), ("rt_rw_head", "#home-rt-rw"), ("opd_officer", "#home-opd"),
    ("partner_rep", "#home-partner"), ("council_member", "#home-council")])
def test_each_role_lands_on_its_home(page, city, role, section):
    user = city.by_role(role)
    browser_login(page, user.email, PASSWORD)
    page.wait_for_selector(section)
    assert user.name in page.inner_text("main h1")
    if role == "rt_rw_head":
        assert "Kauman" in page.inner_text(section)


def test_wrong_password_is_explained(page, city):
    browser_login(page, city.admin.email, "wrong password!")
    assert "tidak benar" in page.inner_text("main")
