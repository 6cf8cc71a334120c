"""The action plan's notices (see ``communes.notifications``): a task due soon, a task overdue.

Owners are told: the commune's officers for a task owned by the commune, the members
of the sponsoring unit for one it owns, district staff for a department's task.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from communes.choices import NoticeKind, Role
from communes.models import User
from communes.notifications import Draft, district_staff, unit_staff
from ntm_portal.formats import format_date

from .choices import TaskOwnerKind
from .models import Task


def _owners(tasks):
    communes = {t.commune_id for t in tasks if t.owner_kind == TaskOwnerKind.COMMUNE}
    units = {t.owner_unit_id for t in tasks if t.owner_kind == TaskOwnerKind.SPONSOR}
    by_commune, by_unit = {}, {}
    for user in User.objects.filter(is_active=True).filter(
            Q(role=Role.OFFICER, commune_id__in=communes)
            | Q(role=Role.SPONSOR, sponsoring_unit_id__in=units)):
        if user.role == Role.OFFICER:
            by_commune.setdefault(user.commune_id, []).append(user)
        else:
            by_unit.setdefault(user.sponsoring_unit_id, []).append(user)
    staff = list(district_staff()) if any(
        t.owner_kind == TaskOwnerKind.DEPARTMENT for t in tasks) else []

    def owners(task):
        if task.owner_kind == TaskOwnerKind.COMMUNE:
            return by_commune.get(task.commune_id, [])
        if task.owner_kind == TaskOwnerKind.SPONSOR:
            return by_unit.get(task.owner_unit_id, [])
        return unit_staff(staff, task.district)

    return owners


def notice_drafts(today, since):
    soon = today + datetime.timedelta(days=settings.NOTIFY_TASK_DAYS_BEFORE)
    tasks = list(Task.objects.open().filter(due_date__lte=soon)
                 .select_related("commune", "criterion", "owner_unit", "district"))
    owners = _owners(tasks)
    drafts = []
    for task in tasks:
        values = {"task": task.title, "date": format_date(task.due_date),
                  "place": task.commune.name if task.commune_id else _("the district"),
                  "criterion": f"{task.criterion.number}. {task.criterion.name}"}
        if task.due_date < today:
            kind, key = NoticeKind.TASK_OVERDUE, f"task:{task.pk}:overdue:{task.due_date}"
            title = _("Task overdue: %(task)s") % values
            body = _("The deadline was %(date)s (%(place)s, criterion %(criterion)s). Update "
                     "its progress or agree a new deadline with the district office.") % values
        else:
            kind, key = NoticeKind.TASK_DUE, f"task:{task.pk}:due:{task.due_date}"
            title = _("Task due on %(date)s: %(task)s") % values
            body = _("%(place)s, criterion %(criterion)s. Update its progress when it is "
                     "done.") % values
        drafts.extend(Draft(user.pk, kind, key, title, body, task.get_absolute_url())
                      for user in owners(task))
    return drafts
