"""The district's own figures for a quarter (indicators entered by district staff).

Read by everyone of the unit, changed by its staff while the period is open; saved
through ``criteria.unit_entry.save_district_figures``. Another unit's district is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from communes.models import ReportingPeriod
from communes.scoping import visible_districts
from communes.versioning import StaleEdit
from communes.workflow import WorkflowError

from . import unit_entry
from .aggregates import district_values
from .forms import FiguresForm
from .models import DistrictValue


@login_required
def unit_figures(request, district, year, quarter):
    unit = visible_districts(request.user).filter(slug=district).first()
    if unit is None:
        raise Http404(_("No such district."))
    period = get_object_or_404(ReportingPeriod, year=year, quarter=quarter)
    indicators = unit_entry.district_indicators()
    report = unit_entry.report_for(unit, period)
    form, status = None, 200
    if request.method == "POST":
        unit_entry.check_can_edit_district(request.user, unit, period)
        form = FiguresForm(indicators, request.POST)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        if form.is_valid():
            try:
                checked = unit_entry.save_district_figures(report, request.user, indicators,
                                                           form.inputs(), version)
            except StaleEdit as error:
                messages.error(request, str(error))
                report = unit_entry.report_for(unit, period)
                return _render(request, unit, period, report, indicators, None, 409)
            form.add_checked(checked)
        if not form.errors:
            messages.success(request, _("The district's figures are saved."))
            return redirect(reverse("criteria:unit-figures", args=[unit.slug, year, quarter]))
        messages.error(request, _("Nothing was saved: correct the figures marked in red."))
    return _render(request, unit, period, report, indicators, form, status)


def _render(request, unit, period, report, indicators, form, status):
    saved = {v.indicator_id: v for v in DistrictValue.objects.filter(report=report)} \
        if report.pk else {}
    totals = district_values(period, unit, indicators)
    rows = []
    for indicator in indicators:
        value = saved.get(indicator.pk)
        name = f"value-{indicator.pk}"
        if form is not None:
            raw = form.data.get(name, "")
            comment = form.data.get(f"comment-{indicator.pk}", "")
            errors = form.errors.get(name, [])
        else:
            raw = "" if value is None or value.value is None else _typed(value.value)
            comment = value.comment if value else ""
            errors = []
        rows.append({"indicator": indicator, "name": name, "raw": raw, "comment": comment,
                     "errors": errors, "figure": totals.get(indicator.pk)})
    lock = unit_entry.district_lock(period, unit)
    try:
        unit_entry.check_can_edit_district(request.user, unit, period)
        editable = True
    except WorkflowError:
        editable = False
    return render(request, "criteria/unit_figures.html", {
        "unit": unit, "period": period, "report": report, "rows": rows, "lock": lock,
        "editable": editable}, status=status)


def _typed(value):
    """A stored figure as an officer would type it (comma for decimals, no grouping)."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")
