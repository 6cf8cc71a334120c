"""The action plan's pages: the unit's plan, a commune's plan, a task (read, update, create).

Reads go through ``Task.objects.restrict``; writes through ``criteria.tasks``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Commune, Submission
from communes.versioning import StaleEdit

from . import tasks as service
from .choices import OVERDUE, TaskStatus
from .gaps import commune_gaps
from .models import Task
from .plan_forms import ProgressForm, TaskFilterForm, TaskForm

PAGE_LIMIT = 500


def apply_filters(queryset, form, today):
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    state = data.get("state")
    if state == OVERDUE:
        queryset = queryset.overdue(today)
    elif state == TaskStatus.DONE:
        queryset = queryset.filter(status=TaskStatus.DONE)
    elif state:
        queryset = queryset.filter(status=state, due_date__gte=today)
    if data.get("owner"):
        queryset = queryset.filter(owner_kind=data["owner"])
    if data.get("commune"):
        queryset = queryset.filter(commune=data["commune"])
    if data.get("criterion"):
        queryset = queryset.filter(criterion__number=data["criterion"])
    return queryset


def counts(queryset, today):
    """{"open": n, "overdue": n, "done": n} in one query."""
    return queryset.aggregate(
        open=Count("pk", filter=~Q(status=TaskStatus.DONE)),
        overdue=Count("pk", filter=Q(due_date__lt=today) & ~Q(status=TaskStatus.DONE)),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
    )


@login_required
def plan_list(request):
    """/plan/: the tasks in the user's scope, overdue first, with filters."""
    today = timezone.localdate()
    scoped = Task.objects.restrict(request.user)
    form = TaskFilterForm(request.GET or None, user=request.user)
    filtered = apply_filters(scoped, form, today)
    tasks = list(filtered.plan_order(today).for_display()[:PAGE_LIMIT])
    return render(request, "criteria/plan_list.html", {
        "tasks": tasks, "form": form, "today": today, "counts": counts(filtered, today),
        "can_create": service.can_create(request.user), "limit": PAGE_LIMIT,
    })


def latest_assessed_period(commune):
    submission = (Submission.objects.filter(commune=commune, assessments__isnull=False)
                  .select_related("period").order_by("-period__year", "-period__quarter")
                  .first())
    return submission.period if submission else None


@login_required
def commune_plan(request, slug):
    """/communes/<slug>/plan/: the commune's unmet criteria, what remains, and its tasks."""
    commune = get_object_or_404(Commune.objects.restrict(request.user), slug=slug)
    today = timezone.localdate()
    period = latest_assessed_period(commune)
    gaps = commune_gaps(period, Commune.objects.filter(pk=commune.pk)).get(commune.pk, []) \
        if period else []
    tasks = list(Task.objects.restrict(request.user).filter(commune=commune)
                 .plan_order(today).for_display())
    by_criterion = {}
    for task in tasks:
        by_criterion.setdefault(task.criterion_id, []).append(task)
    rows = [(gap, by_criterion.pop(gap.criterion.pk, [])) for gap in gaps]
    other = [task for group in by_criterion.values() for task in group]
    return render(request, "criteria/commune_plan.html", {
        "commune": commune, "period": period, "rows": rows, "other_tasks": other,
        "today": today, "can_create": service.can_create(request.user),
        "counts": counts(Task.objects.restrict(request.user).filter(commune=commune), today),
    })


def _form_errors(form, error):
    """Put a model ValidationError onto the form's fields (or the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def task_new(request):
    if not service.can_create(request.user):
        raise PermissionDenied(_("Only district staff create and assign tasks."))
    initial = {}
    commune = Commune.objects.restrict(request.user).filter(slug=request.GET.get("commune")).first()
    if commune:
        initial["commune"] = commune
    form = TaskForm(request.POST or None, user=request.user, new=True, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                task, created = service.create_task(
                    request.user, form.task_data(), form.cleaned_data.get("creation_key"))
            except ValidationError as error:
                _form_errors(form, error)
            else:
                if created:
                    messages.success(request, _("Task created."))
                return redirect(task.get_absolute_url())
        messages.error(request, _("Nothing was saved: correct the fields marked in red."))
        status = 400
    return render(request, "criteria/task_form.html", {"form": form, "task": None},
                  status=status)


@login_required
def task_detail(request, pk):
    """A task: read by everyone in scope; updated by staff (all) and its owner (progress)."""
    task = get_object_or_404(Task.objects.restrict(request.user).for_display(), pk=pk)
    fields = service.editable_fields(request.user, task)
    form_class = TaskForm if "title" in fields else ProgressForm
    kwargs = {"user": request.user, "task": task} if form_class is TaskForm else {}
    status = 200
    if request.method == "POST":
        if not fields:
            raise PermissionDenied(_("You may read this task but not change it: only district "
                                     "staff and the task's owner update it."))
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                service.update_task(task, request.user, form.task_data(),
                                    form.cleaned_data["version"])
            except StaleEdit as error:
                messages.error(request, str(error))
                task = Task.objects.get(pk=task.pk)
                form = form_class(initial=_initial(task, fields), **kwargs)
                status = 409
            except ValidationError as error:
                _form_errors(form, error)
                task.refresh_from_db()
                messages.error(request, _("Nothing was saved: correct the fields marked in red."))
                status = 400
            else:
                messages.success(request, _("Saved."))
                return redirect(task.get_absolute_url())
        else:
            messages.error(request, _("Nothing was saved: correct the fields marked in red."))
            status = 400
    else:
        form = form_class(initial=_initial(task, fields), **kwargs) if fields else None
    history = list(task.history.select_related("history_user")[:50])
    return render(request, "criteria/task_detail.html", {
        "task": task, "form": form, "history": history, "today": timezone.localdate(),
        "full_edit": form_class is TaskForm and bool(fields)}, status=status)


def _initial(task, fields):
    initial = {name: getattr(task, name) for name in fields}
    initial["version"] = task.version
    return initial
