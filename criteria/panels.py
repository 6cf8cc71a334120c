"""Blocks this app adds to the home page (see communes.seeding)."""

from django.db.models import Count
from django.utils import timezone

from communes.choices import Role, SubmissionStatus
from communes.models import ReportingPeriod, Submission
from communes.scoping import is_district_staff
from communes.seeding import Panel
from communes.workflow import lock_state
from ntm_portal.formats import quarter_label


def current_period(today=None):
    """The quarter being reported now: the latest period whose entry has opened."""
    today = today or timezone.localdate()
    return (ReportingPeriod.objects.filter(year__lte=today.year).order_by("-year", "-quarter")
            .first())


def home_panels(request):
    user = request.user
    period = current_period()
    if period is None:
        return []
    if user.role == Role.OFFICER and user.commune_id:
        submission = Submission.objects.filter(commune_id=user.commune_id, period=period).first()
        lock = lock_state(submission) if submission else None
        return [Panel("criteria/panels/officer_home.html", {
            "period": period, "submission": submission, "lock": lock,
            "commune": user.commune, "days_left": period.days_left()}, order=10)]
    if is_district_staff(user):
        mine = Submission.objects.restrict(user)
        counts = dict(mine.filter(period=period).values_list("status")
                      .annotate(n=Count("pk")).order_by())
        # Submissions waiting in any quarter: the work to do now, oldest quarter first.
        waiting = (mine.filter(status=SubmissionStatus.SUBMITTED)
                   .values("period__year", "period__quarter").annotate(n=Count("pk"))
                   .order_by("period__year", "period__quarter"))
        return [Panel("criteria/panels/staff_home.html", {
            "period": period, "to_review": counts.get("submitted", 0),
            "approved": counts.get("approved", 0),
            "waiting": [(quarter_label(w["period__year"], w["period__quarter"]),
                         w["period__year"], w["period__quarter"], w["n"]) for w in waiting],
        }, order=10)]
    return []
