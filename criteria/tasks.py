"""The action plan's tasks: the one door for every task write (web, API, back office, seed).

District staff create tasks and change any field; the owner of a task (the commune's
officer for a task owned by the commune, a member of the sponsoring unit for a task
owned by that unit) updates its progress: status, notes, evidence. Every save checks
permission, validates, claims the task's version (a save from a stale form writes
nothing) and is recorded in the history. A repeated creation with the same
``creation_key`` (a double click, a retried request) returns the first task.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.choices import Role
from communes.scoping import is_district_staff
from communes.versioning import claim_versions

from .choices import TaskOwnerKind, TaskStatus
from .models import Task

PROGRESS_FIELDS = ("status", "notes", "evidence")
STAFF_FIELDS = ("commune", "criterion", "title", "owner_kind", "owner_department", "owner_unit",
                "due_date", "done_on") + PROGRESS_FIELDS


def can_create(user):
    return is_district_staff(user)


def is_owner(user, task):
    """The user answers for this task: its commune's officer or a member of its unit."""
    if not user.is_authenticated or not user.is_active:
        return False
    if task.owner_kind == TaskOwnerKind.COMMUNE:
        return user.role == Role.OFFICER and bool(task.commune_id) and user.commune_id == task.commune_id
    if task.owner_kind == TaskOwnerKind.SPONSOR:
        return (user.role == Role.SPONSOR and bool(task.owner_unit_id)
                and user.sponsoring_unit_id == task.owner_unit_id)
    return False


def can_update(user, task):
    return is_district_staff(user) or is_owner(user, task)


def editable_fields(user, task=None):
    if is_district_staff(user):
        return STAFF_FIELDS
    if task is not None and is_owner(user, task):
        return PROGRESS_FIELDS
    return ()


def _apply_status(task, today):
    if task.status == TaskStatus.DONE:
        task.done_on = task.done_on or today
    else:
        task.done_on = None


def _validate(task):
    task.full_clean(exclude=["created_by", "creation_key"])


def create_task(user, data, creation_key=None):
    """A new task from ``data`` (model field values); returns (task, created)."""
    if not can_create(user):
        raise PermissionDenied(_("Only district staff create and assign tasks."))
    if creation_key:
        existing = Task.objects.filter(creation_key=creation_key).first()
        if existing is not None:
            return existing, False
    task = Task(created_by=user, creation_key=creation_key or None,
                **{name: value for name, value in data.items() if name in STAFF_FIELDS})
    if task.commune_id and not task.district_id:
        task.district_id = task.commune.district_id
    if not task.district_id:
        from communes.models import District

        task.district = District.objects.order_by("pk").first()
    _apply_status(task, timezone.localdate())
    _validate(task)
    task._history_user = user
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        # The same creation_key saved by a concurrent request: that one wins.
        existing = Task.objects.filter(creation_key=creation_key).first() if creation_key else None
        if existing is None:
            raise
        return existing, False
    return task, True


def update_task(task, user, data, expected_version):
    """Change the fields of ``data`` the user may change; refuse a stale version."""
    if not can_update(user, task):
        raise PermissionDenied(_("You may read this task but not change it: only district staff "
                                 "and the task's owner update it."))
    allowed = editable_fields(user, task)
    refused = sorted(name for name in data if name not in allowed)
    if refused:
        raise PermissionDenied(_("Your account may only update the progress of this task "
                                 "(status, notes, evidence)."))
    for name, value in data.items():
        setattr(task, name, value)
    if task.commune_id:
        task.district_id = task.commune.district_id
    _apply_status(task, timezone.localdate())
    _validate(task)
    task._history_user = user
    with transaction.atomic():
        claim_versions(Task, [(task, expected_version)], _(
            "Someone else saved this task after you opened it. Nothing of yours was saved; "
            "the page now shows their changes."))
        task.save()
    return task
