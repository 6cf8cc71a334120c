"""A merged commune's page in a browser, at phone and desktop sizes: where it came from,
its predecessors' recognitions as history, its trend with their reports before the merger,
and the old commune's page pointing to it."""

from decimal import Decimal

import pytest

from ntm_portal.formats import format_number

from .conftest import login, screenshot
from .test_units import SIZES, no_horizontal_scroll

pytestmark = pytest.mark.browser

FLOW = "ntm-houses-renovated"


def _merged():
    """Kỳ Lâm and Kỳ Hợp report the houses renovated in 2021, Lâm Hợp (their merger of
    1 January 2022) in 2022: the values entered by quarter."""
    from communes.models import Commune, NtmRecognition
    from tests.reports.test_lineage import enter, merge

    lam, hop = Commune.objects.get(slug="ky-lam"), Commune.objects.get(slug="ky-hop")
    NtmRecognition.objects.filter(commune=lam).update(decision_number="77/QĐ-UBND-LAM")
    new = merge([lam, hop], "Lâm Hợp")
    entered = {}
    for n, commune in enumerate((lam, hop)):
        for quarter in (1, 2, 3, 4):
            value = Decimal(20 + 5 * n + quarter)
            enter(commune, 2021, quarter, {FLOW: value})
            entered[(2021, quarter)] = entered.get((2021, quarter), 0) + value
    for quarter in (1, 2):
        enter(new, 2022, quarter, {FLOW: Decimal(300 + quarter)})
        entered[(2022, quarter)] = Decimal(300 + quarter)
    return new, lam, entered


@pytest.mark.parametrize("size", SIZES)
def test_merged_commune_page_shows_its_predecessors_history(page, size):
    new, lam, entered = _merged()
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    login(page, "committee")
    page.goto(page.base + new.get_absolute_url())
    formed = page.locator("#lineage-formed")
    assert "Thành lập ngày 01/01/2022 trên cơ sở sáp nhập" in formed.inner_text()
    assert "xã Kỳ Lâm" in formed.inner_text() and "xã Kỳ Hợp" in formed.inner_text()
    assert page.locator("#lineage-recognitions").is_visible()
    assert "77/QĐ-UBND-LAM" in page.content()
    # The commune block (htmx) draws the trend: the predecessors' sum, then its own.
    trend = page.locator("#commune-trend")
    trend.wait_for()
    houses = trend.locator("tbody tr", has_text="Nhà ở được chỉnh trang")
    cells = houses.locator("td.num").all_inner_texts()
    assert cells == [format_number(entered[key]) for key in sorted(entered)]
    assert no_horizontal_scroll(page)
    screenshot(page, f"lineage-merged-{size}")
    formed.get_by_role("link", name="xã Kỳ Lâm").click()
    page.wait_for_url("**" + lam.get_absolute_url())
    merged = page.locator("#lineage-merged")
    assert "Đã sáp nhập vào xã Lâm Hợp từ ngày 01/01/2022" in " ".join(merged.inner_text().split())
    merged.get_by_role("link", name="xã Lâm Hợp").click()
    page.wait_for_url("**" + new.get_absolute_url())
    assert no_horizontal_scroll(page)
    assert not page.console_errors
