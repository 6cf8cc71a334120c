import re

import pytest
from playwright.sync_api import expect

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_committee_sees_the_q1_dashboard_with_its_charts(page):
    login(page, "committee")
    page.click("text=Báo cáo")
    page.wait_for_url(re.compile(r"/reports/\d{4}/q\d/"))  # the current quarter's dashboard
    page.wait_for_load_state("networkidle")
    page.goto(page.base + "/reports/2021/q1/")
    assert page.locator("h1").inner_text().startswith("Kết quả thực hiện Quý I năm 2021")
    assert "4.054" in page.locator("#narrative").inner_text()
    for canvas in ("#chart-works", "#chart-registries"):
        page.wait_for_selector(canvas)
        assert page.evaluate(f"Chart.getChart(document.querySelector('{canvas}')) !== undefined")
    page.click("#copy-narrative")
    # Not wait_for_function: it evaluates its text with eval, which the CSP refuses.
    expect(page.locator("#copy-narrative")).to_have_text("Đã sao chép")
    screenshot(page, "dashboard-2021-q1")
    assert not page.console_errors


def test_commune_page_draws_its_criteria_chart(page):
    login(page, "sponsor")
    page.goto(page.base + "/communes/ky-tay/")
    page.wait_for_selector("#chart-commune-criteria")
    expect(page.locator("#chart-commune-criteria")).to_have_attribute("width", re.compile(r"\d+"))
    assert page.evaluate("Chart.getChart(document.querySelector('#chart-commune-criteria')) !== undefined")
    screenshot(page, "commune-ky-tay-report")
    assert not page.console_errors
