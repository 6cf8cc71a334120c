"""Forms of the action plan: a task (district staff), its progress (owners), the list's filters.

Plain forms: the values go to ``criteria.tasks``, which owns permission, validation,
version and history; the model's rules come back as field errors.
"""

import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.lineage import valid_on_q
from communes.models import Commune, SponsoringUnit
from ntm_portal.formats import format_date
from ntm_portal.forms import (
    SHORT_TEXT_MAX,
    BootstrapMixin,
    PlainTextField,
    VnDateField,
)

from .choices import OVERDUE, SetLevel, TaskOwnerKind, TaskStatus
from .models import Criterion

STATE_CHOICES = [("", _("All")), (OVERDUE, _("Overdue"))] + list(TaskStatus.choices)


def criterion_label(criterion):
    level = (_("district") if criterion.criteria_set.level == SetLevel.DISTRICT
             else _("commune"))
    return f"{criterion.number}. {criterion.name} ({level}, {criterion.criteria_set.code})"


class CriterionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return criterion_label(obj)


class CommuneChoiceField(forms.ModelChoiceField):
    """A commune by name; a former one (closed by a merger) with the day it closed, so that
    it is never taken for today's unit of the same name."""

    def label_from_instance(self, obj):
        if obj.valid_to is not None and obj.valid_to < timezone.localdate():
            return _("%(name)s (until %(date)s)") % {"name": obj.name,
                                                     "date": format_date(obj.valid_to)}
        return obj.name


class ProgressForm(BootstrapMixin, forms.Form):
    """What a task's owner updates."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    notes = PlainTextField(label=_("Notes"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    evidence = PlainTextField(label=_("Evidence"), required=False,
                              help_text=_("What shows the work is done: a decision number, "
                                          "minutes, photos kept at the commune…"),
                              widget=forms.Textarea(attrs={"rows": 2}))

    field_names = ("status", "notes", "evidence")

    def task_data(self):
        return {name: self.cleaned_data[name] for name in self.field_names}


class TaskForm(ProgressForm):
    """A whole task, for district staff; ``version`` is absent on a new task."""

    creation_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    commune = CommuneChoiceField(
        label=_("Commune"), queryset=Commune.objects.none(), required=False,
        help_text=_("Empty for a task on a district criterion."))
    criterion = CriterionChoiceField(label=_("Criterion"), queryset=Criterion.objects.none())
    title = PlainTextField(label=_("Task"), max_length=SHORT_TEXT_MAX)
    owner_kind = forms.ChoiceField(label=_("Owner"), choices=TaskOwnerKind.choices)
    owner_department = PlainTextField(label=_("District department"), required=False,
                                      max_length=200)
    owner_unit = forms.ModelChoiceField(label=_("Sponsoring unit"), required=False,
                                        queryset=SponsoringUnit.objects.order_by("name"))
    due_date = VnDateField(label=_("Deadline"))

    field_names = ("commune", "criterion", "title", "owner_kind", "owner_department",
                   "owner_unit", "due_date", "status", "notes", "evidence")

    def __init__(self, *args, user, new=False, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Tasks go to communes in being; a task of a former commune keeps its own.
        kept = task.commune_id if task is not None else None
        self.fields["commune"].queryset = Commune.objects.restrict(user).filter(
            valid_on_q(timezone.localdate()) | Q(pk=kept)).order_by("name")
        self.fields["criterion"].queryset = (
            Criterion.objects.select_related("criteria_set")
            .order_by("criteria_set__level", "-criteria_set__valid_from", "number"))
        field_order = ["commune", "criterion", "title", "owner_kind", "owner_department",
                       "owner_unit", "due_date", "status", "notes", "evidence"]
        self.order_fields(field_order)
        if new:
            self.fields["version"].required = False
            if not self.is_bound:
                self.initial.setdefault("creation_key", uuid.uuid4().hex)


class TaskFilterForm(BootstrapMixin, forms.Form):
    """The plan's filters; unknown values are ignored, never an error page."""

    state = forms.ChoiceField(label=_("Status"), choices=STATE_CHOICES, required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False,
                              choices=[("", _("All"))] + list(TaskOwnerKind.choices))
    commune = CommuneChoiceField(label=_("Commune"), queryset=Commune.objects.none(),
                                 required=False, to_field_name="slug")
    criterion = forms.IntegerField(label=_("Criterion number"), required=False, min_value=1,
                                   max_value=99)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.restrict(user).order_by("name")
