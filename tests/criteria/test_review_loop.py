"""The review loop closes: return after the deadline reopens, the officer's home lists
returned reports with the comment, the reviewer moves on, the sponsor sees status; the
current period and the period picker; the error pages."""

import datetime

import pytest
from django.utils import timezone

from communes import workflow
from communes.choices import SubmissionStatus as S
from communes.models import ReportingPeriod, Submission
from communes.periods import current_period, entry_period

from .conftest import url


@pytest.fixture
def submitted(open_period, ky_tay, officer):
    draft = workflow.get_or_create_submission(ky_tay, open_period)
    workflow.submit(draft, officer)
    return draft


def _close(period):
    period.entry_deadline = timezone.localdate() - datetime.timedelta(days=40)
    period.save()


def test_returning_after_the_deadline_reopens_in_the_same_step(client_for, submitted, staff, officer):
    _close(submitted.period)
    response = client_for(staff).post(url("ky-tay", submitted.period, "return/"),
                                      {"comment": "Bổ sung số liệu hộ nghèo"}, follow=True)
    assert "cũng được mở lại cho xã" in response.text
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED and submitted.reopened_at is not None
    assert submitted.reopen_reason == "Bổ sung số liệu hộ nghèo"
    assert workflow.can_edit(submitted, officer)
    page = client_for(officer).get(url("ky-tay", submitted.period))
    assert page.context["editable"] and "Bổ sung số liệu hộ nghèo" in page.text


def test_returning_before_the_deadline_does_not_reopen(client_for, submitted, staff):
    response = client_for(staff).post(url("ky-tay", submitted.period, "return/"),
                                      {"comment": "Xem lại"}, follow=True)
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED and submitted.reopened_at is None
    assert "cũng được mở lại" not in response.text


def test_staff_are_told_returning_will_reopen(client_for, submitted, staff):
    _close(submitted.period)
    page = client_for(staff).get(url("ky-tay", submitted.period))
    assert 'id="return-reopens"' in page.text
    assert 'id="back-to-board"' in page.text and "data-confirm" in page.text


def test_returned_reports_top_the_officers_home_with_the_comment(client_for, submitted, staff, officer):
    workflow.return_for_correction(submitted, staff, "Thiếu minh chứng tiêu chí 5")
    home = client_for(officer).get("/")
    text = home.text
    assert 'id="returned-reports"' in text and "Thiếu minh chứng tiêu chí 5" in text
    assert text.index('id="returned-reports"') < text.index(submitted.period.label)


def test_the_reviewer_is_offered_the_next_report(client_for, open_period, ky_tay, ky_lac, officer,
                                                 other_officer, staff):
    for commune, user in ((ky_tay, officer), (ky_lac, other_officer)):
        workflow.submit(workflow.get_or_create_submission(commune, open_period), user)
    page = client_for(staff).get(url("ky-tay", open_period))
    assert page.context["review_nav"]["next"].commune == ky_lac
    assert 'id="next-report"' in page.text


def test_the_sponsor_home_shows_status_unmet_criteria_and_last_report(client_for, sponsor):
    home = client_for(sponsor).get("/")
    assert 'id="sponsored"' in home.text and "Kỳ Tây" in home.text
    rows = next(p for p in home.context["panels"] if "sponsor_home" in p.template).context["rows"]
    latest = (Submission.objects.filter(commune__slug="ky-tay")
              .order_by("-period__year", "-period__quarter").first())
    assert rows[0]["submission"] == latest
    unmet = {a.criterion for a in latest.assessments.filter(is_met=False)}
    assert set(rows[0]["unmet"]) == unmet
    assert latest.get_status_display() in home.text


def test_a_draft_never_moves_the_current_period(open_period, ky_tay, staff, committee, officer):
    before = {u.pk: current_period(u) for u in (staff, committee)}
    workflow.get_or_create_submission(ky_tay, open_period)
    assert {u.pk: current_period(u) for u in (staff, committee)} == before
    assert before[committee.pk] != open_period


def test_submitted_moves_it_for_staff_only_approved_for_everyone(submitted, staff, committee):
    assert current_period(staff) == submitted.period
    assert current_period(committee) != submitted.period
    workflow.approve(submitted, staff)
    assert current_period(committee) == submitted.period


def test_reports_and_home_cards_use_the_current_period(client_for, committee, open_period, ky_tay):
    workflow.get_or_create_submission(ky_tay, open_period)
    expected = current_period(committee)
    client = client_for(committee)
    assert client.get("/reports/").url == f"/reports/{expected.year}/q{expected.quarter}/"
    assert f"/reports/{expected.year}/q{expected.quarter}/" in client.get("/").text


def test_entry_period_is_the_latest_begun(open_period):
    assert entry_period(datetime.date(2021, 5, 1)) == ReportingPeriod.objects.filter(
        year=2021).order_by("-quarter").first()


@pytest.mark.parametrize("path", ["/reports/2021/q1/", "/review/2021/q1/", "/communes/ky-tay/2021/q1/"])
def test_every_report_page_has_a_period_picker(client_for, staff, demo, path):
    text = client_for(staff).get(path).text
    assert 'id="period-picker"' in text
    base = path.rsplit("2021/q1/", 1)[0]
    for period in ReportingPeriod.objects.all():
        assert f'href="{base}{period.year}/q{period.quarter}/"' in text


def test_the_period_picker_is_never_stale(client_for, staff, demo):
    """The picker's HTML is kept per process (``communes.templatetags.ntm._picker_html``):
    a period added later shows at once, the current quarter follows the page, and the
    options of the request go with every link."""
    client = client_for(staff)
    first = client.get("/review/2021/q1/").text
    assert 'href="/review/2031/q1/"' not in first
    ReportingPeriod.objects.get_or_create(year=2031, quarter=1, defaults={
        "entry_deadline": datetime.date(2031, 4, 15)})
    again = client.get("/review/2021/q1/").text
    assert 'href="/review/2031/q1/"' in again
    current = 'aria-current="page"'
    assert again.split(current)[0].rsplit("href=", 1)[1].startswith('"/review/2021/q1/"')
    other = client.get("/review/2021/q2/").text
    assert other.split(current)[0].rsplit("href=", 1)[1].startswith('"/review/2021/q2/"')
    assert 'href="/review/2031/q1/?x=1"' in client.get("/review/2021/q1/?x=1").text


def test_csrf_failure_is_in_vietnamese_inside_the_layout(client_for, officer, open_period):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(url("ky-tay", open_period), {"version": 0},
                           HTTP_REFERER=f"http://testserver{url('ky-tay', open_period)}")
    assert response.status_code == 403
    assert "Không gửi được biểu mẫu" in response.text and "Cổng thông tin NTM" in response.text
    assert 'id="csrf-back"' in response.text
    assert not Submission.objects.filter(period=open_period).exists()


def test_a_server_error_page_in_the_layout(rf, officer):
    from ntm_portal.views import server_error

    request = rf.get("/")
    request.user = officer
    response = server_error(request)
    assert response.status_code == 500 and "Lỗi máy chủ" in response.content.decode()


def test_the_save_after_an_expired_session_comes_back_to_the_page(client, open_period):
    response = client.post(url("ky-tay", open_period), {"version": 0})
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url('ky-tay', open_period)}"
