"""A steering unit's own settings pages: its indicators, its targets of a year, its
communes' groups under the 2026–2030 criteria.

Staff of the unit only (a province account picks the district with ``?unit=``; a
district outside the user's unit is 404). Pages read and post through the forms of
``criteria.unit_forms``; the services (``criteria.catalogue.save_choices``,
``criteria.targets.save_targets``, ``criteria.commune_groups.save_groups``) decide
permission, validation, version and history. Their POST is one flow, ``post_rows``: a
page that cannot save answers 400 with the rows as typed, a stale page 409.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
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
    """The message of a row page that saved nothing."""
    messages.error(request, _("Nothing was saved: %(n)s row(s) need correcting, "
                              "marked in red below.") % {"n": count})


@dataclass
class RowPage:
    """What differs between the row pages (indicators, targets, commune groups); their POST
    is the same, ``post_rows``.

    ``read``: a valid row form → the service's input; ``save``: the inputs → ``(changed,
    checked)``, the service's call (it raises ``StaleEdit``); ``key``: a form or a checked
    row → the row it is about; ``field``: the form field a refusal is shown under;
    ``fresh``: the forms as saved by someone else (after a stale edit); ``saved``: the
    message for ``changed`` rows; ``done``: the page's address after a save;
    ``unreadable``: the message when rows cannot be read, if not ``_rows_refused``'s.
    """

    read: Callable
    save: Callable
    key: Callable
    field: str
    fresh: Callable
    saved: Callable
    done: str
    unreadable: str = ""


def post_rows(request, forms, page):
    """The POST of a row page: all rows are read, then the service is called once, and
    its refusals are shown on their rows. Nothing is saved unless every row is right.

    Returns ``(response, forms, status)``: a redirect after a save, else the forms to show
    again (as typed, with their errors; or as now saved after a stale edit).
    """
    if not all(form.is_valid() for form in forms):
        if page.unreadable:
            messages.error(request, page.unreadable)
        else:
            _rows_refused(request, sum(1 for form in forms if form.errors))
        return None, forms, 400
    try:
        changed, checked = page.save([page.read(form) for form in forms])
    except StaleEdit as error:
        messages.error(request, str(error))
        return None, page.fresh(), 409
    errors = {page.key(row): row.errors for row in checked if row.errors}
    if errors:
        for form in forms:
            for message in errors.get(page.key(form), []):
                form.add_error(page.field, message)
        _rows_refused(request, len(errors))
        return None, forms, 400
    if changed:
        messages.success(request, page.saved(changed))
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect(page.done), forms, 302


@login_required
def unit_catalogue(request):
    """"Chỉ tiêu của đơn vị": which indicators the unit uses, requires, headlines."""
    district = _unit(request)
    indicators = catalogue.catalogue_for(district)
    data = request.POST if request.method == "POST" else None
    forms = [ChoiceRowForm(data, indicator=i) for i in indicators]
    status = 200
    if data is not None:
        page = RowPage(
            read=lambda form: ChoiceInput(
                form.indicator, form.cleaned_data["is_used"],
                form.cleaned_data["is_required"] if form.indicator.source == "entered"
                else form.indicator.is_required,
                form.cleaned_data["is_headline"], form.version_loaded()),
            save=lambda inputs: (catalogue.save_choices(request.user, district, inputs), ()),
            key=lambda row: row.indicator.pk, field="is_used",
            fresh=lambda: [ChoiceRowForm(indicator=i)
                           for i in catalogue.catalogue_for(district)],
            saved=lambda n: _("The unit's indicators were saved (%(n)s changed).") % {"n": n},
            done=_url("criteria:unit-catalogue", district),
            unreadable=_("Nothing was saved: some rows could not be read. Reload the page "
                         "and try again."))
        response, forms, status = post_rows(request, forms, page)
        if response:
            return response
    return render(request, "criteria/unit_catalogue.html", {
        "district": district, "forms": forms, "units": _units(request),
        "url_name": "criteria:unit-catalogue"}, status=status)


def _version(form):
    """The version a row was loaded at (-1: the row did not exist then)."""
    version = form.cleaned_data["version"]
    return -1 if version is None else version


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
        def fresh():
            now = targets.unit_targets(district, year)
            return [TargetRowForm(indicator=i, target=now.get(i.pk)) for i in indicators]

        page = RowPage(
            read=lambda form: TargetInput(
                form.indicator, form.cleaned_data["low"], form.cleaned_data["high"],
                form.cleaned_data["note"], _version(form)),
            save=lambda inputs: targets.save_targets(request.user, district, year, inputs),
            key=lambda row: row.indicator.pk, field="low", fresh=fresh,
            saved=lambda n: _("Targets of %(year)s saved (%(n)s changed).") % {
                "year": year, "n": n},
            done=_url("criteria:unit-targets", district, year=year))
        response, forms, status = post_rows(request, forms, page)
        if response:
            return response
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
        page = RowPage(
            read=lambda form: GroupInput(form.commune, form.cleaned_data["group"],
                                         _version(form)),
            save=lambda inputs: commune_groups.save_groups(request.user, district, year,
                                                           inputs),
            key=lambda row: row.commune.pk, field="group",
            fresh=lambda: _group_forms(district, year, communes),
            saved=lambda n: _("Commune groups from %(year)s saved (%(n)s changed).") % {
                "year": year, "n": n},
            done=_url("criteria:unit-commune-groups", district, year=year))
        response, forms, status = post_rows(request, forms, page)
        if response:
            return response
    years = [y for y in (year - 1, year, year + 1)
             if commune_groups.MIN_YEAR <= y <= commune_groups.MAX_YEAR]
    return render(request, "criteria/unit_commune_groups.html", {
        "district": district, "forms": forms, "year": year, "years": years,
        "units": _units(request), "url_name": "criteria:unit-commune-groups"}, status=status)
