"""The 2026 demo in a browser: the province's staff read 2025 after the reform, a new unit's
officer opens the unit's page; at phone and desktop sizes, no horizontal scroll."""

import pytest

from communes.models import Commune

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def reform(live_demo):
    from tests.conftest import load_reform_demo

    load_reform_demo()
    return {c.name: c for c in Commune.objects.filter(district__slug="ha-tinh-2025")}


@pytest.mark.parametrize("size", SIZES)
def test_province_staff_dashboard_of_2025(page, reform, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    login(page, "tinh-staff")
    page.goto(page.base + "/reports/2025/q4/?unit=ha-tinh-2025")
    main = page.locator("main").inner_text()
    assert "2025" in page.locator("h1").inner_text()
    for name in reform:
        assert name in main, name
    assert "Kỳ Tây" not in page.locator("#narrative").inner_text()  # a former commune
    assert no_horizontal_scroll(page)
    screenshot(page, f"demo-reform-province-2025-q4-{size}")
    # Before the reform the same staff read the former district.
    page.goto(page.base + "/reports/2025/q2/?unit=ky-anh")
    assert "Kỳ Tây" in page.locator("main").inner_text()
    assert no_horizontal_scroll(page)
    screenshot(page, f"demo-reform-province-2025-q2-{size}")
    assert not page.console_errors


@pytest.mark.parametrize("size", SIZES)
def test_new_commune_page(page, reform, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    unit = reform["Kỳ Văn"]
    login(page, "xa-ky-van")
    page.goto(page.base + f"/communes/{unit.slug}/")
    main = page.locator("main").inner_text()
    assert "Kỳ Văn" in page.locator("h1").inner_text()
    # The villages carried over from the former communes name them; its quarters are listed.
    for former in ("Kỳ Trung", "Kỳ Tây"):
        assert former in page.locator("main").inner_text(), former
    assert "Quý IV/2026" in main
    assert no_horizontal_scroll(page)
    screenshot(page, f"demo-reform-commune-ky-van-{size}")
    # Another new unit is not theirs.
    other = reform["Kỳ Xuân"]
    response = page.goto(page.base + f"/communes/{other.slug}/")
    assert response.status in (403, 404)
    assert not [e for e in page.console_errors if " 404 " not in f" {e} " and "403" not in e]
