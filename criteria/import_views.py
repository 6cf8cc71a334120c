"""Excel template download and import pages: one commune (its officer), a district (staff).

As the submission page's forms: a file with errors answers 200 with the error list, a
stale template 409; nothing is saved in either case.
"""

from django.contrib import messages
from django.db import transaction
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from communes import workflow
from communes.lineage import valid_on_q
from communes.models import Commune, ReportingPeriod
from communes.scoping import CHANGE, picked_district

from . import entry, excel_import
from .views import _load


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=excel_import.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _unsaved_for_officer(request, commune, submission):
    """An unsaved report (nobody saved this quarter yet) is for its officer only."""
    if submission.pk is None:
        workflow.check_enters_figures(request.user, commune)


@login_required
def commune_template(request, slug, year, quarter):
    commune, period, submission = _load(request, slug, year, quarter)
    _unsaved_for_officer(request, commune, submission)
    return _xlsx(excel_import.commune_template(submission),
                 f"{commune.slug}-{period.year}-q{period.quarter}.xlsx")


@login_required
def commune_import(request, slug, year, quarter):
    commune, period, submission = _load(request, slug, year, quarter)
    _unsaved_for_officer(request, commune, submission)
    workflow.check_can_edit(submission, request.user)
    context = {"commune": commune, "period": period, "submission": submission, "errors": []}
    if request.method != "POST":
        return render(request, "criteria/import.html", context)
    refused = excel_import.request_too_large(request)
    if refused:
        context["errors"] = [excel_import.CellError("", "", refused)]
        return render(request, "criteria/import.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["errors"] = [excel_import.CellError("", "", _("Choose the file to upload."))]
        return render(request, "criteria/import.html", context)
    try:
        if submission.pk is None:
            # The first save creates the draft; a refused file leaves nothing behind.
            with transaction.atomic():
                submission = entry.create_on_first_save(submission, 0, request.user)
                result = excel_import.import_commune(submission, request.user, upload,
                                                     first_save=True)
                if result.errors:
                    transaction.set_rollback(True)
        else:
            result = excel_import.import_commune(submission, request.user, upload)
    except workflow.StaleEdit as error:
        context["errors"] = [excel_import.CellError("", "", str(error))]
        return render(request, "criteria/import.html", context, status=409)
    if result.errors:
        context.update(errors=result.errors, summary=result.summary())
        return render(request, "criteria/import.html", context)
    if result.warnings:
        messages.warning(request, _("Figures imported, with %(n)s warning(s) for the reviewer "
                                    "to see.") % {"n": len(result.warnings)})
    else:
        messages.success(request, _("Figures imported from the file."))
    return redirect(submission.get_absolute_url() + "#figures")


def _district(request, year, quarter):
    excel_import.check_district_importer(request.user)
    period = get_object_or_404(ReportingPeriod, year=year, quarter=quarter)
    # One unit's workbook (``?unit=`` for a province account): its catalogue's columns.
    district = picked_district(request.user, request.GET.get("unit"), CHANGE)
    # The communes that report for the quarter: in being at its end (as the review board
    # and the dashboard count them), not those a merger closed or not yet set up.
    communes = list(Commune.objects.restrict(request.user, CHANGE).filter(district=district)
                    .filter(valid_on_q(period.end_date)).order_by("name"))
    return period, district, communes


@login_required
def district_template(request, year, quarter):
    period, district, communes = _district(request, year, quarter)
    return _xlsx(excel_import.district_template(period, district, communes),
                 f"district-{period.year}-q{period.quarter}.xlsx")


@login_required
def district_import(request, year, quarter):
    period, district, communes = _district(request, year, quarter)
    context = {"period": period, "errors": []}
    if request.method != "POST":
        return render(request, "criteria/district_import.html", context)
    refused = excel_import.request_too_large(request)
    if refused:
        context["errors"] = [excel_import.CellError("", "", refused)]
        return render(request, "criteria/district_import.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["errors"] = [excel_import.CellError("", "", _("Choose the file to upload."))]
        return render(request, "criteria/district_import.html", context)
    result = excel_import.import_district(period, request.user, district, communes, upload)
    if result.errors:
        context.update(errors=result.errors, summary=result.summary())
        return render(request, "criteria/district_import.html", context)
    messages.success(request, _("Figures of %(n)s commune(s) imported.") % {"n": result.saved})
    return redirect("review_board", year=period.year, quarter=period.quarter)

