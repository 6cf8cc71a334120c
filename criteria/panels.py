"""Blocks this app adds to the home page (see communes.seeding)."""

from django.db.models import Count
from communes.choices import Role, SubmissionStatus
from communes.models import Commune, Submission
from communes.periods import current_period, entry_period
from communes.scoping import is_district_staff
from communes.seeding import Panel
from communes.workflow import lock_state
from ntm_portal.formats import quarter_label


def home_panels(request):
    user = request.user
    if user.role == Role.OFFICER and user.commune_id:
        return _officer_panels(user)
    if user.role == Role.SPONSOR:
        return _sponsor_panels(user)
    period = current_period(user)
    if period is None:
        return []
    if is_district_staff(user):
        counts = dict(Submission.objects.filter(period=period).values_list("status")
                      .annotate(n=Count("pk")).order_by())
        # Submissions waiting in any quarter: the work to do now, oldest quarter first.
        waiting = (Submission.objects.filter(status=SubmissionStatus.SUBMITTED)
                   .values("period__year", "period__quarter").annotate(n=Count("pk"))
                   .order_by("period__year", "period__quarter"))
        return [Panel("criteria/panels/staff_home.html", {
            "period": period, "to_review": counts.get("submitted", 0),
            "approved": counts.get("approved", 0),
            "waiting": [(quarter_label(w["period__year"], w["period__quarter"]),
                         w["period__year"], w["period__quarter"], w["n"]) for w in waiting],
        }, order=10)]
    return []


def _officer_panels(user):
    """The officer's home: reports returned for correction first (with the district's
    comment), then the quarter being entered now."""
    returned = list(Submission.objects.filter(commune_id=user.commune_id,
                                              status=SubmissionStatus.RETURNED)
                    .select_related("period", "commune", "reviewed_by")
                    .order_by("-period__year", "-period__quarter"))
    panels = []
    if returned:
        panels.append(Panel("criteria/panels/officer_returned.html", {"returned": returned},
                            order=5))
    period = entry_period()
    if period is not None:
        submission = (Submission.objects.filter(commune_id=user.commune_id, period=period)
                      .select_related("period", "commune").first())
        lock = lock_state(submission) if submission else None
        panels.append(Panel("criteria/panels/officer_home.html", {
            "period": period, "submission": submission, "lock": lock,
            "commune": user.commune, "days_left": period.days_left()}, order=10))
    return panels


def _sponsor_panels(user):
    """The sponsor's home: each sponsored commune's latest report, its status and the
    criteria it did not meet."""
    from .models import CriterionAssessment

    communes = list(Commune.objects.restrict(user).order_by("name"))
    latest = {}
    for s in (Submission.objects.restrict(user).select_related("period")
              .order_by("-period__year", "-period__quarter")):
        latest.setdefault(s.commune_id, s)
    unmet = {}
    for a in (CriterionAssessment.objects.filter(submission__in=list(latest.values()),
                                                 is_met=False)
              .select_related("criterion").order_by("criterion__number")):
        unmet.setdefault(a.submission_id, []).append(a.criterion)
    rows = [{"commune": c, "submission": latest.get(c.pk),
             "unmet": unmet.get(latest[c.pk].pk, []) if c.pk in latest else []}
            for c in communes]
    return [Panel("criteria/panels/sponsor_home.html", {"rows": rows}, order=5)]
