"""One door, in a real browser: bad input explained, a double click saving once, the back
office showing service-owned records read-only; on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from communes.models import ModelArea, Village
from criteria.models import IndicatorValue
from tests.conftest import open_latest_period

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture(params=list(SIZES))
def sized(request, page):
    page.set_viewport_size(SIZES[request.param])
    page.size = request.param
    return page


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_bad_address_is_explained_not_a_server_error(sized):
    page = sized
    login(page, "staff")
    response = page.goto(page.base + "/ocop/new/?commune=ky%00tay")
    assert response.status == 400
    assert "Không đọc được địa chỉ" in page.locator("h1").inner_text()
    assert "ký tự điều khiển" in page.content()
    assert no_horizontal_scroll(page)
    screenshot(page, f"bad-address-{page.size}")
    page.click("text=Mở trang không kèm phần đó")
    expect(page).to_have_url(re.compile(r"/ocop/new/$"))
    assert not [e for e in page.console_errors if "400" not in e]


def test_a_token_name_with_control_characters_is_refused_beside_the_field(sized):
    page = sized
    login(page, "staff")
    page.goto(page.base + "/accounts/profile/")
    page.fill("#token-name", "script\x07báo cáo")
    page.click("#create-token")
    expect(page.locator(".invalid-feedback").first).to_contain_text("ký tự điều khiển")
    assert "báo cáo" in page.locator("#token-name").input_value()  # what was typed is kept
    assert page.locator("#new-token").count() == 0
    assert no_horizontal_scroll(page)
    screenshot(page, f"token-refused-{page.size}")
    assert not page.console_errors


def test_double_click_on_save_records_one_model_area(sized):
    page = sized
    period = open_latest_period()
    village = Village.objects.filter(commune__slug="ky-tay").exclude(
        model_areas__lapsed_on__isnull=True, model_areas__isnull=False).first()
    before = ModelArea.objects.count()
    login(page, "ky-tay")
    page.goto(page.base + "/communes/ky-tay/registries/areas/new/")
    page.select_option("#id_village", str(village.pk))
    page.fill("#id_registered_on", period.start_date.strftime("%d/%m/%Y"))
    page.dblclick("button[type=submit]")
    # Saved (or found saved by the second post): either answer leads off the form.
    page.wait_for_url(lambda url: "/registries/areas/new/" not in url)
    page.wait_for_load_state("networkidle")
    assert ModelArea.objects.count() == before + 1
    screenshot(page, f"double-click-{page.size}")
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(
        e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(
        e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert no_horizontal_scroll(page), (page.url, wide)
    assert not page.console_errors


def test_back_office_shows_an_approved_figure_read_only(page):
    value = IndicatorValue.objects.filter(submission__status="approved").first()
    login(page, "staff")
    page.goto(f"{page.base}/admin/criteria/indicatorvalue/{value.pk}/change/")
    assert page.locator("input[name=value]").count() == 0  # shown, not editable
    assert page.locator("input[type=submit][name=_save]").count() == 0
    screenshot(page, "admin-figure-read-only")
    area = ModelArea.objects.first()
    page.goto(f"{page.base}/admin/communes/modelarea/{area.pk}/change/")
    page.fill("#id_note", "Đã kiểm tra")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()  # the save's answer
    area.refresh_from_db()
    assert area.note == "Đã kiểm tra" and area.version == 2
    screenshot(page, "admin-model-areas")
    assert not page.console_errors
