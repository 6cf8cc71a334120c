"""The quarterly loop in a real browser: enter, err, submit, return, fix, approve, lock."""

import pytest

from tests.conftest import open_latest_period

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def logout(page):
    page.click("nav button:has-text('Đăng xuất')")
    page.wait_for_url("**/accounts/login/")


def test_officer_and_staff_walk_the_review_loop(page):
    period = open_latest_period()
    path = f"{page.base}/communes/ky-tay/{period.year}/q{period.quarter}/"

    login(page, "ky-tay")
    page.goto(path)
    assert "Bản nháp" in page.locator("#status").inner_text()
    inputs = page.locator("input.figure[name^=value-]")
    for i in range(inputs.count()):
        inputs.nth(i).fill("12")
    houses = page.get_by_label("Nhà ở được chỉnh trang")
    houses.fill("bốn nghìn")
    page.get_by_label("Tỷ lệ hộ nghèo", exact=True).fill("4,5")
    page.click("#save-figures")
    assert "Không có gì được lưu" in page.content()
    assert page.get_by_label("Nhà ở được chỉnh trang").input_value() == "bốn nghìn"
    assert page.get_by_label("Tỷ lệ hộ nghèo", exact=True).input_value() == "4,5"
    assert "không phải là số" in page.locator(".table-danger").first.inner_text()
    screenshot(page, "submission-error")

    page.get_by_label("Nhà ở được chỉnh trang").fill("4.054")
    page.click("#save-figures")
    assert "Đã lưu số liệu" in page.content()
    assert page.get_by_label("Nhà ở được chỉnh trang").input_value() == "4.054"

    selects = page.locator("select[name^=met-]")
    for i in range(selects.count()):
        selects.nth(i).select_option("1")
    page.click("#save-criteria")
    assert "Đã lưu đánh giá tiêu chí" in page.content()
    assert "19/19 đạt" in page.locator("#criteria-met").inner_text()
    page.click("#submit-form button")
    assert "Đã gửi" in page.locator("#status").inner_text()
    logout(page)

    login(page, "staff")
    page.goto(f"{page.base}/review/{period.year}/q{period.quarter}/")
    page.click("#board a:has-text('Duyệt')")
    page.fill("#return-comment", "Đề nghị kiểm tra lại số nhà ở chỉnh trang.")
    page.click("#return")
    assert "Trả lại để chỉnh sửa" in page.locator("#status").inner_text()
    logout(page)

    login(page, "ky-tay")
    page.goto(path)
    assert "Đề nghị kiểm tra lại số nhà ở chỉnh trang." in page.locator("#review-comment").inner_text()
    page.get_by_label("Nhà ở được chỉnh trang").fill("4.050")
    page.click("#save-figures")
    page.click("#submit-form button")
    assert "Đã gửi" in page.locator("#status").inner_text()
    logout(page)

    login(page, "staff")
    page.goto(path)
    page.click("#approve")
    assert "Đã duyệt" in page.locator("#status").inner_text()
    logout(page)

    login(page, "ky-tay")
    page.goto(path)
    reason = page.locator("#lock-reason").inner_text()
    assert "đã được duyệt và khóa ngày" in reason and "VP điều phối" in reason
    assert page.get_by_label("Nhà ở được chỉnh trang").is_disabled()
    assert page.locator("#save-figures").count() == 0
    screenshot(page, "submission-locked")
    assert not page.console_errors
