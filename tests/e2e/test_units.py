"""Two steering units in a browser: the province picks a district, Nghi Xuân's committee
lands on its own; at phone and desktop sizes, no horizontal scroll."""

import pytest

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", SIZES)
def test_province_picks_the_unit_in_the_dashboard(page, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    login(page, "province")
    page.goto(page.base + "/reports/2021/q1/")
    assert "Hà Tĩnh" in page.title()
    picker = page.locator("#unit-picker")
    assert picker.is_visible()
    picker.get_by_text("huyện Nghi Xuân").click()
    page.wait_for_url("**/reports/2021/q1/?unit=nghi-xuan")
    assert "Nghi Xuân" in page.locator("h1").inner_text()
    assert "Kỳ Anh" not in page.locator("#narrative").inner_text()
    assert page.locator("#export-link").get_attribute("href").endswith("?unit=nghi-xuan")
    assert page.locator(".not-assessed").count() == 3
    assert no_horizontal_scroll(page)
    screenshot(page, f"units-province-nghi-xuan-{size}")
    assert not page.console_errors


@pytest.mark.parametrize("size", SIZES)
def test_second_district_lands_on_itself(page, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    login(page, "nx-committee")
    page.goto(page.base + "/reports/2021/q1/")
    assert page.locator("#unit-picker").count() == 0
    assert "Nghi Xuân" in page.locator("h1").inner_text()
    assert "huyện Nghi Xuân" in page.locator("footer").inner_text()
    assert no_horizontal_scroll(page)
    screenshot(page, f"units-nx-committee-{size}")
    page.goto(page.base + "/communes/")
    assert "Kỳ Tây" not in page.content()
    assert not page.console_errors


def test_login_page_names_the_province(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/accounts/login/")
    assert "tỉnh Hà Tĩnh" in page.locator("main").inner_text()
    assert no_horizontal_scroll(page)
    screenshot(page, "units-login-phone")
