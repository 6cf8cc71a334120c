"""The action plan and the notices in a real browser, on a phone (390x844) and a desktop."""

import pytest

from communes import workflow
from communes.choices import SubmissionStatus
from communes.models import Commune, Submission, User
from communes.notifications import send_notifications
from criteria.choices import TaskOwnerKind, TaskStatus
from criteria.models import Task
from tests.conftest import open_latest_period

from .conftest import ARTIFACTS, login, screenshot, submit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def no_horizontal_scroll(page):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def fits(page, selector):
    """The block ``selector`` (ours, on a page with older wide parts) fits the window."""
    right = page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().right")
    assert right <= page.evaluate("document.documentElement.clientWidth") + 1, selector


def test_officer_updates_a_task_on_a_phone(page):
    task = Task.objects.filter(commune__slug="ky-tay", owner_kind=TaskOwnerKind.COMMUNE).first()
    page.set_viewport_size(PHONE)
    login(page, "ky-tay")
    page.goto(page.base + "/plan/")
    no_horizontal_scroll(page)
    screenshot(page, "plan-list-phone")
    page.click(f"a[href='/plan/{task.pk}/']")
    page.select_option("#id_status", TaskStatus.IN_PROGRESS)
    page.fill("#id_notes", "Đã mua 12 bộ bàn ghế, chờ nghiệm thu.")
    submit(page)
    assert "Đã lưu" in page.content()
    assert "Đã mua 12 bộ bàn ghế" in page.locator("#id_notes").input_value()
    no_horizontal_scroll(page)
    screenshot(page, "task-phone")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.notes.startswith("Đã mua 12")
    assert task.history.first().history_user.username == "ky-tay"
    assert not page.console_errors


def test_bell_shows_a_returned_submission(page):
    period = open_latest_period()
    submission = workflow.get_or_create_submission(Commune.objects.get(slug="ky-tay"), period)
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.SUBMITTED)
    submission.refresh_from_db()
    workflow.return_for_correction(submission, User.objects.get(username="staff"),
                                   "Đề nghị bổ sung minh chứng tiêu chí 5.")
    send_notifications()
    page.set_viewport_size(PHONE)
    login(page, "ky-tay")
    assert page.locator("#notice-count").is_visible()  # outside the collapsed menu
    page.click(".notice-bell")
    page.wait_for_url("**/accounts/notifications/")
    assert "bị trả lại" in page.content()
    assert "Đề nghị bổ sung minh chứng tiêu chí 5." in page.content()
    no_horizontal_scroll(page)
    screenshot(page, "notifications-phone")
    page.click(".notice-title >> nth=0")
    page.wait_for_url(f"**/communes/ky-tay/{period.year}/q{period.quarter}/")
    assert page.locator("#notice-count").count() == 0
    assert not page.console_errors


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("username, path", [
    ("staff", "/plan/"), ("staff", "/plan/new/"), ("committee", "/communes/ky-tay/plan/"),
    ("sponsor", "/communes/ky-tay/plan/"), ("ky-lac", "/accounts/notifications/"),
    ("committee", "/reports/2021/q1/"), ("committee", "/communes/ky-lac/"), ("sponsor", "/"),
])
def test_new_pages_fit_the_screen(page, size, username, path):
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    login(page, username)
    response = page.goto(page.base + path)
    assert response.status == 200
    if path == "/reports/2021/q1/":
        fits(page, "#plan-laggards")
        page.locator("#plan-laggards").screenshot(
            path=str(ARTIFACTS / f"dashboard-plan-{size}.png"))
    elif path == "/communes/ky-lac/":  # an older table of this page is wider than a phone
        fits(page, "#commune-plan")
    else:
        no_horizontal_scroll(page)
    name = path.strip("/").replace("/", "-") or "home"
    screenshot(page, f"{name}-{username}-{size}")
    assert not page.console_errors
