"""Notices: reminders and events from recorded data, once only, e-mailed as each user chose."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from communes import workflow
from communes.choices import NoticeKind, SubmissionStatus
from communes.models import Notice, NoticePreference, ReportingPeriod, Submission
from communes.notifications import send_notifications
from criteria.choices import TaskStatus
from criteria.models import Task


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_URL = "https://ntm.example.vn"


@pytest.fixture
def emails(demo):
    from communes.models import User

    User.objects.filter(username__in=["ky-tay", "ky-lac", "staff", "sponsor"]).update(
        email="x@example.vn")


def _returned(open_period, ky_tay, officer, staff):
    submission = workflow.get_or_create_submission(ky_tay, open_period)
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.SUBMITTED)
    submission.refresh_from_db()
    workflow.return_for_correction(submission, staff, "Thiếu minh chứng tiêu chí 5.")
    return submission


def test_returned_submission_tells_the_officer_once_in_vietnamese(
        open_period, ky_tay, officer, staff, emails):
    _returned(open_period, ky_tay, officer, staff)
    first = send_notifications()
    notices = Notice.objects.filter(user=officer, kind=NoticeKind.RETURNED)
    assert notices.count() == 1
    notice = notices.get()
    assert "trả lại" in notice.title and "Thiếu minh chứng tiêu chí 5." in notice.body
    sent = [m for m in mail.outbox if "trả lại" in m.subject]
    assert len(sent) == 1 and sent[0].to == ["x@example.vn"]
    assert "Thiếu minh chứng tiêu chí 5." in sent[0].body
    assert "https://ntm.example.vn/communes/ky-tay/" in sent[0].body
    # The second run creates and sends nothing.
    outbox = len(mail.outbox)
    second = send_notifications()
    assert second["created"] == 0 and second["emailed"] == 0 and first["created"] >= 1
    assert len(mail.outbox) == outbox
    assert Notice.objects.filter(user=officer, kind=NoticeKind.RETURNED).count() == 1


def test_the_command_twice_sends_once(open_period, ky_tay, officer, staff, emails):
    _returned(open_period, ky_tay, officer, staff)
    call_command("send_notifications", stdout=io.StringIO())
    count, outbox = Notice.objects.count(), len(mail.outbox)
    call_command("send_notifications", stdout=io.StringIO())
    assert Notice.objects.count() == count and len(mail.outbox) == outbox


def test_submitted_tells_staff_and_approved_tells_the_officer(open_period, ky_tay, officer,
                                                              staff, emails):
    submission = workflow.get_or_create_submission(ky_tay, open_period)
    from communes.models import SubmissionEvent
    from communes.choices import WorkflowAction

    SubmissionEvent.objects.create(submission=submission, action=WorkflowAction.SUBMIT,
                                   from_status="draft", to_status="submitted", user=officer)
    SubmissionEvent.objects.create(submission=submission, action=WorkflowAction.APPROVE,
                                   from_status="submitted", to_status="approved", user=staff)
    send_notifications()
    assert Notice.objects.filter(user=staff, kind=NoticeKind.SUBMITTED).count() == 1
    assert Notice.objects.filter(user=officer, kind=NoticeKind.APPROVED).count() == 1
    assert not Notice.objects.filter(user=officer, kind=NoticeKind.SUBMITTED).exists()


def test_old_events_are_not_notified(demo):
    # The demo's 2021 returns are years old: no notice for them.
    send_notifications()
    assert not Notice.objects.filter(kind=NoticeKind.RETURNED).exists()


def test_preference_stops_the_email_not_the_notice(open_period, ky_tay, officer, staff, emails):
    NoticePreference.objects.create(user=officer, kind=NoticeKind.RETURNED, by_email=False)
    _returned(open_period, ky_tay, officer, staff)
    send_notifications()
    notice = Notice.objects.get(user=officer, kind=NoticeKind.RETURNED)
    assert not notice.email_due and notice.emailed_at is None
    assert not [m for m in mail.outbox if "trả lại" in m.subject]


def test_deadline_reminders_before_and_after(demo, emails):
    period = ReportingPeriod.objects.order_by("-year", "-quarter").first()
    today = timezone.localdate()
    period.entry_deadline = today + datetime.timedelta(days=2)
    period.save()
    send_notifications(today=today)
    soon = Notice.objects.filter(kind=NoticeKind.DEADLINE_SOON)
    handed_in = set(Submission.objects.filter(period=period, status__in=["submitted", "approved"])
                    .values_list("commune__slug", flat=True))
    assert soon.exists()
    assert not soon.filter(user__commune__slug__in=handed_in).exists()
    assert "hạn" in soon.first().title
    later = today + datetime.timedelta(days=3)
    send_notifications(today=later)
    passed = Notice.objects.filter(kind=NoticeKind.DEADLINE_PASSED)
    assert set(passed.values_list("user", flat=True)) == set(soon.values_list("user", flat=True))
    count = Notice.objects.count()
    send_notifications(today=later)
    assert Notice.objects.count() == count


def test_task_overdue_and_due_tell_the_owners(demo, sponsor, officer):
    overdue = Task.objects.overdue().get()
    send_notifications()
    notice = Notice.objects.get(kind=NoticeKind.TASK_OVERDUE)
    assert notice.user == sponsor and overdue.title in notice.title
    task = Task.objects.filter(commune__slug="ky-tay", owner_kind="commune").first()
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.IN_PROGRESS,
                                           due_date=timezone.localdate() + datetime.timedelta(days=3))
    send_notifications()
    assert Notice.objects.filter(kind=NoticeKind.TASK_DUE, user=officer).count() == 1


def test_notifications_page_reads_and_post_marks_read(client_for, officer, open_period, ky_tay,
                                                      staff):
    _returned(open_period, ky_tay, officer, staff)
    send_notifications()
    client = client_for(officer)
    response = client.get("/")
    assert 'id="notice-count"' in response.content.decode()
    page = client.get("/accounts/notifications/")
    notice = page.context["notices"][0]
    assert Notice.objects.get(pk=notice.pk).read_at is None  # a GET never writes
    opened = client.post(f"/accounts/notifications/{notice.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == notice.url
    assert Notice.objects.get(pk=notice.pk).read_at is not None
    assert 'id="notice-count"' not in client.get("/").content.decode()


def test_someone_elses_notice_is_404(client_for, officer, other_officer, open_period, ky_tay,
                                     staff):
    _returned(open_period, ky_tay, officer, staff)
    send_notifications()
    notice = Notice.objects.filter(user=officer).first()
    assert client_for(other_officer).post(
        f"/accounts/notifications/{notice.pk}/open/").status_code == 404


def test_preferences_are_saved(client_for, officer):
    client = client_for(officer)
    client.post("/accounts/notifications/preferences/", {"email": ["returned", "nonsense"]})
    saved = dict(NoticePreference.objects.filter(user=officer).values_list("kind", "by_email"))
    assert saved["returned"] is True and saved["approved"] is False
    assert "nonsense" not in saved
