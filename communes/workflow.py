"""The review workflow of quarterly submissions: the one place where status changes.

draft → submitted → approved, or submitted → returned (with a comment) → submitted.
Approval locks the data. After the entry deadline plus the grace days, drafts and
returned submissions lock too and are marked late; district staff can reopen one
submission with a reason. Views, the API and the imports call these functions; every
refusal is a ``WorkflowError`` whose message says what is locked, since when, and
who can reopen it, in words a commune officer understands.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.utils import bulk_create_with_history
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm_portal.formats import format_date
from ntm_portal.forms import LONG_TEXT_MAX, text_errors

from .choices import Role, SubmissionStatus, WorkflowAction
from .models import Submission, SubmissionEvent
from .periods import submission_terms
from .scoping import CHANGE, is_district_staff
from .signals import data_changed
from .versioning import StaleEdit, claim_versions  # noqa: F401  (StaleEdit: re-exported)

S = SubmissionStatus


class WorkflowError(PermissionDenied):
    """A refused action; ``str(error)`` is the message for the user."""


@dataclass
class Lock:
    """Why a submission cannot be edited by its officer, in words."""

    locked: bool
    reason: str = ""
    since: object = None


def closed_refusal(commune, period):
    """Why ``commune`` takes no report for ``period``: it was closed (merged into another
    unit, ``valid_to``) before the period starts. ``None`` when it may report.

    The one rule for the web, the API and the imports: a closed unit keeps its past
    reports, and the unit it was merged into reports from its first period on.
    """
    if commune.valid_to is None or period.start_date <= commune.valid_to:
        return None
    successor = commune.successors.order_by("valid_from", "pk").first()
    if successor is not None:
        return _("%(commune)s ended on %(date)s (merged into %(successor)s): it takes no "
                 "report for %(period)s; enter it for %(successor)s.") % {
            "commune": commune.name, "date": format_date(commune.valid_to),
            "successor": successor.name, "period": period.label}
    return _("%(commune)s ended on %(date)s: it takes no report for %(period)s.") % {
        "commune": commune.name, "date": format_date(commune.valid_to), "period": period.label}


def check_open(commune, period):
    """Raise ``WorkflowError`` if ``commune`` was closed before ``period`` (``closed_refusal``)."""
    refusal = closed_refusal(commune, period)
    if refusal:
        raise WorkflowError(refusal)


def get_or_create_submission(commune, period):
    existing = Submission.objects.filter(commune=commune, period=period).first()
    if existing is not None:
        return existing
    check_open(commune, period)
    submission, created = Submission.objects.get_or_create(commune=commune, period=period)
    if created:
        SubmissionEvent.objects.create(
            submission=submission, action=WorkflowAction.CREATE, to_status=S.DRAFT
        )
    return submission


def create_drafts(communes, period, user=None):
    """Draft submissions for the communes that have none in ``period``, in a few queries.

    Returns {commune_id: Submission} for the new drafts (with their history and events).
    """
    have = set(Submission.objects.filter(period=period, commune__in=communes)
               .values_list("commune_id", flat=True))
    for commune in communes:
        if commune.pk not in have:
            check_open(commune, period)
    new = [Submission(commune=c, period=period) for c in communes if c.pk not in have]
    if not new:
        return {}
    bulk_create_with_history(new, Submission, default_user=user)
    created = {s.commune_id: s for s in Submission.objects.filter(
        period=period, commune__in=[s.commune for s in new]).select_related("commune", "period")}
    SubmissionEvent.objects.bulk_create([
        SubmissionEvent(submission=s, action=WorkflowAction.CREATE, to_status=S.DRAFT, user=user)
        for s in created.values()])
    data_changed.send(sender=Submission)  # bulk writes send no post_save
    return created


def lock_state(submission, today=None, district_id=None):
    """Is the data locked for the commune's officer, and why.

    The deadline and grace days are the unit's (``communes.periods.period_terms``);
    ``district_id`` saves reading the commune when the caller knows its district.
    """
    today = today or timezone.localdate()
    period = submission.period
    contact = _("contact the district NTM coordination office to reopen it")
    if submission.status == S.APPROVED:
        since = timezone.localdate(submission.reviewed_at) if submission.reviewed_at else None
        return Lock(True, _("%(period)s of %(commune)s was approved and locked on %(date)s; "
                            "%(contact)s.") % {
            "period": period.label, "commune": submission.commune.name,
            "date": format_date(since), "contact": contact}, since)
    if submission.status == S.SUBMITTED:
        since = timezone.localdate(submission.submitted_at) if submission.submitted_at else None
        return Lock(True, _("%(period)s was submitted on %(date)s and is waiting for the "
                            "district's review; it cannot be changed until it is returned.") % {
            "period": period.label, "date": format_date(since)}, since)
    if district_id is None or Submission._meta.get_field("commune").is_cached(submission):
        # Lists pass ``district_id`` to avoid reading each commune; they show, never write.
        refusal = closed_refusal(submission.commune, period)
        if refusal:
            return Lock(True, refusal, submission.commune.valid_to)
    terms = submission_terms(submission, district_id)
    if period_locked(submission, today, district_id) and submission.reopened_at is None:
        return Lock(True, _("%(period)s locked on %(date)s (entry deadline %(deadline)s plus "
                            "%(days)s grace days); %(contact)s.") % {
            "period": period.label, "date": format_date(terms.lock_date),
            "deadline": format_date(terms.entry_deadline), "days": terms.grace_days,
            "contact": contact}, terms.lock_date)
    return Lock(False)


def enters_figures(user, commune):
    """Whether ``user`` is the one who enters ``commune``'s figures: its commune officer.

    The one rule of "who may edit a submission" (with the lock, ``check_can_edit``);
    district staff correct data only through the district import (drafts) or by
    returning or reopening a submission. See docs/ARCHITECTURE.md.
    """
    return user.is_authenticated and user.role == Role.OFFICER and user.commune_id == commune.pk


def check_enters_figures(user, commune):
    """Raise ``WorkflowError`` unless ``user`` enters ``commune``'s figures."""
    if not enters_figures(user, commune):
        raise WorkflowError(_("Only the officer of %(commune)s enters its figures; your account "
                              "may read them.") % {"commune": commune.name})


def check_can_edit(submission, user, today=None):
    """Raise ``WorkflowError`` unless ``user`` may change the submission's data now."""
    check_enters_figures(user, submission.commune)
    lock = lock_state(submission, today)
    if lock.locked:
        raise WorkflowError(lock.reason)


def can_edit(submission, user, today=None):
    try:
        check_can_edit(submission, user, today)
    except WorkflowError:
        return False
    return True


def bump_version(submission, expected_version):
    """Claim the next version or raise ``StaleEdit``; call inside the saving transaction."""
    bump_versions([(submission, expected_version)])


def bump_versions(claims):
    """Claim the next version of every (submission, expected version), or raise ``StaleEdit``.

    One conditional UPDATE, atomic in the database: of two saves made from forms loaded
    at the same version, exactly one wins. Call inside the saving transaction, which the
    error rolls back, so that a batch is claimed whole or not at all.
    """
    claim_versions(Submission, claims, _(
        "Someone else saved this submission after you opened the form. Nothing of yours was "
        "saved: the page now shows their data; enter your changes again."),
        updated_at=timezone.now())


def _transition(submission, user, action, allowed_from, to_status, comment="", **fields):
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.status not in allowed_from:
            raise WorkflowError(
                _("This action is not possible: the submission is now “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        from_status = locked.status
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status = to_status
        locked.version += 1  # the row is locked: no concurrent writer can interleave
        locked._history_user = user
        locked.save()
        SubmissionEvent.objects.create(
            submission=locked, action=action, from_status=from_status, to_status=to_status,
            user=user, comment=comment,
        )
    submission.refresh_from_db()
    return submission


def submit(submission, user, missing_sections=(), today=None):
    """The officer hands the submission in; refused while required sections are incomplete."""
    check_can_edit(submission, user, today)
    if missing_sections:
        raise WorkflowError(_("Complete these sections before submitting: %(sections)s.")
                            % {"sections": ", ".join(str(s) for s in missing_sections)})
    now = timezone.now()
    # A back-filled quarter is entered after the fact by design: never late.
    terms = submission_terms(submission)
    late = not terms.is_backfill and timezone.localdate(now) > terms.entry_deadline
    return _transition(submission, user, WorkflowAction.SUBMIT, {S.DRAFT, S.RETURNED},
                       S.SUBMITTED, submitted_at=now, submitted_by=user, submitted_late=late)


def _check_comment(comment):
    """A reviewer's comment or reason passes the text boundary (``ntm_portal.forms``)."""
    errors = text_errors(comment or "", LONG_TEXT_MAX)
    if errors:
        raise WorkflowError(" ".join(errors))


def check_reviewer(user, submission=None):
    """Raise ``WorkflowError`` unless ``user`` reviews (district staff in scope)."""
    if not is_district_staff(user) or (submission is not None and not Submission.objects.restrict(
            user, CHANGE).filter(pk=submission.pk).exists()):
        raise WorkflowError(_("Only district staff review submissions."))


def approve(submission, user, comment=""):
    check_reviewer(user, submission)
    _check_comment(comment)
    return _transition(submission, user, WorkflowAction.APPROVE, {S.SUBMITTED}, S.APPROVED,
                       comment=comment, reviewed_at=timezone.now(), reviewed_by=user,
                       review_comment=comment)


def return_for_correction(submission, user, comment):
    check_reviewer(user, submission)
    _check_comment(comment)
    if not (comment or "").strip():
        raise WorkflowError(_("Say what needs correcting: the comment is required."))
    now = timezone.now()
    fields = {"reviewed_at": now, "reviewed_by": user, "review_comment": comment}
    if period_locked(submission, timezone.localdate(now)):
        # After the deadline a returned report would stay locked: returning reopens it
        # in the same step, with the reviewer's comment as the reason.
        fields.update(reopened_at=now, reopened_by=user, reopen_reason=comment)
    return _transition(submission, user, WorkflowAction.RETURN, {S.SUBMITTED}, S.RETURNED,
                       comment=comment, **fields)


def reopen(submission, user, reason):
    """Staff reopen an approved or deadline-locked submission for the officer."""
    check_reviewer(user, submission)
    _check_comment(reason)
    if not (reason or "").strip():
        raise WorkflowError(_("Give the reason for reopening."))
    return _transition(submission, user, WorkflowAction.REOPEN, {S.APPROVED, S.DRAFT, S.RETURNED},
                       S.RETURNED, comment=reason, reopened_at=timezone.now(), reopened_by=user,
                       reopen_reason=reason, review_comment=reason)


def period_locked(submission, today=None, district_id=None):
    """Whether the unit's entry deadline plus grace days has passed for the submission's
    period (``communes.periods.period_terms``): the one test of the deadline lock."""
    return submission_terms(submission, district_id).is_locked_on(today)


def is_late(submission, today=None, district_id=None):
    """Late: handed in after the deadline, or not handed in by the time the period locked.

    Deadline, grace days and back-fill are the unit's (``communes.periods.period_terms``):
    a period back-filled for the unit is never late.
    """
    today = today or timezone.localdate()
    terms = submission_terms(submission, district_id)
    if terms.is_backfill:
        return False
    if submission.submitted_at:
        return submission.submitted_late
    return period_locked(submission, today, district_id)
