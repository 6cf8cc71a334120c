"""Blocks the reports app adds to the home page and to a commune's page (communes.seeding)."""

from communes.choices import SubmissionStatus
from communes.models import Commune, Submission
from communes.periods import current_period, entry_period
from communes.scoping import is_district_reader
from communes.seeding import Panel
from communes.lineage import with_history
from criteria.aggregates import Figure, criteria_met_over_time, figures, share_done, trend
from criteria.catalogue import effective_indicators
from criteria.models import Target
from ntm_portal.formats import quarter_label

from .dashboard import HeadlineRow, _trend_periods
from .ocop_figures import ocop_figures


def home_panels(request):
    """District readers get a card leading to the latest quarter's dashboard and report."""
    if not is_district_reader(request.user):
        return []
    period = current_period(request.user)
    if period is None:
        return []
    return [Panel("reports/panels/home.html", {"period": period}, order=10)]


def commune_panels(request, commune):
    """A placeholder on the commune page; its content loads with htmx from ``commune_block``.

    The commune page keeps its own small query budget: the figures of the block (one
    ``figures`` computation, OCOP, criteria over time) are a second request.
    """
    return [Panel("reports/panels/commune.html", {"commune": commune}, order=40)]


def commune_block(commune):
    """One commune: criteria met per quarter, its figures against its targets, its products,
    for the latest quarter in which the commune's report was approved.

    ``commune`` is already in the user's scope (the view answers 404 otherwise).
    """
    approved = (Submission.objects.filter(commune=commune, status=SubmissionStatus.APPROVED)
                .select_related("period").order_by("-period__year", "-period__quarter").first())
    period = approved.period if approved else entry_period()
    if period is None:
        return None
    communes = Commune.objects.filter(pk=commune.pk)
    # A merged commune's figures carry its predecessors' history (docs/DOMAIN.md#merged-units).
    history = with_history(communes)
    ocop = ocop_figures(period.year, period.end_date, history)
    used = effective_indicators(commune.district_id)  # the unit's choices
    current = figures(period, history, indicators=used)
    targets = {t.indicator.code: t for t in Target.objects.filter(
        year=period.year, commune=commune).select_related("indicator")}
    rows = []
    for indicator in used:
        code = indicator.code
        if not indicator.is_headline and code not in targets:
            continue
        figure = current.get(code, Figure())
        target = targets.get(code)
        rows.append(HeadlineRow(indicator, figure, target, share_done(figure, target, indicator.kind)))
    trend_periods = _trend_periods(period)
    series = trend(trend_periods, [row.indicator.code for row in rows], history)
    trends = [(row.indicator, series[row.indicator.code]) for row in rows]
    met_history = criteria_met_over_time(communes).get(commune.pk, {})
    criteria = [{"label": quarter_label(year, quarter), "met": met, "assessed": assessed}
                for (year, quarter), (met, assessed) in sorted(met_history.items())]
    return {
        "commune": commune, "period": period, "rows": rows, "criteria": criteria, "ocop": ocop,
        "trend_periods": trend_periods, "trends": trends,
        "merged": history is not communes,
        "chart": {"labels": [c["label"] for c in criteria], "met": [c["met"] for c in criteria],
                  "assessed": [c["assessed"] for c in criteria]},
    }
