"""The action plan in the dashboard, the narrative and the Word report.

For the communes still short of the standard: what remains on each unmet criterion
(``criteria.gaps``), their sponsor, and their open and overdue tasks; and the open
tasks of the unit for "the main tasks of the next quarter". A fixed number of
queries, whatever the number of communes.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.choices import TaskStatus
from criteria.gaps import commune_gaps
from criteria.models import Task

# Tasks listed for the next quarter in the page and the Word report.
NEXT_TASKS_LIMIT = 40


@dataclass
class Laggard:
    row: object  # reports.dashboard.CommuneRow
    gaps: list = field(default_factory=list)  # [CriterionGap]
    open_tasks: int = 0
    overdue_tasks: int = 0

    @property
    def commune(self):
        return self.row.commune

    @property
    def remaining_text(self):
        """"5.1 …: còn thiếu 10 %; 17.1 …: chưa có số liệu" (sub-indicators with a
        threshold not reached, each with what is known of it)."""
        return "; ".join(part for part in (gap.summary for gap in self.gaps) if part)

    @property
    def shortfall_text(self):
        """"5.1 …: còn thiếu 10 %; 20.1 …: còn thiếu 1 khu" (known shortfalls only)."""
        return "; ".join(part for part in (gap.shortfall for gap in self.gaps) if part)

    @property
    def unknown_text(self):
        """"17.1 …: chưa có số liệu" (thresholds nothing reported can be compared with)."""
        return "; ".join(part for part in (gap.unknown for gap in self.gaps) if part)


@dataclass
class PlanData:
    laggards: list
    next_tasks: list  # open tasks in scope, overdue first
    today: object
    counts: dict  # {commune_id: (open, overdue)} for every commune in scope


def task_counts(communes, today):
    rows = (Task.objects.filter(commune__in=communes).exclude(status=TaskStatus.DONE)
            .values("commune_id").annotate(
                open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
            .order_by())
    return {row["commune_id"]: (row["open"], row["overdue"]) for row in rows}


def next_tasks(communes, restricted, today, limit=NEXT_TASKS_LIMIT):
    """Open tasks of the communes (and the district's own when not restricted)."""
    scope = Q(commune__in=communes)
    if not restricted:
        scope |= Q(commune__isnull=True)
    return list(Task.objects.filter(scope).open().plan_order(today).for_display()[:limit])


def plan_for(dashboard, today=None):
    """The plan's part of a dashboard (``reports.dashboard.Dashboard``)."""
    today = today or timezone.localdate()
    lagging = dashboard.lagging
    laggard_ids = [row.commune.pk for row in lagging]
    gaps = commune_gaps(dashboard.period, dashboard.communes.filter(pk__in=laggard_ids),
                        dashboard.statuses) if laggard_ids else {}
    counts = task_counts(dashboard.communes, today)
    laggards = []
    for row in lagging:
        open_count, overdue = counts.get(row.commune.pk, (0, 0))
        laggards.append(Laggard(row, gaps.get(row.commune.pk, []), open_count, overdue))
    return PlanData(laggards, next_tasks(dashboard.communes, dashboard.restricted, today),
                    today, counts)


def remaining_sentences(plan):
    """Narrative sentences: "Kỳ Tây còn thiếu: 5.1 …: còn thiếu 10 %." per lagging commune."""
    sentences = []
    for laggard in plan.laggards:
        # A shortfall is said only of a value reported; a threshold nothing can be compared
        # with yet is said as such, never as lacking.
        text = laggard.shortfall_text
        if text:
            sentences.append(_("What %(commune)s still lacks: %(remaining)s.")
                             % {"commune": laggard.commune.name, "remaining": text})
        unknown = laggard.unknown_text
        if unknown:
            sentences.append(_("%(commune)s cannot be compared yet with the set's thresholds "
                               "on: %(items)s.")
                             % {"commune": laggard.commune.name, "items": unknown})
        if laggard.open_tasks:
            sentences.append(_("%(commune)s has %(open)s open tasks in the action plan, "
                               "%(overdue)s of them overdue.")
                             % {"commune": laggard.commune.name, "open": laggard.open_tasks,
                                "overdue": laggard.overdue_tasks})
    return sentences
