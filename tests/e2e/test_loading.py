"""A unit joining mid-programme, in a real browser at 390×844 and on a desktop: its opening
balance, and its registries loaded from the downloaded template (one bad cell first)."""

import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from communes.models import ModelGarden, Village
from criteria.models import OpeningBalance

from .a11y import axe_violations, horizontal_overflow
from .conftest import ARTIFACTS, DESKTOP, PHONE, login, screenshot

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-loading")

VIEWPORTS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]


def _shot(page, name):
    screenshot(page, name)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", SHOTS / f"{name}.png")


def _fits(page):
    problems = [f"{v}" for v in axe_violations(page)]
    overflow = horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"{overflow}px wider than the screen")
    return problems


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_enter_the_opening_balance(new_page, viewport):
    page = new_page(viewport)
    name = "phone" if viewport is PHONE else "desktop"
    login(page, "nx-staff")
    page.goto(page.base + "/review/2021/q1/")
    page.click("#opening-balance-link")
    expect(page.locator("h1")).to_contain_text("Số liệu đầu kỳ của huyện Nghi Xuân")
    page.fill("#id_as_of", "15/02/2021")  # not a quarter's end
    page.fill("#id_amount-ntm-houses-renovated", "một nghìn")
    page.click("#save-balance")
    errors = page.locator(".invalid-feedback")
    expect(errors).to_have_count(2)
    assert "ngày cuối của một quý" in errors.all_inner_texts()[0]
    assert page.input_value("#id_amount-ntm-houses-renovated") == "một nghìn"  # kept
    assert _fits(page) == []
    _shot(page, f"balance-errors-{name}")
    assert not OpeningBalance.objects.exists()

    page.fill("#id_as_of", "31/12/2020")
    page.fill("#id_amount-ntm-houses-renovated", "1.000")
    page.fill("#id_amount-ntm-model-gardens-new", "200")
    page.click("#save-balance")
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu số liệu đầu kỳ")
    assert "nx-staff" in page.locator("#balance-history").inner_text()
    assert page.input_value("#id_amount-ntm-houses-renovated") == "1.000"
    assert _fits(page) == []
    _shot(page, f"balance-saved-{name}")
    balance = OpeningBalance.objects.get()
    assert balance.amounts == {"ntm-houses-renovated": "1000", "ntm-model-gardens-new": "200"}
    assert not page.console_errors


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_load_registries_from_the_template(new_page, viewport):
    page = new_page(viewport)
    name = "phone" if viewport is PHONE else "desktop"
    login(page, "staff")
    page.goto(page.base + "/communes/")
    page.click("#unit-loading >> text=Nạp sổ theo dõi từ Excel")
    expect(page.locator("h1")).to_have_text(re.compile(r"^Nạp thôn"))
    with page.expect_download() as download_info:
        page.click("#download-template")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"registries-{name}.xlsx"
    download_info.value.save_as(path)
    wb = load_workbook(path)
    villages, areas, gardens = wb.worksheets[:3]
    villages.append(["ky-tay", "Thôn Trình Duyệt", "TD-1"])
    areas.append(["ky-tay", "Thôn Trình Duyệt", "01/02/2021", None, "01/03/2021", "", None, ""])
    gardens.append(["Kỳ Tây", "Thôn Trình Duyệt", "Hộ Trình Duyệt", "Cấp huyện",
                    "01/02/2021", None, "", None, ""])
    bad = ARTIFACTS / f"registries-{name}-bad.xlsx"
    wb.save(bad)

    page.set_input_files("#file", str(bad))
    page.click("#upload")
    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    assert "F2" in errors.locator(".cell-ref").all_inner_texts()  # a recognition needs its decision
    assert "Khu dân cư mẫu" in errors.inner_text()
    assert _fits(page) == []
    _shot(page, f"registries-errors-{name}")
    assert not Village.objects.filter(name="Thôn Trình Duyệt").exists()

    areas["F2"] = "9/QĐ-UBND"
    good = ARTIFACTS / f"registries-{name}-good.xlsx"
    wb.save(good)
    page.set_input_files("#file", str(good))
    page.click("#upload")
    expect(page.locator(".alert-success")).to_contain_text("3 mục mới")
    assert _fits(page) == []
    _shot(page, f"registries-loaded-{name}")
    assert ModelGarden.objects.filter(household="Hộ Trình Duyệt").count() == 1
    assert not page.console_errors
