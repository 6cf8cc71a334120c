"""The set-up checklist in a browser, at phone and desktop sizes: staff open it from the home
page, see what is missing, follow the units step, preview and load their district's official
communes, and come back to a checklist with the step done; the accounts page next."""

import os
from pathlib import Path

import pytest

from .a11y import check_page
from .conftest import login

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
SHOTS = Path(os.environ.get("SETUP_SHOTS", "/tmp/shots-setup"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_staff_walk_the_checklist(page, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    login(page, "nx-staff")
    page.click("#home-setup")
    page.wait_for_url("**/communes/setup/")
    units = page.locator("#setup-units")
    assert "3 còn thiếu" in units.inner_text()  # Nghi Xuân's communes have no code yet
    assert "xong" in page.locator("#setup-users").inner_text()
    check_page(page, f"checklist {size}")
    shot(page, f"checklist-{size}")

    units.get_by_role("link").click()
    page.wait_for_url("**/communes/setup/units/")
    page.click("#units-preview")
    page.wait_for_selector("#units-changes")
    assert "Xuân Hội" in page.locator("#units-changes").inner_text()
    check_page(page, f"units preview {size}")
    shot(page, f"units-preview-{size}")
    page.click("#units-load")
    page.wait_for_selector("#units-result.alert-success")
    shot(page, f"units-loaded-{size}")

    page.goto(page.base + "/communes/setup/")
    assert "xong" in page.locator("#setup-units").inner_text()
    # 14 communes new to the portal: no village, no officer yet.
    assert "14 còn thiếu" in page.locator("#setup-users").inner_text()
    shot(page, f"checklist-after-{size}")
    page.locator("#setup-users").get_by_role("link").click()
    page.wait_for_url("**/communes/setup/users/")
    check_page(page, f"accounts {size}")
    shot(page, f"accounts-{size}")
    assert not page.console_errors
