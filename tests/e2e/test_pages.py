"""The remaining pages in a real browser: history, a registry record, tokens, the back office."""

import pytest
from playwright.sync_api import expect

from communes.models import ModelArea, Village
from tests.conftest import open_latest_period

from .conftest import login, screenshot, submit

pytestmark = pytest.mark.browser


def test_officer_records_a_model_area_and_reads_its_history(page):
    period = open_latest_period()
    village = Village.objects.filter(commune__slug="ky-tay").exclude(
        model_areas__lapsed_on__isnull=True, model_areas__isnull=False).first()
    login(page, "ky-tay")
    page.goto(page.base + "/communes/ky-tay/")
    page.click("text=Thêm hồ sơ của một thôn")
    page.select_option("#id_village", str(village.pk))
    page.fill("#id_registered_on", "01/01/2021")
    submit(page)
    assert "Quý I/2021" in page.locator(".invalid-feedback").first.inner_text()
    assert page.locator("#id_registered_on").input_value() == "01/01/2021"
    page.fill("#id_registered_on", period.start_date.strftime("%d/%m/%Y"))
    submit(page)
    assert "Đã lưu" in page.content()
    assert ModelArea.objects.filter(village=village, lapsed_on__isnull=True).exists()
    page.goto(f"{page.base}/communes/ky-tay/2021/q1/history/")
    assert "Lịch sử thay đổi" in page.locator("h1").inner_text()
    assert page.locator("tbody tr").count() > 1
    screenshot(page, "history")
    assert not page.console_errors


def test_staff_creates_and_revokes_a_token_and_opens_the_back_office(page):
    login(page, "staff")
    page.goto(page.base + "/accounts/profile/")
    page.fill("#token-name", "script báo cáo")
    page.click("#create-token")
    expect(page.locator("#new-token")).to_contain_text("ntm_")
    page.click("button[name=revoke]")
    # Still listed, now revoked (the page before listed it too, not revoked).
    expect(page.locator("tbody tr", has_text="script báo cáo")).to_contain_text("đã thu hồi")
    screenshot(page, "profile")
    page.goto(page.base + "/admin/")
    assert "Quản trị" in page.content()
    page.goto(page.base + "/admin/criteria/indicator/")
    assert "Nhà ở được chỉnh trang" in page.content()
    screenshot(page, "admin-indicators")
    assert not page.console_errors
