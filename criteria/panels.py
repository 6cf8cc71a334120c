"""Blocks this app adds to the home page (see communes.seeding)."""

from django.db.models import Count, Q
from django.utils import timezone

from communes.choices import Role, SubmissionStatus
from communes.models import Commune, Submission
from communes.periods import current_period, entry_period, period_terms
from communes.scoping import is_district_staff
from communes.seeding import Panel
from communes.workflow import lock_state
from criteria.choices import TaskStatus
from ntm_portal.formats import quarter_label


def home_panels(request):
    return _report_panels(request) + _task_panels(request)


def _task_panels(request):
    """The open tasks the user answers for (commune officers, sponsoring units), overdue first."""
    from .choices import TaskOwnerKind
    from .models import Task

    user = request.user
    if user.role == Role.OFFICER and user.commune_id:
        mine = Q(owner_kind=TaskOwnerKind.COMMUNE, commune_id=user.commune_id)
    elif user.role == Role.SPONSOR and user.sponsoring_unit_id:
        mine = Q(owner_kind=TaskOwnerKind.SPONSOR, owner_unit_id=user.sponsoring_unit_id)
    else:
        return []
    today = timezone.localdate()
    tasks = list(Task.objects.restrict(user).filter(mine).open().plan_order(today)
                 .for_display()[:5])
    if not tasks:
        return []
    return [Panel("criteria/panels/my_tasks.html", {"tasks": tasks, "today": today}, order=20)]


def _report_panels(request):
    user = request.user
    if user.role == Role.OFFICER and user.commune_id:
        return _officer_panels(user)
    if user.role == Role.SPONSOR:
        return _sponsor_panels(user)
    period = current_period(user)
    if period is None:
        return []
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


def commune_panels(request, commune):
    """The commune's unmet criteria (latest assessment) beside its open and overdue tasks."""
    from .models import CriterionAssessment, Task

    today = timezone.localdate()
    latest = (Submission.objects.filter(commune=commune, assessments__isnull=False)
              .select_related("period").order_by("-period__year", "-period__quarter").first())
    unmet = []
    if latest is not None:
        unmet = list(CriterionAssessment.objects.filter(submission=latest, is_met=False)
                     .select_related("criterion").order_by("criterion__number"))
    tasks = Task.objects.restrict(request.user).filter(commune=commune)
    counts = tasks.aggregate(open=Count("pk", filter=~Q(status=TaskStatus.DONE)),
                             overdue=Count("pk", filter=Q(due_date__lt=today)
                                           & ~Q(status=TaskStatus.DONE)))
    open_by_criterion = dict(tasks.open().values_list("criterion_id").annotate(n=Count("pk"))
                             .order_by())
    rows = [(a.criterion, open_by_criterion.get(a.criterion_id, 0)) for a in unmet]
    return [Panel("criteria/panels/commune_plan.html", {
        "commune": commune, "period": latest.period if latest else None, "rows": rows,
        "counts": counts}, order=30)]


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
        terms = period_terms(period, user.commune.district_id)
        panels.append(Panel("criteria/panels/officer_home.html", {
            "period": period, "submission": submission, "lock": lock, "terms": terms,
            "commune": user.commune, "days_left": terms.days_left()}, order=10))
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
