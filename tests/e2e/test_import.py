"""Excel import in a real browser: download the template, fill it with one bad cell, upload."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from criteria.models import IndicatorValue
from tests.conftest import open_latest_period

from .conftest import ARTIFACTS, login, screenshot

pytestmark = pytest.mark.browser


def test_officer_imports_a_template_with_a_bad_cell_and_sees_it_named(page):
    period = open_latest_period()
    login(page, "ky-tay")
    page.goto(f"{page.base}/communes/ky-tay/{period.year}/q{period.quarter}/")
    page.click("#excel-links >> text=Nhập từ Excel")
    expect(page.locator("h1")).to_have_text("Nhập số liệu quý từ Excel")

    with page.expect_download() as download_info:
        page.click("#download-template")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "template-ky-tay.xlsx"
    download_info.value.save_as(path)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    bad_row = None
    for row in range(5, ws.max_row + 1):
        code = ws.cell(row=row, column=1).value
        if code:
            ws.cell(row=row, column=5, value=12)
        if code == "ntm-houses-renovated":
            ws.cell(row=row, column=5, value="bốn nghìn")
            bad_row = row
    filled = ARTIFACTS / "template-ky-tay-filled.xlsx"
    wb.save(filled)

    page.set_input_files("#file", str(filled))
    page.click("#upload")
    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    assert f"E{bad_row}" in errors.locator(".cell-ref").all_inner_texts()
    assert "không phải là số" in errors.inner_text()
    assert "Không có gì được lưu" in errors.inner_text()
    screenshot(page, "import-errors")
    assert not IndicatorValue.objects.filter(submission__commune__slug="ky-tay",
                                             submission__period=period).exists()
    assert not page.console_errors
