"""The quarterly submission page, its forms, the review board and the history.

Views stay thin: scope from ``restrict``, rules from ``communes.workflow``, checks and
saves from ``criteria.entry`` / ``criteria.validation``, figures from
``criteria.aggregates``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import workflow
from communes.choices import SubmissionStatus
from communes.lineage import valid_on_q
from communes.models import Commune, ReportingPeriod, Submission
from communes.periods import period_terms, user_district_id
from communes.scoping import VIEW, is_district_staff, visible_districts
from ntm_portal.formats import format_number, vn_sort_key

from . import entry
from .aggregates import entered_values
from .forms import ReportForm
from .models import CriterionAssessment, CriterionIndicatorValue, IndicatorValue
from .validation import check_figures, recent_values_by_commune, warnings_for


def _load(request, slug, year, quarter):
    """The commune, the period and its submission; an unsaved one if nobody saved yet.

    Opening the page never writes: the first save creates the submission.
    """
    commune = get_object_or_404(Commune.objects.restrict(request.user, VIEW), slug=slug)
    period = get_object_or_404(ReportingPeriod, year=year, quarter=quarter)
    submission = (Submission.objects.filter(commune=commune, period=period)
                  .select_related("commune", "period", "reviewed_by", "submitted_by").first())
    if submission is None:
        submission = Submission(commune=commune, period=period, version=0)
    return commune, period, submission


def _figure_rows(submission, indicators, form, checked=None):
    """Rows of the figures section: unit, previous, input, year to date, cumulative."""
    saved = {}
    if submission.pk:
        saved = {v.indicator_id: v for v in IndicatorValue.objects.filter(submission=submission)}
    totals = entered_values(submission.period, communes=[submission.commune_id], statuses=None)
    if checked is None and submission.pk and not form.is_bound:
        # Warnings for saved values, so that the reviewer sees them too.
        inputs = {i: (v.value, v.comment) for i, v in saved.items()}
        checked = check_figures(submission, indicators, inputs)
    groups, current = [], None
    for indicator in indicators:
        if current is None or current["programme"] != indicator.programme:
            current = {"programme": indicator.programme, "label": indicator.get_programme_display(),
                       "rows": []}
            groups.append(current)
        figure = totals.get((None, indicator.pk))
        value = saved.get(indicator.pk)
        name, comment_name = f"value-{indicator.pk}", f"comment-{indicator.pk}"
        if form.is_bound:
            raw, comment = form.data.get(name, ""), form.data.get(comment_name, "")
        else:
            raw = format_number(value.value) if value and value.value is not None else ""
            comment = value.comment if value else ""
        c = (checked or {}).get(indicator.pk)
        current["rows"].append({
            "indicator": indicator, "name": name, "comment_name": comment_name,
            "previous": figure.previous if figure else None,
            "value": value.value if value else None, "raw": raw, "comment": comment,
            "ytd": figure.ytd if figure else None,
            "cumulative": figure.cumulative if figure else None,
            "errors": [str(e) for n in (name, comment_name) for e in form.errors.get(n, [])]
            if form.is_bound else [],
            "warnings": c.warnings if c else [],
        })
    return groups


def _criteria_rows(submission, criteria, form):
    saved, saved_values = {}, {}
    if submission.pk:
        saved = {a.criterion_id: a for a in CriterionAssessment.objects.filter(submission=submission)}
        saved_values = {(v.assessment.criterion_id, v.indicator_id): v.value for v in
                        CriterionIndicatorValue.objects.filter(assessment__submission=submission)
                        .select_related("assessment")}
    previous = {}
    prev_period = submission.period.previous()
    if prev_period:
        previous = dict(CriterionAssessment.objects.filter(
            submission__commune_id=submission.commune_id, submission__period=prev_period,
        ).values_list("criterion__number", "is_met"))
    data = form.data if form.is_bound else None
    rows = []
    for criterion in criteria:
        a = saved.get(criterion.pk)
        if data is not None:
            met = data.get(f"met-{criterion.pk}", "")
            score = data.get(f"score-{criterion.pk}", "")
            evidence = data.get(f"evidence-{criterion.pk}", "")
        else:
            met = "" if a is None or a.is_met is None else ("1" if a.is_met else "0")
            score = format_number(a.score) if a and a.score is not None else ""
            evidence = a.evidence if a else ""
        indicators = []
        for ind in criterion.indicators.all():
            stored = saved_values.get((criterion.pk, ind.pk))
            indicators.append({
                "indicator": ind, "name": f"ind-{ind.pk}",
                "value": data.get(f"ind-{ind.pk}", "") if data is not None else
                (format_number(stored) if stored is not None else ""),
            })
        errors = form.criterion_errors(criterion) if form.is_bound else []
        rows.append({"criterion": criterion, "met": met, "score": score, "evidence": evidence,
                     "indicators": indicators, "errors": errors,
                     "has_details": bool(score or evidence or errors
                                         or any(i["value"] for i in indicators)),
                     "previous": previous.get(criterion.number)})
    return rows


def _render(request, commune, period, submission, form=None, status=200):
    indicators = entry.entered_indicators(commune.district_id)
    criteria_set, criteria = entry.criteria_for(submission)
    if form is None:
        form = ReportForm(submission, indicators, criteria)
    terms = period_terms(period, commune.district_id)
    lock = workflow.lock_state(submission, district_id=commune.district_id)
    editable = workflow.can_edit(submission, request.user)
    groups = _figure_rows(submission, indicators, form.figures,
                          form.checked.figures if form.checked else None)
    crit_rows = _criteria_rows(submission, criteria, form.criteria)
    required = [r for g in groups for r in g["rows"] if r["indicator"].is_required]
    figures_done = sum(1 for r in required if r["value"] is not None)
    met_now = sum(1 for r in crit_rows if r["met"] == "1")
    met_before = sum(1 for r in crit_rows if r["previous"] is True)
    has_previous = any(r["previous"] is not None for r in crit_rows)
    missing = (entry.missing_sections(submission, indicators, criteria) if submission.pk
               else [_("Quarterly figures")] + ([_("Criteria assessment")] if criteria else []))
    warnings = sum(len(r["warnings"]) for g in groups for r in g["rows"])
    events = list(submission.events.select_related("user")) if submission.pk else []
    texts = form.texts
    context = {
        "commune": commune, "period": period, "submission": submission, "lock": lock,
        "editable": editable, "groups": groups, "criteria_set": criteria_set,
        "criteria_rows": crit_rows, "figures_done": figures_done, "figures_required": len(required),
        "missing_figures": [r["indicator"] for r in required if r["value"] is None],
        "criteria_done": sum(1 for r in crit_rows if r["met"] in ("1", "0")),
        "criteria_total": len(crit_rows), "met_now": met_now,
        "met_change": met_now - met_before if has_previous else None,
        "missing": missing, "can_submit": editable and submission.pk and not missing,
        "is_reviewer": is_district_staff(request.user), "warnings_count": warnings,
        "texts": {name: texts.data.get(name, "") if texts.is_bound else texts.initial[name]
                  for name in ("difficulties", "proposals")},
        "text_errors": {name: [str(e) for e in texts.errors.get(name, [])]
                        for name in ("difficulties", "proposals")} if texts.is_bound else {},
        "error_counts": form.error_counts(),
        "events": events, "terms": terms, "days_left": terms.days_left(),
        "period_locked": workflow.period_locked(submission, district_id=commune.district_id),
        "is_late": workflow.is_late(submission, district_id=commune.district_id),
        "review_nav": _review_nav(request.user, submission), "stale": status == 409,
    }
    return render(request, "criteria/submission.html", context, status=status)


def _review_nav(user, submission):
    """For staff: the board of this quarter and the next submission waiting for review."""
    if not is_district_staff(user):
        return None
    waiting = (Submission.objects.restrict(user).filter(
        period=submission.period, status=SubmissionStatus.SUBMITTED)
        .exclude(pk=submission.pk).select_related("commune", "period"))
    following = sorted(waiting, key=lambda s: vn_sort_key(s.commune.name))
    return {"next": following[0] if following else None}


@login_required
def submission_page(request, slug, year, quarter):
    """The commune's quarterly report: read it (GET), or save all of it at once (POST).

    The save posts to the page's own address, so that an officer whose session expired
    comes back here after logging in, where the browser puts back what was typed.
    """
    commune, period, submission = _load(request, slug, year, quarter)
    if request.method != "POST":
        return _render(request, commune, period, submission)
    workflow.check_can_edit(submission, request.user)
    form = ReportForm(submission, entry.entered_indicators(commune.district_id),
                      entry.criteria_for(submission)[1],
                      request.POST)
    try:
        saved = form.save(request.user)
    except workflow.StaleEdit as error:
        messages.error(request, str(error))
        if submission.pk:
            submission.refresh_from_db()
        return _render(request, commune, period, submission, status=409)
    if not saved:
        counts = form.error_counts()
        messages.error(request, _("Nothing was saved: %(n)s entry(ies) need correcting, marked "
                                  "in red below (figures %(f)s, criteria %(c)s, texts %(t)s).") % {
            "n": sum(counts.values()), "f": counts.get("figures", 0),
            "c": counts.get("criteria", 0), "t": counts.get("texts", 0)})
        return _render(request, commune, period, submission, form=form, status=200)
    submission = form.submission
    warnings = sum(len(c.warnings) for c in form.checked.figures.values())
    if request.POST.get("action") == "submit":
        indicators = entry.entered_indicators(commune.district_id)
        _set, criteria = entry.criteria_for(submission)
        try:
            workflow.submit(submission, request.user,
                            entry.missing_sections(submission, indicators, criteria))
        except workflow.WorkflowError as error:
            messages.warning(request, _("Saved, but not submitted: %(reason)s")
                             % {"reason": str(error)})
            return redirect(submission.get_absolute_url() + "#submit-section")
        messages.success(request, _("Saved and submitted to the district for review."))
        return redirect(submission.get_absolute_url())
    if warnings:
        messages.warning(request, _("Report saved, with %(n)s warning(s) for the reviewer to "
                                    "see.") % {"n": warnings})
    else:
        messages.success(request, _("Report saved."))
    return redirect(submission.get_absolute_url())


def _editable_submission(request, slug, year, quarter):
    commune, period, submission = _load(request, slug, year, quarter)
    if submission.pk is None:
        raise PermissionDenied(_("Nothing has been saved for this quarter yet: save the report "
                                 "first."))
    workflow.check_can_edit(submission, request.user)
    return commune, period, submission


def _version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@login_required
@require_POST
def submit(request, slug, year, quarter):
    commune, period, submission = _editable_submission(request, slug, year, quarter)
    if _version(request) != submission.version:
        messages.error(request, _("Someone else saved this submission after you opened the "
                                  "page; check the data below, then submit again."))
        return _render(request, commune, period, submission, status=409)
    indicators = entry.entered_indicators(commune.district_id)
    _set, criteria = entry.criteria_for(submission)
    workflow.submit(submission, request.user, entry.missing_sections(submission, indicators, criteria))
    messages.success(request, _("Submitted to the district for review."))
    return redirect(submission.get_absolute_url())


def _review(request, slug, year, quarter, action):
    commune, period, submission = _load(request, slug, year, quarter)
    workflow.check_reviewer(request.user)
    if submission.pk is None:
        raise Http404
    try:
        action(submission, request.user, request.POST.get("comment", ""))
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return _render(request, commune, period, submission, status=400)
    response = redirect(submission.get_absolute_url())
    response.submission = submission
    return response


def _review_view(action, done):
    """A staff review action (approve, return, reopen) as a POST view."""

    @login_required
    @require_POST
    def view(request, slug, year, quarter):
        response = _review(request, slug, year, quarter, action)
        if response.status_code == 302:
            messages.success(request, done(response.submission))
        return response

    return view


approve = _review_view(workflow.approve, lambda s: _("Approved: the data is now locked."))
return_submission = _review_view(
    workflow.return_for_correction,
    lambda s: (_("Returned to the commune with your comment; the entry deadline had passed, "
                 "so the report is also reopened for the commune.") if s.reopened_at else
               _("Returned to the commune with your comment.")))
reopen = _review_view(workflow.reopen, lambda s: _("Reopened: the commune can edit again."))


@login_required
def history(request, slug, year, quarter):
    """Every change to every value of the submission, with who and when."""
    commune, period, submission = _load(request, slug, year, quarter)
    entries = []
    if submission.pk:
        for record in (IndicatorValue.history.filter(submission_id=submission.pk)
                       .select_related("history_user", "indicator").order_by("-history_date")[:500]):
            entries.append({"at": record.history_date, "user": record.history_user,
                            "what": record.indicator.name, "value": record.value,
                            "comment": record.comment, "type": record.get_history_type_display()})
        for record in (CriterionAssessment.history.filter(submission_id=submission.pk)
                       .select_related("history_user", "criterion").order_by("-history_date")[:500]):
            met = {True: _("met"), False: _("not met"), None: ""}[record.is_met]
            entries.append({"at": record.history_date, "user": record.history_user,
                            "what": str(record.criterion), "value": met, "comment": record.evidence,
                            "type": record.get_history_type_display()})
        for record in (submission.history.select_related("history_user").order_by("-history_date")[:200]):
            entries.append({"at": record.history_date, "user": record.history_user,
                            "what": _("Submission"), "value": record.get_status_display(),
                            "comment": record.review_comment,
                            "type": record.get_history_type_display()})
    entries.sort(key=lambda e: e["at"], reverse=True)
    return render(request, "criteria/history.html", {
        "commune": commune, "period": period, "submission": submission, "entries": entries,
        "events": list(submission.events.select_related("user")) if submission.pk else [],
    })


@login_required
def review_board(request, year, quarter):
    """Staff's board for a quarter: every commune, its status, on time or late, its warnings."""
    workflow.check_reviewer(request.user)
    period = get_object_or_404(ReportingPeriod, year=year, quarter=quarter)
    submissions = {s.commune_id: s for s in Submission.objects.restrict(request.user).filter(period=period)
                   .annotate(n_values=Count("values", filter=Q(values__value__isnull=False)))}
    # The communes that report for the quarter: those in being at its end, as the
    # dashboard counts them (a commune closed by a merger, or not yet created, owes no
    # report), and any other that has one.
    communes = list(Commune.objects.restrict(request.user).filter(
        valid_on_q(period.end_date) | Q(pk__in=list(submissions))).select_related("district"))
    warnings = _warnings_by_commune(period, submissions.values())
    today = timezone.localdate()
    rows = []
    for commune in communes:
        s = submissions.get(commune.pk)
        if s is not None:
            s.period = period  # one period object: the units' terms are read once
        rows.append({"commune": commune, "submission": s,
                     "status": s.get_status_display() if s else _("Not started"),
                     "status_code": s.status if s else "missing",
                     "late": workflow.is_late(s or Submission(commune=commune, period=period), today,
                                              district_id=commune.district_id),
                     "warnings": warnings.get(commune.pk, 0),
                     "url": f"/communes/{commune.slug}/{period.year}/q{period.quarter}/"})
    order = {"submitted": 0, "returned": 1, "draft": 2, "missing": 3, "approved": 4}
    rows.sort(key=lambda r: (order[r["status_code"]], vn_sort_key(r["commune"].name)))
    counts = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return render(request, "criteria/review_board.html", {
        "period": period, "rows": rows, "counts": sorted(counts.items()),
        "terms": period_terms(period, user_district_id(request.user)),
        "districts": visible_districts(request.user).active(period.end_date)})


def _warnings_by_commune(period, submissions):
    """Warning counts per commune for the submissions handed in, in two queries."""
    handed_in = [s for s in submissions if s.status != SubmissionStatus.DRAFT]
    if not handed_in:
        return {}
    current = IndicatorValue.objects.filter(
        submission__in=handed_in, value__isnull=False).select_related("indicator", "submission")
    recent = recent_values_by_commune(period, [s.commune_id for s in handed_in])
    counts = {}
    for v in current:
        commune_id = v.submission.commune_id
        n = len(warnings_for(v.indicator, v.value, recent.get((commune_id, v.indicator_id), [])))
        if n:
            counts[commune_id] = counts.get(commune_id, 0) + n
    return counts
