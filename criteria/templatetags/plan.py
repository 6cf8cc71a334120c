"""Template filters of the action plan: a task's state as of a day (overdue is computed)."""

from django import template

register = template.Library()


@register.filter
def task_state(task, today=None):
    return task.state(today)


@register.filter
def task_state_label(task, today=None):
    return task.state_label(today)
