import datetime

import pytest
from django.utils import timezone

from ntm_portal.formats import format_date

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_officer_proposes_staff_registers_and_rates_72_points(page, browser):
    login(page, "ky-tay")
    page.click("nav >> text=OCOP")
    assert page.locator("h1").inner_text() == "Sản phẩm OCOP"
    page.click("text=Đề xuất sản phẩm")
    page.fill("#id_name", "Tương ớt Kỳ Tây")
    page.select_option("#id_group", label="Thực phẩm")
    page.select_option("#id_producer", label="Tổ hợp tác nghệ Kỳ Tây (Tổ hợp tác)")
    page.fill("#id_description", "Dữ liệu minh họa")
    screenshot(page, "ocop-propose")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text().startswith("Tương ớt Kỳ Tây")
    assert "Sản phẩm tiềm năng" in page.content()
    screenshot(page, "ocop-proposed")
    assert not page.console_errors

    staff = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900}).new_page()
    staff.console_errors = []
    staff.on("console", lambda msg: msg.type == "error" and staff.console_errors.append(msg.text))
    staff.on("pageerror", lambda exc: staff.console_errors.append(str(exc)))
    staff.base = page.base
    login(staff, "staff")
    assert "Chứng nhận OCOP hết hạn trong 6 tháng tới" in staff.content()
    screenshot(staff, "ocop-staff-home")
    staff.goto(staff.base + "/ocop/?commune=ky-tay")
    staff.click("text=Tương ớt Kỳ Tây")
    staff.click("text=Đăng ký đánh giá")
    staff.click("button[type=submit]")
    assert "Đã đăng ký đánh giá" in staff.content()
    staff.click("text=Nhập kết quả xếp hạng")
    staff.fill("#id_score", "105")
    staff.select_option("#id_level", "province")
    staff.fill("#id_decision_number", "123/QĐ-UBND")
    decision = timezone.localdate() - datetime.timedelta(days=10)
    staff.fill("#id_decision_date", format_date(decision))
    staff.click("button[type=submit]")
    assert "Điểm phải từ 0 đến 100." in staff.content()
    assert staff.input_value("#id_decision_number") == "123/QĐ-UBND"
    screenshot(staff, "ocop-rate-error")
    staff.fill("#id_score", "72")
    staff.click("button[type=submit]")
    content = staff.content()
    if (decision.month, decision.day) == (2, 29):
        expiry = format_date(datetime.date(decision.year + 3, 2, 28))
    else:
        expiry = format_date(decision.replace(year=decision.year + 3))
    assert "★★★★" in content and "Đạt chứng nhận OCOP" in content
    assert f"Chứng nhận có hiệu lực đến {expiry}" in content
    screenshot(staff, "ocop-rated")
    staff.goto(staff.base + "/ocop/")
    screenshot(staff, "ocop-list")
    staff.goto(staff.base + "/communes/ky-tay/")
    assert "Tương ớt Kỳ Tây" in staff.content()
    screenshot(staff, "ocop-commune-panel")
    assert not staff.console_errors
    staff.context.close()
