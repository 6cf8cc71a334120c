"""The officer's quarter in a real browser, on a phone (390×844) and a desktop: one save
for the whole report, nothing typed lost (reload, expired session, lost cookies,
offline), a garden added from the report, submission with a confirmation; every page
checked with axe-core and for horizontal scroll."""

import pytest

from communes.models import ModelGarden, Submission, Village
from criteria.models import CriterionAssessment, IndicatorValue
from tests.conftest import open_latest_period

from .a11y import check_page
from .conftest import DESKTOP, PHONE, login, screenshot

pytestmark = pytest.mark.browser

SIZES = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]


def report_path(page, period):
    return f"{page.base}/communes/ky-tay/{period.year}/q{period.quarter}/"


def submission_of(period):
    return Submission.objects.filter(commune__slug="ky-tay", period=period).first()


def figure(page, code):
    """The input of one indicator's figure on the report page."""
    from criteria.models import Indicator

    return page.locator(f"#value-{Indicator.objects.get(code=code).pk}")


def fill_figures(page, value="12"):
    inputs = page.locator("input.figure[name^=value-]")
    for i in range(inputs.count()):
        inputs.nth(i).fill(value)


@pytest.mark.parametrize("viewport", SIZES)
def test_the_officer_walks_the_whole_quarter(new_page, viewport):
    page = new_page(viewport)
    size = "phone" if viewport is PHONE else "desktop"
    period = open_latest_period()
    login(page, "ky-tay")
    check_page(page, "officer home")
    page.goto(report_path(page, period))
    assert submission_of(period) is None, "opening the report created a draft"
    check_page(page, "report, empty")
    screenshot(page, f"report-empty-{size}")

    # Figures, criteria and texts typed together, with one mistake.
    fill_figures(page)
    figure(page, "ntm-houses-renovated").fill("bốn nghìn")
    figure(page, "gnbv-poor-rate").fill("4,5")
    radios = page.locator(".met-choice label.btn-outline-success")
    for i in range(radios.count()):
        radios.nth(i).click()
    page.fill("#difficulties", "Thiếu vốn đối ứng cho đường giao thông nội đồng.")
    page.click("#save-bar-button")
    assert "Không có gì được lưu" in page.locator(".alert-danger").first.inner_text()
    houses = figure(page, "ntm-houses-renovated")
    assert houses.input_value() == "bốn nghìn"  # the error is beside the value, never instead
    assert "không phải là số" in page.locator(".fig-row.has-error").first.inner_text()
    assert figure(page, "gnbv-poor-rate").input_value() == "4,5"
    assert page.locator("#difficulties").input_value().startswith("Thiếu vốn")
    assert page.locator(".met-choice input[value='1']:checked").count() == radios.count()
    assert submission_of(period) is None, "a refused save created a draft"
    check_page(page, "report with an error")
    screenshot(page, f"report-error-{size}")

    # Enter in a figure moves on; it never sends the report.
    houses.fill("4.054")
    houses.press("Enter")
    assert page.url.startswith(report_path(page, period)) and submission_of(period) is None
    page.click("#save-report")
    assert "Đã lưu báo cáo" in page.content()
    submission = submission_of(period)
    values = {v.indicator.code: v.value for v in IndicatorValue.objects.filter(submission=submission)}
    assert values["ntm-houses-renovated"] == 4054 and values["gnbv-poor-rate"] == 4.5
    assert CriterionAssessment.objects.filter(submission=submission, is_met=True).count() == radios.count()
    assert submission.difficulties.startswith("Thiếu vốn")
    assert figure(page, "ntm-houses-renovated").input_value() == "4.054"

    # A model garden from the report, and back to it.
    village = Village.objects.filter(commune__slug="ky-tay").first()
    page.click("#add-garden")
    page.select_option("#id_village", str(village.pk))
    page.fill("#id_household", "Hộ ông Nguyễn Văn An")
    page.fill("#id_registered_on", period.start_date.strftime("%d/%m/%Y"))
    check_page(page, "garden form from the report")
    page.click("button[type=submit]")
    page.wait_for_url(report_path(page, period))
    assert ModelGarden.objects.filter(household="Hộ ông Nguyễn Văn An").exists()

    # Submit at the end of the report, after a confirmation; dismissing it sends nothing.
    assert "Đã hoàn thành mọi phần bắt buộc" in page.locator("#submit-section").inner_text()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#submit-report")
    assert submission_of(period).status == "draft"
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.click("#submit-report")
    page.wait_for_selector("#status:has-text('Đã gửi')")
    assert "Gửi báo cáo" in messages[0]
    assert submission_of(period).status == "submitted"
    check_page(page, "report submitted")
    screenshot(page, f"report-submitted-{size}")
    assert not page.console_errors
