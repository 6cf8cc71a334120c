"""The quarterly figures: one computation for forms, dashboards, narrative and exports.

For every catalogue indicator a ``Figure`` holds the quarter's value, the previous
quarter's, the year to date and the cumulative value. A flow (houses renovated) sums
over quarters; a stock (poor households) takes the quarter's level for all three.
Entered figures come from ``IndicatorValue``; computed ones from the registries
(model residential areas, model gardens, NTM recognitions). Every function runs a
fixed number of SQL queries, whatever the number of communes. The domain's rules of
aggregation: docs/DOMAIN.md#how-figures-aggregate.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum

from communes.choices import NtmLevel, SubmissionStatus
from communes.models import (
    Commune,
    ModelArea,
    ModelGarden,
    building_q,
    recognised_between_q,
    recognised_q,
)
from ntm_portal import quarters

from .choices import Aggregation, IndicatorKind
from .models import CriteriaSet, CriterionAssessment, Indicator, IndicatorValue, Target

APPROVED = (SubmissionStatus.APPROVED,)
APPROVED_OR_SUBMITTED = (SubmissionStatus.APPROVED, SubmissionStatus.SUBMITTED)
EPOCH = datetime.date(1900, 1, 1)


@dataclass
class Figure:
    """A figure of a report: ``quarter`` is the value of the report's span (a quarter, or
    several quarters: see ``span_value``), ``previous`` the quarter before (one-quarter
    spans only), ``year_ago`` the same span of the previous year; ``ytd`` and
    ``cumulative`` run to the span's end."""

    quarter: Decimal | None = None
    previous: Decimal | None = None
    ytd: Decimal | None = None
    cumulative: Decimal | None = None
    year_ago: Decimal | None = None

    @property
    def change(self):
        """Year-on-year change, or None when either side is unknown (``year_on_year``)."""
        return year_on_year(self.quarter, self.year_ago)[0]

    @property
    def change_percent(self):
        return year_on_year(self.quarter, self.year_ago)[1]


def year_on_year(value, year_ago):
    """(change, change in percent) against the same span of the previous year.

    Unknown on either side (None) gives (None, None), never 0; the percentage is None
    when last year's value is 0 (no base to compare with)."""
    if value is None or year_ago is None:
        return None, None
    change = value - year_ago
    if not year_ago:
        return change, None
    percent = (Decimal(change) * 100 / Decimal(year_ago)).quantize(Decimal("0.1"))
    return change, percent


def span_value(kind, aggregation, span_total, end_total, end_mean):
    """Combine one indicator's parts over a span, by its kind (the one rule).

    ``span_total``: the sum of the values of every quarter of the span; ``end_total`` and
    ``end_mean``: the sum and the mean over communes of the span's last quarter. A flow
    sums over the span; a stock takes its level at the end; a rate (mean over communes)
    is a level too: its mean at the end. A kind combined from several parts (a ratio:
    Σ numerator ÷ Σ denominator at the end) adds its branch here.
    """
    if aggregation == Aggregation.MEAN:
        return _round(end_mean)
    if kind == IndicatorKind.STOCK:
        return end_total
    return span_total


def _period_q(prefix, period):
    return Q(**{f"{prefix}year": period.year, f"{prefix}quarter": period.quarter})


def _until_q(prefix, period, same_year=False):
    q = Q(**{f"{prefix}year__lt": period.year}) | Q(
        **{f"{prefix}year": period.year, f"{prefix}quarter__lte": period.quarter}
    )
    if same_year:
        q = Q(**{f"{prefix}year": period.year, f"{prefix}quarter__lte": period.quarter})
    return q


def _previous(period):
    return quarters.previous(period.year, period.quarter)


def _quarters_q(prefix, year, first, last):
    return Q(**{f"{prefix}year": year, f"{prefix}quarter__gte": first,
                f"{prefix}quarter__lte": last})


def _span_of(period, span):
    from ntm_portal.spans import Span

    return span if span is not None else Span.quarter(period.year, period.quarter)


def entered_values(period, communes=None, statuses=None, by_commune=False, quarter_only=False,
                   span=None):
    """Sums of entered values: {(commune_id or None, indicator_id): Figure} in one query.

    ``period`` is the span's last quarter; ``span`` (a ``ntm_portal.spans.Span``, by
    default the quarter alone) is what ``Figure.quarter`` covers, combined by
    ``span_value``; ``Figure.year_ago`` is the same span of the previous year, in the
    same query. ``quarter_only`` reads the span's values alone (an index range, not
    every earlier quarter): only ``Figure.quarter`` is then filled, the rest stays None.
    """
    span = _span_of(period, span)
    ago = span.year_ago()
    in_span = _quarters_q("submission__period__", span.year, span.first, span.last)
    if quarter_only:
        values = IndicatorValue.objects.filter(in_span)
    else:
        values = IndicatorValue.objects.filter(_until_q("submission__period__", period))
    if statuses is not None:
        values = values.filter(submission__status__in=statuses)
    if communes is not None:
        values = values.filter(submission__commune__in=communes)
    prev_year, prev_quarter = _previous(period)
    keys = ["indicator_id", "indicator__kind", "indicator__aggregation"] + (
        ["submission__commune_id"] if by_commune else [])
    this_quarter = _period_q("submission__period__", period)
    last_quarter = Q(submission__period__year=prev_year, submission__period__quarter=prev_quarter)
    ago_span = _quarters_q("submission__period__", ago.year, ago.first, ago.last)
    ago_end = Q(submission__period__year=ago.year, submission__period__quarter=ago.last)
    parts = {
        "quarter": Sum("value", filter=this_quarter),
        "previous": Sum("value", filter=last_quarter),
        "ytd": Sum("value", filter=_until_q("submission__period__", period, same_year=True)),
        "cumulative": Sum("value"),
        # A rate is averaged over the communes that reported it, never summed.
        "quarter_mean": Avg("value", filter=this_quarter),
        "previous_mean": Avg("value", filter=last_quarter),
        "span_total": Sum("value", filter=in_span),
        "ago_total": Sum("value", filter=ago_span),
        "ago_end": Sum("value", filter=ago_end),
        "ago_mean": Avg("value", filter=ago_end),
    }
    if quarter_only:  # the span's quarters only: nothing of the year before is read
        for name in ("previous", "previous_mean", "ago_total", "ago_end", "ago_mean"):
            parts.pop(name)
    rows = values.order_by().values(*keys).annotate(**parts).values_list(*keys, *parts)
    names = list(parts)
    result = {}
    # Rows, not dicts: at 10,000 communes this loop runs 130,000 times.
    for indicator_id, kind, aggregation, *rest in rows:
        commune_id = rest.pop(0) if by_commune else None
        p = dict(zip(names, rest))
        quarter = span_value(kind, aggregation, p["span_total"], p["quarter"], p["quarter_mean"])
        if quarter_only:
            result[(commune_id, indicator_id)] = Figure(quarter)
            continue
        previous, ytd, cumulative = p["previous"], p["ytd"], p["cumulative"]
        if aggregation == Aggregation.MEAN:
            previous = _round(p["previous_mean"])
        if kind == IndicatorKind.STOCK:
            ytd = cumulative = quarter
        if not span.is_quarter:
            previous = None  # "the quarter before" belongs to one-quarter reports
        year_ago = span_value(kind, aggregation, p["ago_total"], p["ago_end"], p["ago_mean"])
        result[(commune_id, indicator_id)] = Figure(quarter, previous, ytd, cumulative, year_ago)
    return result


def _round(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _counts(queryset, commune_path, by_commune, conditions):
    """{name: {commune_id or None: count}} for every condition, in one query."""
    annotations = {name: Count("pk", filter=q) for name, q in conditions.items()}
    if by_commune:
        rows = queryset.values(commune_path).annotate(**annotations).order_by()
        return {name: {row[commune_path]: row[name] for row in rows} for name in conditions}
    totals = queryset.aggregate(**annotations)
    return {name: {None: totals[name]} for name in conditions}


def _figures(counts, quarter, previous, ytd=None, cumulative=None, year_ago=None):
    """Figures from named counts; a stock repeats its level for year to date and cumulative."""
    names = {"quarter": quarter, "previous": previous, "ytd": ytd or quarter,
             "cumulative": cumulative or quarter, "year_ago": year_ago}
    names = {field: name for field, name in names.items() if name is not None}
    keys = set().union(*(counts[n].keys() for n in names.values()))
    return {key: Figure(**{field: Decimal(counts[n].get(key) or 0) for field, n in names.items()})
            for key in keys}


def _spans(period, span):
    """The date ranges of a report's figures: the span, the quarter before (one-quarter
    spans only), the year to date, everything so far, the same span a year ago."""
    ago = span.year_ago()
    prev_end = period.start_date - datetime.timedelta(days=1)
    prev_year, prev_quarter = _previous(period)
    return {
        "quarter": (span.start_date, span.end_date),
        "previous": (quarters.start(prev_year, prev_quarter), prev_end),
        "ytd": (datetime.date(period.year, 1, 1), period.end_date),
        "cumulative": (EPOCH, period.end_date),
        "year_ago": (ago.start_date, ago.end_date),
    }, prev_end, ago.end_date


def registry_figures(period, communes=None, by_commune=False, span=None):
    """Figures computed from registries: {code: {commune_id or None: Figure}}.

    ``span`` (by default the period's quarter; ``period`` is its last quarter): a flow
    counts the records dated in the span, a stock counts them at the span's end; the
    year before's same span gives ``year_ago``. Four queries whatever the period, the
    span or the number of communes: model areas, model gardens, and the communes' NTM
    levels at the three ends (the span's, the quarter before's, the year before's).
    """
    span = _span_of(period, span)
    spans, prev_end, ago_end = _spans(period, span)
    end = period.end_date
    areas, gardens = ModelArea.objects.all(), ModelGarden.objects.all()
    levels = Commune.objects.all()
    if communes is not None:
        areas = areas.filter(village__commune__in=communes)
        gardens = gardens.filter(village__commune__in=communes)
        levels = levels.filter(pk__in=communes)
    path = "village__commune_id"
    new = {f"new_{name}": recognised_between_q(*span_) for name, span_ in spans.items()}
    area = _counts(areas, path, by_commune, {
        "building": building_q(end), "building_before": building_q(prev_end),
        "building_ago": building_q(ago_end),
        "total": recognised_q(end), "total_before": recognised_q(prev_end),
        "total_ago": recognised_q(ago_end), **new})
    garden = _counts(gardens, path, by_commune, new)
    levels = (levels.with_level(end, "now").with_level(prev_end, "before")
              .with_level(ago_end, "ago"))
    level = _counts(levels, "pk", by_commune, {
        "standard": Q(now__gte=NtmLevel.STANDARD),
        "standard_before": Q(before__gte=NtmLevel.STANDARD),
        "standard_ago": Q(ago__gte=NtmLevel.STANDARD),
        "advanced": Q(now__gte=NtmLevel.ADVANCED),
        "advanced_before": Q(before__gte=NtmLevel.ADVANCED),
        "advanced_ago": Q(ago__gte=NtmLevel.ADVANCED)})
    flow = ("new_quarter", "new_previous", "new_ytd", "new_cumulative", "new_year_ago")
    result = {
        "ntm-model-areas-building": _figures(area, "building", "building_before",
                                             year_ago="building_ago"),
        "ntm-model-areas-new": _figures(area, *flow),
        "ntm-model-areas-total": _figures(area, "total", "total_before", year_ago="total_ago"),
        "ntm-model-gardens-new": _figures(garden, *flow),
        "ntm-communes-standard": _figures(level, "standard", "standard_before",
                                          year_ago="standard_ago"),
        "ntm-communes-advanced": _figures(level, "advanced", "advanced_before",
                                          year_ago="advanced_ago"),
    }
    if not span.is_quarter:
        for per_key in result.values():
            for figure in per_key.values():
                figure.previous = None  # "the quarter before" belongs to one-quarter reports
    return result


# The computed figures and the registry each is counted from.
REGISTRY_OF = {
    "ntm-model-areas-building": "areas", "ntm-model-areas-new": "areas",
    "ntm-model-areas-total": "areas", "ntm-model-gardens-new": "gardens",
    "ntm-communes-standard": "recognitions", "ntm-communes-advanced": "recognitions",
}


def unrecorded_codes(communes):
    """Computed figures whose registry holds no record at all for ``communes``: nobody
    entered them, so they are unknown, not 0. Three queries whatever the size."""
    from communes.models import NtmRecognition

    held = {
        "areas": ModelArea.objects.filter(village__commune__in=communes).exists(),
        "gardens": ModelGarden.objects.filter(village__commune__in=communes).exists(),
        "recognitions": NtmRecognition.objects.filter(commune__in=communes).exists(),
    }
    return {code for code, registry in REGISTRY_OF.items() if not held[registry]}


def reached_in_year(period, communes, level):
    """Communes of ``communes`` recognised at ``level`` or above by a decision of the
    period's year, dated by the period's end (undated ones: the year suffices)."""
    from communes.models import NtmRecognition

    return NtmRecognition.objects.filter(
        commune__in=communes, level__gte=level, year=period.year,
    ).filter(Q(decision_date__lte=period.end_date) | Q(decision_date__isnull=True)).values(
        "commune").distinct().count()


def figures(period, communes=None, statuses=APPROVED, extra=None, entered=None, span=None):
    """District totals: {indicator code: Figure} for every active catalogue indicator.

    ``extra`` maps codes to {None: Figure} computed elsewhere (OCOP, by the reports app);
    ``entered`` replaces ``entered_values(period, communes, statuses)`` when the caller
    has the same figures from elsewhere (the reports' roll-ups).
    """
    indicators = list(Indicator.objects.filter(is_active=True))
    if entered is None:
        entered = entered_values(period, communes, statuses, span=span)
    computed = registry_figures(period, communes, span=span)
    if extra:
        computed.update(extra)
    result = {}
    for indicator in indicators:
        if indicator.code in computed:
            result[indicator.code] = computed[indicator.code].get(None, Figure())
        else:
            result[indicator.code] = entered.get((None, indicator.pk), Figure())
    return result


def figures_by_commune(period, communes=None, statuses=APPROVED, extra=None, quarter_only=False,
                       span=None):
    """Per commune: {commune_id: {indicator code: Figure}}.

    ``quarter_only``: entered figures hold the quarter's value only (see ``entered_values``);
    registry figures are complete either way.
    """
    indicators = list(Indicator.objects.filter(is_active=True))
    entered = entered_values(period, communes, statuses, by_commune=True,
                             quarter_only=quarter_only, span=span)
    computed = registry_figures(period, communes, by_commune=True, span=span)
    if extra:
        computed.update(extra)
    result = defaultdict(dict)
    by_id = {indicator.pk: indicator.code for indicator in indicators}
    for (commune_id, indicator_id), figure in entered.items():
        if indicator_id in by_id and by_id[indicator_id] not in computed:
            result[commune_id][by_id[indicator_id]] = figure
    for code, per_commune in computed.items():
        for commune_id, figure in per_commune.items():
            result[commune_id][code] = figure
    return result


def targets_for(year, district, codes=None):
    """The year's district targets: {indicator code: Target}."""
    qs = Target.objects.filter(year=year, district=district, commune__isnull=True).select_related(
        "indicator"
    )
    if codes is not None:
        qs = qs.filter(indicator__code__in=codes)
    return {target.indicator.code: target for target in qs}


def criteria_set_for(period, level="commune_standard"):
    return CriteriaSet.in_force(level, period.end_date)


def criteria_matrix(period, communes=None, statuses=APPROVED):
    """Assessments of the quarter: {commune_id: {criterion number: is_met}} in one query."""
    qs = CriterionAssessment.objects.filter(
        submission__period=period, submission__status__in=statuses
    )
    if communes is not None:
        qs = qs.filter(submission__commune__in=communes)
    matrix = defaultdict(dict)
    for commune_id, number, is_met in qs.values_list(
        "submission__commune_id", "criterion__number", "is_met"
    ):
        matrix[commune_id][number] = is_met
    return matrix


def share_done(figure, target, kind):
    """Percent of the target done: year to date for flows, the level for stocks."""
    if target is None or figure is None:
        return None
    achieved = figure.ytd if kind == IndicatorKind.FLOW else figure.quarter
    return target.share_done(achieved)


def criteria_met_over_time(communes=None, statuses=APPROVED):
    """Criteria met per commune and quarter, in one query.

    {commune_id: {(year, quarter): (met, assessed)}}, for the commune pages' history.
    """
    qs = CriterionAssessment.objects.filter(submission__status__in=statuses)
    if communes is not None:
        qs = qs.filter(submission__commune__in=communes)
    rows = qs.values("submission__commune_id", "submission__period__year",
                     "submission__period__quarter").annotate(
        met=Count("pk", filter=Q(is_met=True)), assessed=Count("pk")).order_by()
    result = defaultdict(dict)
    for row in rows:
        key = (row["submission__period__year"], row["submission__period__quarter"])
        result[row["submission__commune_id"]][key] = (row["met"], row["assessed"])
    return result


@dataclass
class CriteriaSummary:
    """One commune's assessments in a quarter: counts, and the criteria not met by number.

    ``not_met`` holds False (not met) or None (not assessed yet) by criterion number;
    ``met_numbers`` is filled only for communes whose assessment is incomplete (fewer
    rows than criteria), where "not in not_met" does not mean "met".
    """

    met: int = 0
    assessed: int = 0
    not_met: dict = None
    met_numbers: set = None

    def is_met(self, number, complete):
        if number in self.not_met:
            return self.not_met[number]
        if complete:
            return True
        return True if number in self.met_numbers else None


def criteria_summary(period, communes=None, statuses=APPROVED, total=None):
    """Per commune: ``CriteriaSummary`` in three queries, for large districts.

    The same data as ``criteria_matrix`` without moving every met cell out of the
    database: counts per commune, the rows not met (a few percent), and the met rows
    of communes assessed on fewer than ``total`` criteria.
    """
    qs = CriterionAssessment.objects.filter(
        submission__period=period, submission__status__in=statuses
    )
    if communes is not None:
        qs = qs.filter(submission__commune__in=communes)
    result = defaultdict(lambda: CriteriaSummary(0, 0, {}, set()))
    counts = qs.values("submission__commune_id").annotate(
        met=Count("pk", filter=Q(is_met=True)), assessed=Count("pk")).order_by()
    for row in counts:
        summary = result[row["submission__commune_id"]]
        summary.met, summary.assessed = row["met"], row["assessed"]
    for commune_id, number, is_met in qs.exclude(is_met=True).values_list(
            "submission__commune_id", "criterion__number", "is_met"):
        result[commune_id].not_met[number] = is_met
    if total:
        incomplete = (qs.values("submission__commune_id").annotate(n=Count("pk"))
                      .filter(n__lt=total).values("submission__commune_id"))
        for commune_id, number in qs.filter(
                is_met=True, submission__commune_id__in=incomplete).values_list(
                "submission__commune_id", "criterion__number"):
            result[commune_id].met_numbers.add(number)
    return dict(result)


def trend(periods, codes, communes=None, statuses=APPROVED):
    """The quarter's value of ``codes`` in each of ``periods``: {code: [value per period]}.

    A fixed number of queries whatever the number of periods or communes: one grouped
    query over the entered values of all the periods at once (rows, not model
    objects), one per registry with a conditional count per period, and one for the
    NTM levels when a level code is asked for. The values equal ``figures(period)``'s
    ``quarter`` for each period (tested).
    """
    periods = list(periods)
    codes = list(codes)
    result = {code: [None] * len(periods) for code in codes}
    if not periods or not codes:
        return result
    index = {period.pk: i for i, period in enumerate(periods)}
    indicators = {code: (pk, aggregation) for pk, code, aggregation in Indicator.objects.filter(
        code__in=codes).order_by().values_list("pk", "code", "aggregation")}
    computed = _trend_registries(periods, [c for c in codes if c in REGISTRY_CODES], communes)
    for code, values in computed.items():
        result[code] = values
    entered = {pk: code for code, (pk, _agg) in indicators.items() if code not in computed}
    if entered:
        values = IndicatorValue.objects.filter(
            submission__period_id__in=list(index), indicator_id__in=list(entered))
        if statuses is not None:
            values = values.filter(submission__status__in=statuses)
        if communes is not None:
            values = values.filter(submission__commune__in=communes)
        rows = (values.order_by().values("submission__period_id", "indicator_id")
                .annotate(total=Sum("value"), mean=Avg("value"))
                .values_list("submission__period_id", "indicator_id", "total", "mean"))
        for period_id, indicator_id, total, mean in rows:
            code = entered[indicator_id]
            value = _round(mean) if indicators[code][1] == Aggregation.MEAN else total
            result[code][index[period_id]] = value
    return result


# Codes computed from the registries (see ``registry_figures``).
REGISTRY_CODES = {
    "ntm-model-areas-building", "ntm-model-areas-new", "ntm-model-areas-total",
    "ntm-model-gardens-new", "ntm-communes-standard", "ntm-communes-advanced",
}


def _trend_registries(periods, codes, communes):
    """{code: [quarter value per period]} for registry codes, one query per registry."""
    if not codes:
        return {}
    result = {}
    area_conditions = {}
    for i, period in enumerate(periods):
        start, end = period.start_date, period.end_date
        if "ntm-model-areas-new" in codes:
            area_conditions[f"new_{i}"] = recognised_between_q(start, end)
        if "ntm-model-areas-building" in codes:
            area_conditions[f"building_{i}"] = building_q(end)
        if "ntm-model-areas-total" in codes:
            area_conditions[f"total_{i}"] = recognised_q(end)
    if area_conditions:
        areas = ModelArea.objects.all()
        if communes is not None:
            areas = areas.filter(village__commune__in=communes)
        counts = areas.aggregate(**{k: Count("pk", filter=q) for k, q in area_conditions.items()})
        for code, prefix in (("ntm-model-areas-new", "new"), ("ntm-model-areas-building", "building"),
                             ("ntm-model-areas-total", "total")):
            if code in codes:
                result[code] = [Decimal(counts[f"{prefix}_{i}"] or 0) for i in range(len(periods))]
    if "ntm-model-gardens-new" in codes:
        gardens = ModelGarden.objects.all()
        if communes is not None:
            gardens = gardens.filter(village__commune__in=communes)
        counts = gardens.aggregate(**{
            f"new_{i}": Count("pk", filter=recognised_between_q(p.start_date, p.end_date))
            for i, p in enumerate(periods)})
        result["ntm-model-gardens-new"] = [Decimal(counts[f"new_{i}"] or 0)
                                           for i in range(len(periods))]
    levels = {"ntm-communes-standard": NtmLevel.STANDARD, "ntm-communes-advanced": NtmLevel.ADVANCED}
    asked = [code for code in levels if code in codes]
    if asked:
        qs = Commune.objects.all()
        if communes is not None:
            qs = qs.filter(pk__in=communes)
        for i, period in enumerate(periods):
            qs = qs.with_level(period.end_date, f"level_{i}")
        counts = qs.aggregate(**{
            f"{code}_{i}": Count("pk", filter=Q(**{f"level_{i}__gte": levels[code]}))
            for code in asked for i in range(len(periods))})
        for code in asked:
            result[code] = [Decimal(counts[f"{code}_{i}"] or 0) for i in range(len(periods))]
    return result
