"""The quarterly loop in a real browser: enter, err, submit, return, fix, approve, lock."""

import pytest
from playwright.sync_api import expect

from criteria.aggregates import criteria_set_for
from tests.conftest import open_latest_period

from .conftest import login, screenshot, submit
from .test_phone_report import figure

pytestmark = pytest.mark.browser


def logout(page):
    page.click("nav button:has-text('Đăng xuất')")
    page.wait_for_url("**/accounts/login/")


def test_officer_and_staff_walk_the_review_loop(page):
    period = open_latest_period()
    path = f"{page.base}/communes/ky-tay/{period.year}/q{period.quarter}/"

    login(page, "ky-tay")
    page.goto(path)
    assert "Chưa lập báo cáo" in page.locator("#status").inner_text()
    inputs = page.locator("input.figure[name^=value-]")
    for i in range(inputs.count()):
        inputs.nth(i).fill("12")
    houses = figure(page, "ntm-houses-renovated")
    houses.fill("bốn nghìn")
    figure(page, "gnbv-poor-rate").fill("4,5")
    submit(page, "#save-report")
    assert "Không có gì được lưu" in page.content()
    assert figure(page, "ntm-houses-renovated").input_value() == "bốn nghìn"
    assert figure(page, "gnbv-poor-rate").input_value() == "4,5"
    assert "không phải là số" in page.locator(".fig-row.has-error").first.inner_text()
    screenshot(page, "submission-error")

    figure(page, "ntm-houses-renovated").fill("4.054")
    met = page.locator(".met-choice label.btn-outline-success")
    for i in range(met.count()):
        met.nth(i).click()
    submit(page, "#save-report")
    assert "Đã lưu báo cáo" in page.content()
    assert figure(page, "ntm-houses-renovated").input_value() == "4.054"
    # Every criterion of the set in force for the quarter (19 until 14/02/2026, 10 after).
    total = len(list(criteria_set_for(period).all_criteria()))
    assert f"{total}/{total} đạt" in page.locator("#criteria-met").inner_text()
    dialogs = []  # the confirmations of submit and approve
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click("#submit-report")
    page.wait_for_selector("#status:has-text('Đã gửi')")
    logout(page)

    login(page, "staff")
    page.goto(f"{page.base}/review/{period.year}/q{period.quarter}/")
    page.click("#board a:has-text('Duyệt')")
    page.fill("#return-comment", "Đề nghị kiểm tra lại số nhà ở chỉnh trang.")
    page.click("#return")
    expect(page.locator("#status")).to_contain_text("Trả lại để chỉnh sửa")
    logout(page)

    login(page, "ky-tay")
    page.goto(path)
    assert "Đề nghị kiểm tra lại số nhà ở chỉnh trang." in page.locator("#review-comment").inner_text()
    figure(page, "ntm-houses-renovated").fill("4.050")
    page.click("#submit-report")
    page.wait_for_selector("#status:has-text('Đã gửi')")
    logout(page)

    login(page, "staff")
    page.goto(path)
    page.click("#approve")
    page.wait_for_selector("#status:has-text('Đã duyệt')")
    assert dialogs[0].startswith("Gửi báo cáo") and dialogs[-1].startswith("Duyệt báo cáo")
    logout(page)

    login(page, "ky-tay")
    page.goto(path)
    reason = page.locator("#lock-reason").inner_text()
    assert "đã được duyệt và khóa ngày" in reason and "VP điều phối" in reason
    assert figure(page, "ntm-houses-renovated").is_disabled()
    assert page.locator("#save-report").count() == 0
    screenshot(page, "submission-locked")
    assert not page.console_errors
