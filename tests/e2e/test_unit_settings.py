"""A unit's settings pages in a browser (390×844 and desktop): its indicators, its targets
of the year, its reporting periods; each saved by a click, at both sizes without horizontal
scroll or serious accessibility violations. Screenshots in /tmp/shots-catalogue/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .a11y import check_page
from .conftest import login

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
SHOTS = Path("/tmp/shots-catalogue")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_unit_catalogue_page(new_page, size):
    from criteria.models import Indicator, UnitIndicatorChoice

    page = new_page(SIZES[size])
    login(page, "staff")
    page.goto(page.base + "/unit/indicators/")
    assert "Chỉ tiêu của huyện Kỳ Anh" in page.locator("h1").inner_text()
    check_page(page, f"unit catalogue {size}")
    shot(page, f"unit-catalogue-{size}")
    roads = Indicator.objects.get(code="ntm-roads-km")
    page.uncheck(f"#id_i{roads.pk}-is_used")
    page.click("#save-catalogue")
    # Not wait_for_load_state(): the page before is loaded already, it returns at once.
    expect(page.locator(".alert-success")).to_have_count(1)
    choice = UnitIndicatorChoice.objects.get(indicator=roads, district__slug="ky-anh")
    assert not choice.is_used
    assert page.locator("#row-ntm-roads-km .badge").count() == 1  # the unit's choice
    shot(page, f"unit-catalogue-saved-{size}")
    assert not page.console_errors


@pytest.mark.parametrize("size", SIZES)
def test_unit_targets_page(new_page, size):
    from criteria.models import Indicator, Target

    page = new_page(SIZES[size])
    login(page, "staff")
    page.goto(page.base + "/unit/targets/?unit=ky-anh&year=2021")
    assert "Mục tiêu năm 2021" in page.locator("h1").inner_text()
    check_page(page, f"unit targets {size}")
    shot(page, f"unit-targets-{size}")
    houses = Indicator.objects.get(code="ntm-houses-renovated")
    page.fill(f"#id_t{houses.pk}-low", "abc")
    page.click("#save-targets")
    expect(page.locator(".invalid-feedback").first).to_be_attached()
    assert page.input_value(f"#id_t{houses.pk}-low") == "abc"  # shown as typed
    shot(page, f"unit-targets-error-{size}")
    # The refused page answers 400 (as the report form does), which Chromium logs.
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    page.console_errors.clear()
    page.fill(f"#id_t{houses.pk}-low", "4.054")
    page.click("#save-targets")
    expect(page.locator(".alert-success")).to_have_count(1)
    assert Target.objects.get(indicator=houses, year=2021, district__slug="ky-anh",
                              commune__isnull=True).low == 4054
    assert not page.console_errors


@pytest.mark.parametrize("size", SIZES)
def test_unit_periods_page(new_page, size):
    from communes.models import ReportingPeriod, UnitPeriodSetting

    page = new_page(SIZES[size])
    login(page, "nx-staff")
    page.goto(page.base + "/unit/periods/")
    assert "Nghi Xuân" in page.locator("h1").inner_text()
    check_page(page, f"unit periods {size}")
    shot(page, f"unit-periods-{size}")
    q1 = ReportingPeriod.objects.get(year=2021, quarter=1)
    form = page.locator(f"#period-p{q1.pk}")
    form.locator(f"#id_p{q1.pk}-is_backfill").check()
    form.locator("button").click()
    expect(page.locator(".alert-success")).to_have_count(1)
    setting = UnitPeriodSetting.objects.get(district__slug="nghi-xuan", period=q1)
    assert setting.is_backfill is True
    page.locator(f"#period-p{q1.pk}").scroll_into_view_if_needed()
    assert "nhập bù" in page.locator(f"#period-p{q1.pk}").inner_text().lower()
    shot(page, f"unit-periods-saved-{size}")
    assert not page.console_errors
