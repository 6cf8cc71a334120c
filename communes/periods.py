"""Which reporting period a page speaks of when none is named.

Two meanings, each one function:

- ``current_period(user)``: the period that reports, dashboards and home cards show by
  default: the latest one with approved reports in the user's scope (for district staff,
  who review them, submitted reports count too). A draft, let alone a page being opened,
  never moves it.
- ``entry_period()``: the quarter commune officers are entering now: the latest period
  whose year has begun.
"""

from django.utils import timezone

from .choices import SubmissionStatus
from .models import ReportingPeriod, Submission
from .scoping import is_district_staff


def entry_period(today=None):
    """The quarter being entered now: the latest period whose year has begun."""
    today = today or timezone.localdate()
    return (ReportingPeriod.objects.filter(year__lte=today.year).order_by("-year", "-quarter")
            .first())


def current_period(user, today=None):
    """The latest period with approved reports in ``user``'s scope (staff: or submitted).

    Falls back on ``entry_period`` when nothing was approved yet (a new district).
    """
    statuses = [SubmissionStatus.APPROVED]
    if is_district_staff(user):
        statuses.append(SubmissionStatus.SUBMITTED)
    latest = (Submission.objects.restrict(user).filter(status__in=statuses)
              .order_by("-period__year", "-period__quarter").values_list("period_id", flat=True)
              .first())
    if latest is not None:
        return ReportingPeriod.objects.get(pk=latest)
    return entry_period(today)
