"""Roll-ups of approved figures per (district, quarter, indicator), and reading them.

``rebuild`` recomputes the rows of some districts and periods from the raw values in
one grouped query; the receivers in ``reports.apps`` call it for the submission's
district and quarter whenever a submission is saved or deleted, inside the same
transaction (an approval and its roll-up commit together or not at all).
``entered_figures`` and ``trend_sums`` feed ``criteria.aggregates`` (``figures``'s
``entered``, ``trend``'s ``sums``), which forms the district's figures from these rows
by its one rule (tested equal to the raw aggregation), for a whole district and
approved reports only. A ratio indicator has no rows: it is formed from its parts'.
"""

from collections import defaultdict

from django.db import transaction

from communes.models import Commune, ReportingPeriod, Submission
from criteria.aggregates import APPROVED, entered_from_quarters, value_sums
from criteria.models import IndicatorValue

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
        rows = value_sums(values, ["submission__commune__district_id", "submission__period_id",
                                   "indicator_id"], {"all": None})
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


def entered_figures(period, district, span=None):
    """{(None, indicator_id): Figure} as ``criteria.aggregates.entered_values`` gives it
    (for ``span``, by default the period's quarter, with its year-ago span), by the same
    rule (``criteria.aggregates.combine``) over the stored sums."""
    return entered_from_quarters(period, _rows(district, period), span)


def trend_sums(periods, district):
    """{(period_id, indicator_id): (total, count)} for ``criteria.aggregates.trend``'s
    ``sums``: the stored sums of the district's approved values in ``periods``."""
    return {(period_id, indicator_id): (total, count)
            for period_id, indicator_id, total, count in IndicatorRollup.objects.filter(
                district=district, period_id__in=[p.pk for p in periods]).values_list(
                "period_id", "indicator_id", "total", "count")}
