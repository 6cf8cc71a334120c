"""The half-year dashboard and the period menu, on a phone and on a desktop."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .a11y import check_page
from .conftest import ARTIFACTS, DESKTOP, PHONE, login, screenshot, submit

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-spans")


def _shot(page, name):
    screenshot(page, name)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", SHOTS / f"{name}.png")
    page.screenshot(path=str(SHOTS / f"{name}-screen.png"))  # what the reader sees first


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_six_month_dashboard_and_the_period_menu(new_page, viewport):
    size = "phone" if viewport is PHONE else "desktop"
    page = new_page(viewport)
    login(page, "committee")
    page.goto(page.base + "/reports/2021/q2/")
    # The menu: open it, pick the first 6 months of 2021.
    page.click("#period-picker summary")
    half = page.locator('#period-picker a[aria-label="6 tháng đầu năm 2021"]')
    expect(half).to_be_visible()
    expect(page.locator('#period-picker a[aria-label="9 tháng đầu năm 2021"]')).to_be_visible()
    expect(page.locator('#period-picker a[aria-label="Cả năm (năm 2021)"]')).to_be_visible()
    page.locator("#period-picker").scroll_into_view_if_needed()
    _shot(page, f"spans-menu-{size}")
    half.click()
    page.wait_for_url("**/reports/2021/6m/")
    assert page.locator("h1").inner_text().startswith("Kết quả thực hiện 6 tháng đầu năm 2021")
    headline = page.locator("#headline")
    expect(headline.locator("th", has_text="Cùng kỳ năm trước")).to_have_count(1)
    # Q1 (4.054) and Q2's approved houses summed; the demo has no 2020 figures: "–".
    houses = headline.locator('tr[data-code="ntm-houses-renovated"] td')
    assert houses.nth(2).inner_text() not in ("", "–")
    assert houses.nth(5).inner_text() == "–"
    expect(page.locator("#export-link")).to_have_attribute("href", "/reports/2021/6m/export.xlsx?unit=ky-anh")
    page.click("#period-picker summary")
    expect(page.locator('#period-picker a[aria-current="page"]')).to_have_text("6 tháng")
    page.click("#period-picker summary")
    check_page(page, f"6-month dashboard ({size})")
    _shot(page, f"spans-6m-{size}")
    headline.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"spans-6m-{size}-table.png"))
    assert not page.console_errors


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_any_run_of_quarters_from_the_period_menu(new_page, viewport):
    size = "phone" if viewport is PHONE else "desktop"
    page = new_page(viewport)
    login(page, "committee")
    page.goto(page.base + "/reports/2021/q2/?unit=ky-anh")
    page.click("#period-picker summary")
    form = page.locator("#period-picker form.period-range")
    expect(form).to_be_visible()
    # The form starts on the span shown; chosen the wrong way round, the run is read in order.
    expect(form.locator("#range-first")).to_have_value("2")
    form.locator("#range-year").select_option("2021")
    form.locator("#range-first").select_option("3")
    form.locator("#range-last").select_option("2")
    form.scroll_into_view_if_needed()
    _shot(page, f"spans-range-form-{size}")
    submit(page, "#period-picker form.period-range button[type=submit]")
    assert page.url.endswith("/reports/2021/q2-q3/?unit=ky-anh")
    assert page.locator("h1").inner_text().startswith("Kết quả thực hiện Quý II–Quý III năm 2021")
    page.click("#period-picker summary")
    expect(page.locator("#range-first")).to_have_value("2")
    expect(page.locator("#range-last")).to_have_value("3")
    check_page(page, f"Q2–Q3 dashboard ({size})")
    _shot(page, f"spans-range-{size}")
    assert not page.console_errors
