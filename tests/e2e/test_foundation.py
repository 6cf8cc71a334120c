import re

import pytest
from playwright.sync_api import expect

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_officer_logs_in_and_sees_only_their_commune(page):
    page.goto(page.base + "/accounts/login/")
    assert page.locator("h1").inner_text() == "Đăng nhập vào cổng thông tin NTM"
    screenshot(page, "login")
    login(page, "ky-tay")
    assert "Cán bộ xã" in page.content()
    page.click("text=Mở xã của tôi")
    expect(page.locator("h1")).to_have_text(re.compile(r"^Xã Kỳ Tây"))
    screenshot(page, "commune-ky-tay")
    assert not page.console_errors
    response = page.goto(page.base + "/communes/ky-lac/")
    assert response.status == 404
    assert "Không tìm thấy" in page.content()


def test_committee_lists_21_communes_and_switches_language(page):
    login(page, "committee")
    page.goto(page.base + "/communes/")
    assert page.locator("tbody tr").count() == 21
    screenshot(page, "communes")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    expect(page.locator("h1")).to_have_text("Communes")
    assert not page.console_errors
