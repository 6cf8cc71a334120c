"""Thin views: scope, build the dashboard (reports.dashboard), render or export."""

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from communes.models import Commune
from communes.periods import current_period
from communes.scoping import visible_districts
from ntm_portal.child import ChildFailed
from ntm_portal.spans import Span

from .cache import cached, dashboard_key, panel_key
from .dashboard import build_dashboard, communes_in_scope, get_period, get_span
from .export import XLSX, export_filename, workbook_file

logger = logging.getLogger(__name__)


def unit_slug(request):
    """The steering unit the address names: ``?unit=<slug>`` (``?district=`` still works)."""
    return request.GET.get("unit") or request.GET.get("district")


@dataclass
class Scope:
    """What a dashboard's address asks for, checked (``_scope``) before anything is built."""

    period: object
    span: object  # None: the period's quarter
    district: object
    communes: object
    restricted: bool
    include_submitted: bool

    def dashboard(self):
        """The dashboard, from the cache or built (then cached)."""
        args = (self.period, self.district, self.communes, self.restricted,
                self.include_submitted, self.span)
        key = dashboard_key("dashboard", *args)
        d = cached(key, lambda: build_dashboard(*args))
        d.communes, d.cache_key = self.communes, key
        return d

    @property
    def filename(self):
        span = self.span or Span.quarter(self.period.year, self.period.quarter)
        return export_filename(self.district, span)


def _scope(request, year, quarter=None, span=None):
    """The scope of a quarter's dashboard (``/reports/2021/q1/``) or a span's (``span``:
    the address's ``6m``, ``9m``, ``year``, ``q2-q3``); 404 or 403 when it has none."""
    if span is None:
        period, span = get_period(year, quarter), None
    else:
        span, period = get_span(year, span)
    district, communes, restricted = communes_in_scope(
        request.user, period, unit_slug(request))
    return Scope(period, span, district, communes, restricted,
                 request.GET.get("include") == "submitted")


def _dashboard(request, year, quarter=None, span=None):
    return _scope(request, year, quarter, span).dashboard()


@login_required
def dashboard(request, year, quarter=None, span=None):
    d = _dashboard(request, year, quarter, span)
    units = [] if d.restricted else list(visible_districts(request.user))
    return render(request, "reports/dashboard.html", {
        "d": d, "units": units if len(units) > 1 else [],
        "unit_query": f"unit={d.district.slug}"})


@login_required
def export(request, year, quarter=None, span=None):
    """The meeting report, written to a temporary file row by row and streamed from it.

    The scope is checked here; the dashboard is read or built, and the workbook written,
    in a short-lived child process where possible (``reports.export.workbook_file``)."""
    scope = _scope(request, year, quarter, span)
    try:
        output = workbook_file(scope.dashboard)
    except ChildFailed as failure:
        # The child's traceback goes to the log; the user gets a page, and may try again.
        logger.error("The meeting workbook could not be written in its child process:\n%s",
                     failure)
        return render(request, "reports/export_failed.html", {
            "dashboard_url": request.get_full_path().replace("export.xlsx", "", 1)},
            status=500)
    return FileResponse(output, as_attachment=True, filename=scope.filename,
                        content_type=XLSX)


@login_required
def report_docx(request, year, quarter=None, span=None):
    """The meeting report in Word (Decree 30/2020 layout), the dashboard's figures."""
    from .word import DOCX, document_bytes, docx_filename

    d = _dashboard(request, year, quarter, span)
    response = HttpResponse(document_bytes(d), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{docx_filename(d)}"'
    return response


@login_required
def latest(request):
    """/reports/: the dashboard of the current period (``communes.periods.current_period``)."""
    period = current_period(request.user)
    if period is None:
        raise Http404(_("There is no reporting period yet."))
    url = reverse("reports:dashboard", args=[period.year, period.quarter])
    slug = unit_slug(request)
    return redirect(f"{url}?{urlencode({'unit': slug})}" if slug else url)


@login_required
def span_range(request):
    """The period menu's "any run of quarters" form: ``?year=2021&first=2&last=3`` goes
    to that span's dashboard (``/reports/2021/q2-q3/``), with the page's other options.
    Quarters chosen the wrong way round are read in order; a year or quarter that is not
    a reporting period answers 400 with the reason (a GET: nothing is written)."""
    from communes.models import ReportingPeriod
    from ntm_portal.formats import quarter_label
    from ntm_portal.spans import Span

    from .dashboard import span_url

    try:
        year = int(request.GET.get("year", ""))
        first, last = sorted((int(request.GET.get("first", "")), int(request.GET.get("last", ""))))
        span = Span(year, first, last)
    except ValueError:
        return render(request, "reports/range_refused.html", {"message": _(
            "Choose a year and two quarters (I to IV) to see a run of quarters.")}, status=400)
    held = set(ReportingPeriod.objects.filter(year=year).values_list("quarter", flat=True))
    missing = [q for q in span.quarters if q not in held]
    if missing:
        return render(request, "reports/range_refused.html", {"message": _(
            "There is no reporting period %(quarter)s yet: choose quarters that have one.")
            % {"quarter": quarter_label(year, missing[0])}}, status=400)
    keep = [(k, v) for k, values in request.GET.lists() for v in values
            if k not in {"year", "first", "last"}]
    url = span_url(span)
    return redirect(f"{url}?{urlencode(keep)}" if keep else url)


@login_required
def commune_block(request, slug):
    """The reports block of a commune's page (loaded by htmx); out of scope → 404."""
    from .panels import commune_block as build

    commune = get_object_or_404(Commune.objects.restrict(request.user), slug=slug)
    panel = cached(panel_key("commune-block", commune.pk), lambda: build(commune) or False)
    return render(request, "reports/panels/commune_block.html", {"panel": panel or None})
