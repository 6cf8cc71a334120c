"""Roll-ups of approved figures per (district, quarter, indicator), and reading them.

``rebuild`` recomputes the rows of some districts and periods from the raw values in
one grouped query; the receivers in ``reports.apps`` call it for the submission's
district and quarter whenever a submission is saved or deleted, inside the same
transaction (an approval and its roll-up commit together or not at all).
``entered_figures`` and ``trend`` give the same results as ``criteria.aggregates``
(tested) from these rows, for a whole district and approved reports only.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum

from communes.models import Commune, ReportingPeriod, Submission
from criteria.aggregates import APPROVED, Figure, span_value
from criteria.choices import Aggregation, IndicatorKind
from criteria.models import Indicator, IndicatorValue

from .models import IndicatorRollup


def rebuild(districts=None, periods=None):
    """Recompute the roll-ups of ``districts`` × ``periods`` (ids; None: all). Returns rows."""
    with transaction.atomic():
        stale = IndicatorRollup.objects.all()
        values = IndicatorValue.objects.filter(submission__status__in=APPROVED)
        if districts is not None:
            stale = stale.filter(district_id__in=districts)
            values = values.filter(submission__commune__district_id__in=districts)
        if periods is not None:
            stale = stale.filter(period_id__in=periods)
            values = values.filter(submission__period_id__in=periods)
        stale.delete()
        rows = (values.order_by()
                .values_list("submission__commune__district_id", "submission__period_id",
                             "indicator_id")
                .annotate(total=Sum("value"), count=Count("value")))
        created = IndicatorRollup.objects.bulk_create([
            IndicatorRollup(district_id=d, period_id=p, indicator_id=i, total=t, count=c)
            for d, p, i, t, c in rows], batch_size=5000)
    return len(created)


def _rebuild_for_submissions(submission_ids):
    pairs = set(Submission.objects.filter(pk__in=submission_ids, status__in=APPROVED)
                .values_list("commune__district_id", "period_id"))
    for district, period in pairs:
        rebuild([district], [period])


def on_submission_write(sender, instance, **kwargs):
    """post_save / post_delete of a submission: its district's quarter again."""
    if kwargs.get("raw"):
        return  # loaddata (a restore) brings the roll-ups with the data
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "status" not in update_fields:
        return
    if instance.status not in APPROVED and getattr(instance, "reopened_at", None) is None:
        # Never approved (only a reopening takes a submission out of "approved"): it
        # counts nowhere, whatever it becomes now (a draft, submitted, returned).
        return
    district = (Commune.objects.filter(pk=instance.commune_id)
                .values_list("district_id", flat=True).first())
    if district is not None:
        rebuild([district], [instance.period_id])


def on_value_write(sender, instance, **kwargs):
    """post_save / post_delete of one value: only an approved submission's count."""
    if kwargs.get("raw"):
        return
    _rebuild_for_submissions([instance.submission_id])


def on_bulk_write(sender, submissions=(), **kwargs):
    """``data_changed`` from a bulk write of values into ``submissions`` (objects).

    Only approved submissions count, and those are locked: a draft's save costs nothing.
    """
    approved = [s.pk for s in submissions if s.status in APPROVED]
    if sender is IndicatorValue and approved:
        _rebuild_for_submissions(approved)


def usable(district, communes, statuses, restricted):
    """Roll-ups stand for the district's figures only when the dashboard shows the whole
    district (every commune active) and approved reports only."""
    if restricted or tuple(statuses) != tuple(APPROVED):
        return False
    return not Commune.objects.filter(district=district).exclude(pk__in=communes).exists()


def _quarter_keys(period):
    return (period.year, period.quarter)


def _rows(district, until):
    """{(year, quarter): {indicator_id: (total, count)}} for the periods up to ``until``."""
    periods = ReportingPeriod.objects.filter(year__lte=until.year)
    by_period = {p.pk: (p.year, p.quarter) for p in periods.only("id", "year", "quarter")
                 if (p.year, p.quarter) <= (until.year, until.quarter)}
    result = defaultdict(dict)
    for period_id, indicator_id, total, count in IndicatorRollup.objects.filter(
            district=district, period_id__in=list(by_period)).values_list(
            "period_id", "indicator_id", "total", "count"):
        result[by_period[period_id]][indicator_id] = (total, count)
    return result


def _add(a, b):
    if a is None:
        return b
    return a if b is None else a + b


def _value(cell, aggregation):
    if cell is None:
        return None
    total, count = cell
    if aggregation == Aggregation.MEAN:
        return (total / count).quantize(Decimal("0.01")) if count and total is not None else None
    return total


def _span_cells(rows, span, pk):
    """(span total, end total, end mean) of one indicator over ``span`` from the rows."""
    span_total = None
    for quarter in span.quarters:
        cell = rows.get((span.year, quarter), {}).get(pk)
        span_total = _add(span_total, cell[0] if cell else None)
    end = rows.get((span.year, span.last), {}).get(pk)
    end_total = end[0] if end else None
    end_mean = (end[0] / end[1]) if end and end[1] and end[0] is not None else None
    return span_total, end_total, end_mean


def entered_figures(period, district, span=None):
    """{(None, indicator_id): Figure} as ``criteria.aggregates.entered_values`` gives it
    (for ``span``, by default the period's quarter, and its year-ago span)."""
    from ntm_portal import quarters
    from ntm_portal.spans import Span

    span = span or Span.quarter(period.year, period.quarter)
    rows = _rows(district, period)
    previous = quarters.previous(period.year, period.quarter)
    indicators = Indicator.objects.values_list("pk", "kind", "aggregation")
    result = {}
    for pk, kind, aggregation in indicators:
        cells = [(key, values[pk]) for key, values in rows.items() if pk in values]
        if not cells:
            continue
        figure = Figure()
        figure.quarter = span_value(kind, aggregation, *_span_cells(rows, span, pk))
        figure.year_ago = span_value(kind, aggregation, *_span_cells(rows, span.year_ago(), pk))
        if span.is_quarter:
            figure.previous = _value(rows.get(previous, {}).get(pk), aggregation)
        for key, (total, _count) in cells:
            figure.cumulative = _add(figure.cumulative, total)
            if key[0] == period.year:
                figure.ytd = _add(figure.ytd, total)
        if kind == IndicatorKind.STOCK:
            figure.ytd = figure.cumulative = figure.quarter
        result[(None, pk)] = figure
    return result


def trend(periods, codes, district):
    """{code: [value per period]} for entered indicators, from the roll-ups."""
    periods = list(periods)
    indicators = {pk: (code, aggregation) for pk, code, aggregation in
                  Indicator.objects.filter(code__in=codes).values_list("pk", "code", "aggregation")}
    index = {p.pk: i for i, p in enumerate(periods)}
    result = {code: [None] * len(periods) for code in codes}
    for period_id, indicator_id, total, count in IndicatorRollup.objects.filter(
            district=district, period_id__in=list(index), indicator_id__in=list(indicators)
    ).values_list("period_id", "indicator_id", "total", "count"):
        code, aggregation = indicators[indicator_id]
        result[code][index[period_id]] = _value((total, count), aggregation)
    return result


