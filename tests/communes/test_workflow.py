"""The one module where a submission's status changes."""

import datetime

import pytest
from django.utils import timezone, translation

from communes import workflow
from communes.choices import SubmissionStatus as S
from communes.models import Submission


@pytest.fixture
def draft(open_period, ky_tay):
    return workflow.get_or_create_submission(ky_tay, open_period)


def test_submit_approve_locks(draft, officer, staff):
    workflow.submit(draft, officer)
    assert draft.status == S.SUBMITTED and not draft.submitted_late
    workflow.approve(draft, staff)
    assert draft.status == S.APPROVED
    lock = workflow.lock_state(draft)
    assert lock.locked
    with translation.override("vi"):
        with pytest.raises(workflow.WorkflowError) as error:
            workflow.check_can_edit(draft, officer)
        assert "đã được duyệt và khóa ngày" in str(error.value)
        assert "VP điều phối" in str(error.value)
    assert [e.action for e in draft.events.all()] == ["create", "submit", "approve"]


def test_return_needs_a_comment_and_the_officer_can_edit_again(draft, officer, staff):
    workflow.submit(draft, officer)
    with pytest.raises(workflow.WorkflowError):
        workflow.return_for_correction(draft, staff, "  ")
    workflow.return_for_correction(draft, staff, "Kiểm tra lại số nhà ở")
    assert draft.status == S.RETURNED and draft.review_comment == "Kiểm tra lại số nhà ở"
    assert workflow.can_edit(draft, officer)
    workflow.submit(draft, officer)
    assert draft.status == S.SUBMITTED


def test_submitted_data_waits_for_review(draft, officer):
    workflow.submit(draft, officer)
    assert not workflow.can_edit(draft, officer)
    with pytest.raises(workflow.WorkflowError):
        workflow.submit(draft, officer)


def test_only_staff_review(draft, officer, committee, other_officer):
    workflow.submit(draft, officer)
    for user in (officer, committee, other_officer):
        with pytest.raises(workflow.WorkflowError):
            workflow.approve(draft, user)
    assert Submission.objects.get(pk=draft.pk).status == S.SUBMITTED


def test_only_the_communes_officer_edits(draft, other_officer, staff, committee):
    for user in (other_officer, staff, committee):
        assert not workflow.can_edit(draft, user)


def test_cannot_submit_with_missing_sections(draft, officer):
    with pytest.raises(workflow.WorkflowError, match="Quarterly figures|Số liệu"):
        workflow.submit(draft, officer, missing_sections=["Quarterly figures"])
    assert Submission.objects.get(pk=draft.pk).status == S.DRAFT


def test_drafts_lock_after_deadline_and_grace_days(draft, officer, open_period):
    from communes.periods import submission_terms

    lock_day = submission_terms(draft).lock_date
    assert workflow.can_edit(draft, officer, today=lock_day - datetime.timedelta(days=1))
    assert not workflow.can_edit(draft, officer, today=lock_day)
    with translation.override("vi"):
        reason = workflow.lock_state(draft, today=lock_day).reason
    assert "đã khóa ngày" in reason and open_period.label in reason
    assert workflow.is_late(draft, today=lock_day)


def test_staff_reopen_with_a_reason(demo, staff, officer):
    q1 = Submission.objects.get(commune__slug="ky-tay", period__year=2021, period__quarter=1)
    assert not workflow.can_edit(q1, officer)
    with pytest.raises(workflow.WorkflowError):
        workflow.reopen(q1, staff, "")
    workflow.reopen(q1, staff, "Bổ sung số liệu vườn")
    assert q1.status == S.RETURNED and q1.reopen_reason == "Bổ sung số liệu vườn"
    assert workflow.can_edit(q1, officer)  # the old period stays open for this one submission


def test_late_submission_is_marked(draft, officer, open_period):
    open_period.entry_deadline = timezone.localdate() - datetime.timedelta(days=1)
    open_period.grace_days = 5
    open_period.save()
    draft.period.refresh_from_db()
    workflow.submit(draft, officer)
    assert draft.submitted_late
    assert workflow.is_late(draft)


def test_transitions_bump_the_version(draft, officer):
    before = draft.version
    workflow.submit(draft, officer)
    assert draft.version == before + 1
