"""Every page people use, as every role, on a phone and a desktop (and the committee's
dashboard on a tablet): no horizontal scroll, no serious or critical axe-core violation."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import open_latest_period

from .a11y import axe_violations, horizontal_overflow
from .conftest import ARTIFACTS, DESKTOP, PHONE, login, screenshot

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}


def _pages(role, period):
    q = f"{period.year}/q{period.quarter}"
    common = ["/", "/communes/", "/ocop/", "/reports/2021/q1/", "/accounts/profile/"]
    return {
        "ky-tay": common + ["/communes/ky-tay/", f"/communes/ky-tay/{q}/",
                            "/communes/ky-tay/2021/q1/", "/communes/ky-tay/2021/q1/history/",
                            "/communes/ky-tay/registries/gardens/new/", "/ocop/new/"],
        "staff": common + [f"/review/{q}/", "/review/2021/q1/", "/communes/ky-tay/2021/q1/",
                           "/communes/ky-son/"],
        "committee": common + ["/communes/ky-tay/2021/q1/"],
        "sponsor": common + ["/communes/ky-tay/", "/communes/ky-tay/2021/q1/"],
    }[role]


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="phone"),
                                      pytest.param(DESKTOP, id="desktop")])
@pytest.mark.parametrize("role", ["ky-tay", "staff", "committee", "sponsor"])
def test_every_page_fits_and_passes_axe(new_page, role, viewport):
    page = new_page(viewport)
    period = open_latest_period()
    login(page, role)
    problems = []
    for path in _pages(role, period):
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
        overflow = horizontal_overflow(page)
        if overflow > 0:
            problems.append(f"{path}: {overflow}px wider than the screen")
        problems += [f"{path}: {v}" for v in axe_violations(page)]
        if viewport is PHONE:  # and on a small phone
            page.set_viewport_size({"width": 360, "height": 740})
            overflow = horizontal_overflow(page)
            if overflow > 0:
                problems.append(f"{path}: {overflow}px wider than a 360 px screen")
            page.set_viewport_size(PHONE)
    if viewport is PHONE:
        page.goto(page.base + "/")
        screenshot(page, f"home-{role}-phone")
    assert not problems, "\n".join(problems)
    assert not page.console_errors


def test_the_committee_heatmap_on_a_tablet(new_page):
    page = new_page(TABLET)
    login(page, "committee")
    page.goto(page.base + "/reports/2021/q1/")
    box = page.locator("#heatmap").locator("xpath=..")
    box.evaluate("el => el.scrollLeft = el.scrollWidth")
    first = page.locator("#heatmap tbody th").first
    assert first.bounding_box()["x"] >= 0 and first.is_visible()
    assert first.locator(".sponsor-name").count() == 1 or "Kỳ" in first.inner_text()
    # A tap on a criterion's number shows its name in the legend.
    page.locator("#heatmap thead .crit-head").nth(4).click()
    expect(page).to_have_url(re.compile(r"#crit-legend-5$"))
    assert page.locator("#crit-legend-5").inner_text().strip()
    assert horizontal_overflow(page) <= 0
    assert not axe_violations(page)
    # Charts come with the table they draw, and a name.
    assert page.locator("details.chart-table").count() >= 2
    canvas = page.locator("#chart-works")
    assert canvas.get_attribute("role") == "img" and canvas.get_attribute("aria-label")
    box.evaluate("el => el.scrollLeft = 400")
    first.scroll_into_view_if_needed()
    box.evaluate("el => el.scrollLeft = 400")
    assert first.bounding_box()["x"] >= box.bounding_box()["x"]  # still in view
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "heatmap-tablet-scrolled.png"))
