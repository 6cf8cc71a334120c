"""Thin views: scope, build the dashboard (reports.dashboard), render or export."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from urllib.parse import urlencode

from django.urls import reverse

from communes.models import Commune
from communes.scoping import visible_districts
from django.utils.translation import gettext as _

from .dashboard import build_dashboard, communes_in_scope, get_period, latest_period
from .export import XLSX, export_filename, workbook_bytes


def unit_slug(request):
    """The steering unit the address names: ``?unit=<slug>`` (``?district=`` still works)."""
    return request.GET.get("unit") or request.GET.get("district")


def _dashboard(request, year, quarter):
    period = get_period(year, quarter)
    district, communes, restricted = communes_in_scope(
        request.user, period, unit_slug(request))
    include_submitted = request.GET.get("include") == "submitted"
    return build_dashboard(period, district, communes, restricted, include_submitted)


@login_required
def dashboard(request, year, quarter):
    d = _dashboard(request, year, quarter)
    units = [] if d.restricted else list(visible_districts(request.user))
    return render(request, "reports/dashboard.html", {
        "d": d, "units": units if len(units) > 1 else [],
        "unit_query": f"unit={d.district.slug}"})


@login_required
def export(request, year, quarter):
    d = _dashboard(request, year, quarter)
    response = HttpResponse(workbook_bytes(d), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(d)}"'
    return response


@login_required
def latest(request):
    """/reports/: the dashboard of the latest quarter with submissions."""
    period = latest_period()
    if period is None:
        raise Http404(_("There is no reporting period yet."))
    url = reverse("reports:dashboard", args=[period.year, period.quarter])
    slug = unit_slug(request)
    return redirect(f"{url}?{urlencode({'unit': slug})}" if slug else url)


@login_required
def commune_block(request, slug):
    """The reports block of a commune's page (loaded by htmx); out of scope → 404."""
    from .panels import commune_block as build

    commune = get_object_or_404(Commune.objects.restrict(request.user), slug=slug)
    return render(request, "reports/panels/commune_block.html", {"panel": build(commune)})
