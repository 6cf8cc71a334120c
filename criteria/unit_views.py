"""A steering unit's own settings pages: its indicators, its targets of a year, its
communes' groups under the 2026–2030 criteria.

Staff of the unit only (a province account picks the district with ``?unit=``; a
district outside the user's unit is 404). Pages read and post through the forms of
``criteria.unit_forms``; the services (``criteria.catalogue.save_choices``,
``criteria.targets.save_targets``) decide permission, validation, version and history.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.periods import check_unit_staff, entry_period
from communes.models import District
from communes.scoping import CHANGE, picked_district
from communes.versioning import StaleEdit
from ntm_portal.formats import vn_sort_key

from . import catalogue, commune_groups, targets
from .catalogue import ChoiceInput
from .commune_groups import GroupInput
from .targets import TargetInput
from .unit_forms import ChoiceRowForm, CommuneGroupRowForm, TargetRowForm, YearForm


def _unit(request):
    """The district the page is about, for staff of its unit (404 outside, 403 for others)."""
    district = picked_district(request.user, request.GET.get("unit"), CHANGE)
    check_unit_staff(request.user, district)
    return district


def _units(request):
    """The units a province account or an administrator may pick (none for one unit)."""
    units = list(District.objects.restrict(request.user, CHANGE).order_by("name"))
    return units if len(units) > 1 else []


def _url(name, district, **params):
    return f"{reverse(name)}?{urlencode({'unit': district.slug, **params})}"


def _rows_refused(request, count):
    """The message of a row page (targets, commune groups) that saved nothing."""
    messages.error(request, _("Nothing was saved: %(n)s row(s) need correcting, "
                              "marked in red below.") % {"n": count})


@login_required
def unit_catalogue(request):
    """"Chỉ tiêu của đơn vị": which indicators the unit uses, requires, headlines."""
    district = _unit(request)
    indicators = catalogue.catalogue_for(district)
    data = request.POST if request.method == "POST" else None
    forms = [ChoiceRowForm(data, indicator=i) for i in indicators]
    status = 200
    if data is not None:
        if all(form.is_valid() for form in forms):
            inputs = [ChoiceInput(form.indicator, form.cleaned_data["is_used"],
                                  form.cleaned_data["is_required"]
                                  if form.indicator.source == "entered" else
                                  form.indicator.is_required,
                                  form.cleaned_data["is_headline"], form.version_loaded())
                      for form in forms]
            try:
                changed = catalogue.save_choices(request.user, district, inputs)
            except StaleEdit as error:
                messages.error(request, str(error))
                forms = [ChoiceRowForm(indicator=i) for i in catalogue.catalogue_for(district)]
                status = 409
            else:
                if changed:
                    messages.success(request, _("The unit's indicators were saved (%(n)s "
                                                "changed).") % {"n": changed})
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(_url("criteria:unit-catalogue", district))
        else:
            messages.error(request, _("Nothing was saved: some rows could not be read. Reload "
                                      "the page and try again."))
            status = 400
    return render(request, "criteria/unit_catalogue.html", {
        "district": district, "forms": forms, "units": _units(request),
        "url_name": "criteria:unit-catalogue"}, status=status)


def _year(request, default):
    form = YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else default


@login_required
def unit_targets(request):
    """"Mục tiêu năm": the unit's targets of a year, one row per indicator it uses."""
    district = _unit(request)
    period = entry_period()
    year = _year(request, period.year if period else timezone.localdate().year)
    indicators = catalogue.effective_indicators(district)
    current = targets.unit_targets(district, year)
    data = request.POST if request.method == "POST" else None
    forms = [TargetRowForm(data, indicator=i, target=current.get(i.pk)) for i in indicators]
    status = 200
    if data is not None:
        if all(form.is_valid() for form in forms):
            inputs = [TargetInput(form.indicator, form.cleaned_data["low"],
                                  form.cleaned_data["high"], form.cleaned_data["note"],
                                  -1 if form.cleaned_data["version"] is None
                                  else form.cleaned_data["version"]) for form in forms]
            try:
                changed, checked = targets.save_targets(request.user, district, year, inputs)
            except StaleEdit as error:
                messages.error(request, str(error))
                current = targets.unit_targets(district, year)
                forms = [TargetRowForm(indicator=i, target=current.get(i.pk)) for i in indicators]
                status = 409
            else:
                errors = {c.indicator.pk: c.errors for c in checked if c.errors}
                if not errors:
                    if changed:
                        messages.success(request, _("Targets of %(year)s saved (%(n)s "
                                                    "changed).") % {"year": year, "n": changed})
                    else:
                        messages.info(request, _("Nothing was changed."))
                    return redirect(_url("criteria:unit-targets", district, year=year))
                for form in forms:
                    for message in errors.get(form.indicator.pk, []):
                        form.add_error("low", message)
                _rows_refused(request, len(errors))
        else:
            _rows_refused(request, sum(1 for form in forms if form.errors))
    return render(request, "criteria/unit_targets.html", {
        "district": district, "forms": forms, "year": year, "units": _units(request),
        "years": [year - 1, year, year + 1], "url_name": "criteria:unit-targets"},
        status=status)



def _group_forms(district, year, communes, data=None):
    groups = commune_groups.groups_in_year(communes, year)
    own = commune_groups.own_choices(communes, year)
    return [CommuneGroupRowForm(data, commune=c, group=groups.get(c.pk), own=own.get(c.pk))
            for c in communes]


@login_required
def unit_commune_groups(request):
    """"Nhóm xã": the group (1, 2, 3) of each of the unit's communes from a year on, which
    decides the thresholds of the 2026–2030 criteria (``criteria.commune_groups``)."""
    district = _unit(request)
    period = entry_period()
    default = max(commune_groups.MIN_YEAR, period.year if period else timezone.localdate().year)
    year = min(max(_year(request, default), commune_groups.MIN_YEAR), commune_groups.MAX_YEAR)
    # The communes that exist in the year: not those merged away before it, nor units
    # created after it.
    in_year = (Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1))) & (
        Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(year, 12, 31)))
    communes = sorted(district.communes.filter(in_year), key=lambda c: vn_sort_key(c.name))
    data = request.POST if request.method == "POST" else None
    forms = _group_forms(district, year, communes, data)
    status = 200
    if data is not None:
        status = 400
        if all(form.is_valid() for form in forms):
            inputs = [GroupInput(form.commune, form.cleaned_data["group"],
                                 -1 if form.cleaned_data["version"] is None
                                 else form.cleaned_data["version"]) for form in forms]
            try:
                changed, checked = commune_groups.save_groups(request.user, district, year,
                                                              inputs)
            except StaleEdit as error:
                messages.error(request, str(error))
                forms = _group_forms(district, year, communes)
                status = 409
            else:
                errors = {c.commune.pk: c.errors for c in checked if c.errors}
                if not errors:
                    if changed:
                        messages.success(request, _("Commune groups from %(year)s saved "
                                                    "(%(n)s changed).") % {"year": year,
                                                                           "n": changed})
                    else:
                        messages.info(request, _("Nothing was changed."))
                    return redirect(_url("criteria:unit-commune-groups", district, year=year))
                for form in forms:
                    for message in errors.get(form.commune.pk, []):
                        form.add_error("group", message)
                _rows_refused(request, len(errors))
        else:
            _rows_refused(request, sum(1 for form in forms if form.errors))
    years = [y for y in (year - 1, year, year + 1)
             if commune_groups.MIN_YEAR <= y <= commune_groups.MAX_YEAR]
    return render(request, "criteria/unit_commune_groups.html", {
        "district": district, "forms": forms, "year": year, "years": years,
        "units": _units(request), "url_name": "criteria:unit-commune-groups"}, status=status)
