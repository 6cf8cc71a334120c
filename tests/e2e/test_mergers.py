"""Applying the reform of 1 July 2025 in a browser, at phone and desktop sizes: the province's
staff choose the official conversion table for Kỳ Anh, read the plan (nothing saved), confirm
once, and see the result; a second confirmation of the same plan finds it applied."""

import pytest

from .a11y import check_page
from .conftest import login, submit

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


@pytest.fixture
def province_staff(live_demo):
    from communes.choices import Role
    from communes.models import Province, User
    from communes.seed import DEMO_PASSWORD

    return User.objects.create_user("ht-staff", password=DEMO_PASSWORD, role=Role.STAFF,
                                    province=Province.objects.get(slug="ha-tinh"))


@pytest.mark.parametrize("size", SIZES)
def test_province_staff_preview_then_apply_the_2025_mergers(page, province_staff, size):
    from communes.models import Commune

    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    login(page, "ht-staff")
    page.goto(page.base + "/communes/setup/mergers/")
    assert "Sáp nhập xã" in page.locator("h1").inner_text()
    page.select_option("#id_district", "ky-anh")
    submit(page, "#mergers-preview")
    plan = page.locator("#mergers-plan")
    assert "Kỳ Trung" in plan.inner_text() and "sẽ áp dụng" in plan.inner_text()
    assert "Kỳ Lâm" in page.locator("#mergers-unmapped").inner_text()
    assert "Chưa lưu" in page.locator("#mergers-result").inner_text()
    assert not Commune.objects.filter(valid_to__isnull=False).exists()
    check_page(page, f"mergers plan {size}")
    if size == "phone":  # the plan scrolls inside its box, the page does not
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    token = page.locator("#mergers-confirm input[name=token]").input_value()
    submit(page, "#mergers-apply")
    assert "Đã áp dụng" in page.locator("#mergers-result").inner_text()
    created = Commune.objects.filter(valid_from__isnull=False).count()
    assert created > 0 and Commune.objects.get(slug="ky-tay").valid_to is not None
    # The same confirmation again (a double click, a resent form): applied once.
    with page.expect_navigation():
        page.evaluate("""token => {
            const form = document.createElement('form'); form.method = 'post';
            form.innerHTML = document.querySelector(
                '#mergers-form input[name=csrfmiddlewaretoken]').outerHTML
                + '<input name="token"><input name="action" value="apply">';
            form.querySelector('[name=token]').value = token;
            document.body.append(form); form.submit(); }""", token)
    page.wait_for_selector("#mergers-result")
    assert "đã áp dụng" in page.locator("#mergers-plan").inner_text()
    assert Commune.objects.filter(valid_from__isnull=False).count() == created
    assert not page.console_errors
