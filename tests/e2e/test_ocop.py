import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ntm_portal.formats import format_date

from .a11y import check_page
from .conftest import DESKTOP, PHONE, login, screenshot, submit

pytestmark = pytest.mark.browser


def test_officer_proposes_staff_registers_and_rates_72_points(page, browser):
    """A product entered today follows Decision 1489 (see the next test); the district's
    step is shown on a candidate entered before 6 July 2025 (seed: Bột nghệ Kỳ Tây)."""
    login(page, "ky-tay")
    page.click("nav >> text=OCOP")
    expect(page.locator("h1")).to_have_text("Sản phẩm OCOP")
    page.click("text=Đề xuất sản phẩm")
    page.fill("#id_name", "Tương ớt Kỳ Tây")
    page.select_option("#id_group", label="Thực phẩm")
    page.select_option("#id_producer", label="Tổ hợp tác nghệ Kỳ Tây (Tổ hợp tác)")
    page.fill("#id_description", "Dữ liệu minh họa")
    screenshot(page, "ocop-propose")
    submit(page)
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
    staff.click("text=Bột nghệ Kỳ Tây")
    staff.click("text=Đăng ký đánh giá")
    # The registration page first: submit()'s wait would otherwise take its navigation
    # for the answer's.
    expect(staff.locator("h1")).to_have_text(re.compile(r"^Đăng ký đánh giá"))
    submit(staff)
    assert "Đã đăng ký đánh giá" in staff.content()
    staff.click("text=Nhập kết quả xếp hạng")
    staff.fill("#id_score", "105")
    staff.select_option("#id_level", "province")
    staff.fill("#id_decision_number", "123/QĐ-UBND")
    decision = timezone.localdate() - datetime.timedelta(days=10)
    staff.fill("#id_decision_date", format_date(decision))
    submit(staff)
    assert "Điểm phải từ 0 đến 100." in staff.content()
    assert staff.input_value("#id_decision_number") == "123/QĐ-UBND"
    screenshot(staff, "ocop-rate-error")
    staff.fill("#id_score", "72")
    submit(staff)
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
    assert "Tương ớt Kỳ Tây" in staff.content() and "Bột nghệ Kỳ Tây" in staff.content()
    screenshot(staff, "ocop-commune-panel")
    assert not staff.console_errors
    staff.context.close()


def test_commune_pre_assesses_on_a_phone_and_the_province_grades(new_page, live_demo):
    from django.contrib.auth.hashers import make_password

    from communes.choices import Role
    from communes.models import Province, User

    User.objects.create(username="ht-staff", role=Role.STAFF, password=make_password("demo-ntm-2021"),
                        province=Province.objects.get(slug="ha-tinh"), first_name="Cán bộ tỉnh")
    phone = new_page(PHONE)
    login(phone, "ky-tay")
    phone.goto(phone.base + "/ocop/new/")
    phone.fill("#id_name", "Tương ớt Kỳ Tây")
    phone.select_option("#id_group", label="Thực phẩm")
    phone.select_option("#id_producer", label="Tổ hợp tác nghệ Kỳ Tây (Tổ hợp tác)")
    submit(phone)
    assert "Xã đánh giá sơ bộ, Hội đồng cấp tỉnh" in phone.content()
    phone.click("text=Đánh giá sơ bộ và đề xuất lên tỉnh")
    expect(phone.locator("h1")).to_have_text(re.compile(r"^Đánh giá sơ bộ và đề xuất lên tỉnh"))
    phone.fill("#id_origin_note", "Nguyên liệu ớt trồng tại xã")
    submit(phone)
    assert phone.locator("text=Hãy cho biết sản phẩm có đạt nội dung này không.").count() == 5
    assert phone.input_value("#id_origin_note") == "Nguyên liệu ớt trồng tại xã"
    check_page(phone, "pre-assessment, errors, phone")
    screenshot(phone, "ocop-pre-assess-phone-errors")
    for point in ("origin", "materials", "labour", "idea", "identity"):
        phone.check(f"#id_{point}_met_0")
    screenshot(phone, "ocop-pre-assess-phone")
    submit(phone)
    content = phone.content()
    assert "đã được đánh giá sơ bộ và đề xuất lên tỉnh" in content and "Đã đề xuất lên tỉnh" in content
    assert "Nguyên liệu ớt trồng tại xã" in content
    check_page(phone, "proposed product, phone")
    screenshot(phone, "ocop-proposed-phone")
    assert not phone.console_errors

    # Desktop: Kỳ Thượng's candidate, pre-assessed before with local labour not met.
    desk = new_page(DESKTOP)
    login(desk, "ky-thuong")
    desk.goto(desk.base + "/ocop/tra-hoa-vang-ky-thuong/propose/")
    assert desk.is_checked("#id_labour_met_1")  # "not met", as recorded
    check_page(desk, "pre-assessment, desktop")
    screenshot(desk, "ocop-pre-assess-desktop")
    submit(desk)
    assert "chưa đạt lao động địa phương" in desk.content()
    screenshot(desk, "ocop-not-proposed-desktop")

    # The district's staff no longer grade a product under Decision 1489; the province's do.
    district = new_page(DESKTOP)
    login(district, "staff")
    district.goto(district.base + "/ocop/tuong-ot-ky-tay/")
    assert district.locator("text=Nhập kết quả xếp hạng").count() == 0
    province = new_page(DESKTOP)
    login(province, "ht-staff")
    province.goto(province.base + "/ocop/tuong-ot-ky-tay/")
    province.click("text=Nhập kết quả xếp hạng")
    province.fill("#id_score", "92")
    province.fill("#id_decision_number", "15/QĐ-UBND")
    province.fill("#id_decision_date", format_date(timezone.localdate()))
    screenshot(province, "ocop-province-grading")
    submit(province)
    content = province.content()
    assert "Đạt chứng nhận, đề xuất cấp quốc gia" in content and "★★★★" in content
    check_page(province, "graded product")
    screenshot(province, "ocop-national")
    province.goto(province.base + "/ocop/?status=national")
    assert province.locator("text=Tương ớt Kỳ Tây").count() == 1
    assert not (province.console_errors or desk.console_errors or district.console_errors)
