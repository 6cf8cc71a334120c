"""District staff enter the district's own figures in a real browser, on a phone
(390×844) and a desktop: from the review board, a mistake shown in place with what was
typed, then saved; checked with axe-core and for horizontal scroll."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from criteria.models import DistrictValue, Indicator
from tests.conftest import open_latest_period

from .a11y import check_page
from .conftest import DESKTOP, PHONE, login, screenshot

pytestmark = pytest.mark.browser

SIZES = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]
SHOTS = Path("/tmp/shots-kinds")


def shot(page, name):
    screenshot(page, name)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", SIZES)
def test_staff_enter_the_district_figures(new_page, viewport):
    page = new_page(viewport)
    size = "phone" if viewport is PHONE else "desktop"
    period = open_latest_period()
    indicator = Indicator.objects.get(code="ntm-district-criteria-met")
    login(page, "staff")
    page.goto(f"{page.base}/review/{period.year}/q{period.quarter}/")
    page.click("#district-figures a")
    page.wait_for_url(f"**/districts/ky-anh/{period.year}/q{period.quarter}/figures/")
    check_page(page, "district figures, empty")
    shot(page, f"unit-figures-empty-{size}")

    field = page.locator(f"#value-{indicator.pk}")
    field.fill("hai")
    page.click("#unit-figures button[type=submit]")
    # The refusal comes back on the same address: wait for its page, not the URL.
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.locator(f"#value-{indicator.pk}")).to_have_value("hai")
    check_page(page, "district figures, with a mistake")
    shot(page, f"unit-figures-error-{size}")
    assert not DistrictValue.objects.exists()

    page.locator(f"#value-{indicator.pk}").fill("3")
    page.locator(".fig-comment summary").click()
    page.locator(f"#comment-{indicator.pk}").fill("Tiêu chí 2 và 5")
    page.click("#unit-figures button[type=submit]")
    # Only the saved page has a success message (the refused one had an .alert-danger).
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f"#value-{indicator.pk}")).to_have_value("3")
    expect(page.locator("#unit-updated")).to_be_visible()
    check_page(page, "district figures, saved")
    shot(page, f"unit-figures-saved-{size}")
    value = DistrictValue.objects.get(indicator=indicator)
    assert value.value == 3 and value.comment == "Tiêu chí 2 và 5"
    assert page.console_errors == []
