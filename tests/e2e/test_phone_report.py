"""The officer's quarter in a real browser, on a phone (390×844) and a desktop: one save
for the whole report, nothing typed lost (reload, expired session, lost cookies,
offline), a garden added from the report, submission with a confirmation; every page
checked with axe-core and for horizontal scroll."""

import pytest
from playwright.sync_api import expect

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
    page.keyboard.press("Tab")  # the first Tab offers to skip to the content
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
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
    # The refusal has the report's address: wait for its message (the report page's first
    # .alert-danger is otherwise the hidden offline warning).
    expect(page.locator(".alert-danger").first).to_contain_text("Không có gì được lưu")
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
    posts = []

    def record_posts(request):
        if request.is_navigation_request() and request.method == "POST":
            posts.append(request.url)

    page.on("request", record_posts)
    houses.fill("4.054")
    houses.press("Enter")
    expect(houses).not_to_be_focused()
    assert page.url.startswith(report_path(page, period)) and submission_of(period) is None
    page.click("#save-report")
    expect(page.locator(".alert", has_text="Đã lưu báo cáo")).to_be_visible()
    page.remove_listener("request", record_posts)
    assert len(posts) == 1, posts  # the save's: Enter sent nothing before it
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


def _start_typing(page, period):
    login(page, "ky-tay")
    page.goto(report_path(page, period))
    figure(page, "ntm-houses-renovated").fill("321")
    page.locator(".met-choice label.btn-outline-danger").first.click()
    page.fill("#proposals", "Đề nghị hỗ trợ xi măng.")
    expect(page.locator("#save-state")).to_contain_text("chưa lưu")


@pytest.fixture
def typed(new_page):
    """A phone with the officer half-way through typing the open quarter's report."""
    page = new_page(PHONE)
    period = open_latest_period()
    _start_typing(page, period)
    return page, period


def _save_and_check(page, period, button="#save-report"):
    page.click(button)
    page.wait_for_selector("text=Đã lưu báo cáo")
    assert submission_of(period).proposals == "Đề nghị hỗ trợ xi măng."


def _assert_restored(page):
    # Web-first: the page before may still be showing (the CSRF refusal has the same address).
    expect(figure(page, "ntm-houses-renovated")).to_have_value("321")
    expect(page.locator(".met-choice input[value='0']").first).to_be_checked()
    expect(page.locator("#proposals")).to_have_value("Đề nghị hỗ trợ xi măng.")
    expect(page.locator("#draft-restored")).to_be_visible()


def test_a_reload_puts_back_what_was_typed_and_leaving_warns(typed):
    page, period = typed
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.reload()
    assert dialogs == ["beforeunload"]
    _assert_restored(page)
    assert submission_of(period) is None
    # Once saved, the browser's copy is dropped: nothing is put back any more.
    page.click("#save-report")
    page.wait_for_selector("text=Đã lưu báo cáo")
    page.reload()
    assert not page.locator("#draft-restored").is_visible()
    assert IndicatorValue.objects.get(submission=submission_of(period),
                                      indicator__code="ntm-houses-renovated").value == 321
    check_page(page, "report after a reload")


def test_an_expired_session_leads_through_login_back_to_the_typed_report(typed):
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    page, period = typed
    # The session expires while the officer types (gone from the cache and the database).
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in Session.objects.values_list("session_key", flat=True):
        store(session_key=key).delete()
    page.click("#save-bar-button")
    page.wait_for_url("**/accounts/login/**")
    assert page.locator("#login-next").is_visible()
    check_page(page, "login after expiry")
    page.fill("#id_username", "ky-tay")
    page.fill("#id_password", "demo-ntm-2021")
    page.click("button[type=submit]")
    page.wait_for_url(report_path(page, period))
    _assert_restored(page)
    screenshot(page, "report-restored-after-login")
    _save_and_check(page, period)


def test_lost_cookies_show_the_portal_page_and_the_typing_survives(typed):
    page, period = typed
    page.context.clear_cookies(name="csrftoken")
    page.click("#save-bar-button")
    expect(page.locator("h1")).to_have_text("Không gửi được biểu mẫu")
    assert "Cổng thông tin NTM" in page.locator("nav").first.inner_text()
    check_page(page, "csrf failure")
    screenshot(page, "csrf-failure")
    page.click("#csrf-back")
    # Not wait_for_url: the refusal page already has the report's address.
    expect(page.locator("#report-form")).to_be_visible()
    expect(page).to_have_url(report_path(page, period))
    _assert_restored(page)
    assert submission_of(period) is None


def test_offline_then_online(typed):
    page, period = typed
    page.context.set_offline(True)
    page.click("#save-bar-button")
    expect(page.locator("#offline-warning")).to_be_visible()
    expect(figure(page, "ntm-houses-renovated")).to_have_value("321")
    page.context.set_offline(False)
    page.wait_for_function("() => navigator.onLine")
    # Hidden by the "online" event, which may come after navigator.onLine turns true.
    expect(page.locator("#offline-warning")).not_to_be_visible()
    _save_and_check(page, period, "#save-bar-button")


def test_a_stale_page_offers_the_typing_back_without_merging(new_page):
    page = new_page(DESKTOP)
    period = open_latest_period()
    login(page, "ky-tay")
    page.goto(report_path(page, period))
    page.click("#save-report")  # the draft exists, version 2
    page.wait_for_selector("text=Đã lưu báo cáo")
    figure(page, "ntm-houses-renovated").fill("555")
    submission = submission_of(period)
    Submission.objects.filter(pk=submission.pk).update(version=submission.version + 1)  # someone saved
    page.click("#save-report")
    expect(page.locator(".alert-danger", has_text="Không có gì của bạn được lưu")).to_be_visible()
    expect(figure(page, "ntm-houses-renovated")).to_have_value("")  # their data, not merged
    expect(page.locator("#draft-restore")).to_be_visible()
    page.click("#draft-restore")
    expect(figure(page, "ntm-houses-renovated")).to_have_value("555")
    assert not IndicatorValue.objects.filter(submission=submission, value=555).exists()
