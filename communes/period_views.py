"""A steering unit's "reporting periods" page: its own deadline, grace days and back-fill.

Staff of the unit only (a province account picks the district with ``?unit=``; another
unit's district is 404). Each period is its own small form; the one door is
``communes.periods.save_unit_period`` (permission, validation, version, history).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .forms import UnitPeriodForm
from .models import District, ReportingPeriod
from .periods import check_unit_staff, period_terms, save_unit_period
from .scoping import CHANGE, picked_district
from .versioning import StaleEdit


def _save(request, district, terms, form):
    """Hand a valid row to the service; the page's status (302 saved, 409 stale, 200 refused)."""
    period, data = terms.period, form.cleaned_data
    grace = data["grace_days"]
    try:
        save_unit_period(request.user, district, period,
                         data["entry_deadline"] or period.entry_deadline,
                         period.grace_days if grace is None else grace,
                         data["is_backfill"], -1 if data["version"] is None else data["version"])
    except StaleEdit as error:
        messages.error(request, str(error))
        return 409
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        form.style_fields()
        messages.error(request, _("Nothing was saved for %(period)s: see the marked fields.")
                       % {"period": period.label})
        return 200
    messages.success(request, _("%(period)s: the unit's terms were saved.")
                     % {"period": period.label})
    return 302


def _periods():
    return list(ReportingPeriod.objects.prefetch_related("unit_settings")
                .order_by("-year", "-quarter"))


@login_required
def unit_periods(request):
    """"Kỳ báo cáo": every period with the unit's terms, each editable on its own."""
    district = picked_district(request.user, request.GET.get("unit"), CHANGE)
    check_unit_staff(request.user, district)
    periods = _periods()
    forms = [UnitPeriodForm(terms=period_terms(p, district.pk)) for p in periods]
    status = 200
    if request.method == "POST":
        prefix = request.POST.get("prefix", "")
        by_prefix = {form.prefix: form for form in forms}
        if prefix not in by_prefix:
            messages.error(request, _("Nothing was saved: this period could not be read. "
                                      "Reload the page and try again."))
            status = 400
        else:
            terms = by_prefix[prefix].terms
            posted = UnitPeriodForm(request.POST, terms=terms)
            forms = [posted if form.prefix == prefix else form for form in forms]
            if posted.is_valid():
                status = _save(request, district, terms, posted)
                if status == 302:
                    return redirect(f"{reverse('communes:unit-periods')}?"
                                    f"{urlencode({'unit': district.slug})}#period-{prefix}")
                if status == 409:
                    forms = [UnitPeriodForm(terms=period_terms(p, district.pk))
                             for p in _periods()]
            else:
                messages.error(request, _("Nothing was saved for %(period)s: see the marked "
                                          "fields.") % {"period": terms.period.label})
    units = list(District.objects.restrict(request.user, CHANGE).order_by("name"))
    return render(request, "communes/unit_periods.html", {
        "district": district, "forms": forms, "units": units if len(units) > 1 else [],
        "url_name": "communes:unit-periods"}, status=status)
