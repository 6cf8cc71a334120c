"""The quarterly figures: one computation for forms, dashboards, narrative and exports.

For every catalogue indicator a ``Figure`` holds the quarter's value, the previous
quarter's, the year to date and the cumulative value. A flow (houses renovated) sums
over quarters; a stock (poor households) takes the quarter's level for all three.
Entered figures come from ``IndicatorValue`` (and ``DistrictValue`` for figures the
district's staff enter); computed ones from the computation each indicator names
(``communes.computations``: registries, NTM recognitions, OCOP). How a unit's figure
is formed from its communes' is decided once, by ``combine`` and ``ratio_of``. Every
function runs a fixed number of SQL queries, whatever the number of communes. The
domain's rules of aggregation: docs/DOMAIN.md#how-figures-aggregate.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Count, Q, Sum

from communes.choices import SubmissionStatus
from communes.computations import by_group, groups
from ntm_portal import quarters

from .choices import Aggregation, IndicatorKind, IndicatorSource
from .models import (
    CriteriaSet,
    CriterionAssessment,
    DistrictValue,
    Indicator,
    IndicatorValue,
    Target,
)

APPROVED = (SubmissionStatus.APPROVED,)
APPROVED_OR_SUBMITTED = (SubmissionStatus.APPROVED, SubmissionStatus.SUBMITTED)
EPOCH = datetime.date(1900, 1, 1)


@dataclass
class Figure:
    """A figure of a report: ``quarter`` is the value of the report's span (a quarter, or
    several quarters of a year: ``ntm_portal.spans.Span``), ``previous`` the quarter
    before (one-quarter spans only), ``ytd`` and ``cumulative`` run to the span's end,
    ``year_ago`` is the same span of the previous year."""

    quarter: Decimal | None = None
    previous: Decimal | None = None
    ytd: Decimal | None = None
    cumulative: Decimal | None = None
    # A ratio's parts in the quarter (``ratio_of``), shown beside it.
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    year_ago: Decimal | None = None
    # False when the two sides count different things: a count of units across a merger
    # (the new units do not inherit their predecessors' level). Both values stay shown;
    # no change is computed between them.
    comparable: bool = True

    @property
    def change(self):
        """Year-on-year change, or None when either side is unknown (``year_on_year``) or
        the two are not comparable."""
        return year_on_year(self.quarter, self.year_ago)[0] if self.comparable else None

    @property
    def change_percent(self):
        return year_on_year(self.quarter, self.year_ago)[1] if self.comparable else None


def year_on_year(value, year_ago):
    """(change, change in percent) of a figure against the same span of the previous year.

    Unknown on either side (None) gives (None, None), never 0; the percentage is None
    when last year's value is 0 (no base to compare with)."""
    if value is None or year_ago is None:
        return None, None
    change = value - year_ago
    if not year_ago:
        return change, None
    percent = (Decimal(change) * 100 / Decimal(year_ago)).quantize(Decimal("0.1"))
    return change, percent


@dataclass(frozen=True)
class SpanDates:
    """A span as the computations read a period: ``year``, ``quarter`` (the span's last),
    ``start_date`` and ``end_date`` (the span's). A flow counted between the dates is the
    span's flow, a level counted at ``end_date`` the span's level.

    ``wants_previous`` is False: the figure of a span has no "quarter before" and a year
    ago's keeps its ``quarter`` alone (``computed_values``), so a computation may leave
    out the previous quarter's column (a ``ReportingPeriod`` has no such attribute: every
    column is wanted)."""

    year: int
    quarter: int
    start_date: datetime.date
    end_date: datetime.date
    wants_previous: bool = False

    @classmethod
    def of(cls, span):
        return cls(span.year, span.last, span.start_date, span.end_date)


def _span_of(period, span):
    from ntm_portal.spans import Span

    return span if span is not None else Span.quarter(period.year, period.quarter)


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


def value_sums(values, keys, columns):
    """Rows ``(*keys, total, count, total, count…)`` of ``values`` (an ``IndicatorValue``
    queryset) grouped by ``keys``: for each of ``columns`` ({name: Q or None}), the sum
    and the number of the values it selects. The only SQL sum of entered values; what the
    sums become is ``combine``'s rule."""
    annotations = {}
    for name, condition in columns.items():
        annotations[f"{name}_total"] = Sum("value", filter=condition)
        annotations[f"{name}_count"] = Count("value", filter=condition)
    return values.order_by().values(*keys).annotate(**annotations).values_list(
        *keys, *annotations)


def _pairs(cells):
    return [(cells[i], cells[i + 1]) for i in range(0, len(cells), 2)]


def combine(kind, aggregation, quarter=None, previous=None, ytd=None, cumulative=None,
            span=None):
    """A unit's figure from its communes' values: the one rule (docs/DOMAIN.md#how-figures-aggregate).

    Each argument is ``(total, count)`` of the communes' values over the column's
    quarters: the quarter, the previous quarter, the year's quarters to date, every
    quarter to date (None: not asked). A flow's year to date and cumulative are the sums
    over their quarters; a stock is a level, so all three columns show the quarter's; a
    rate averaged over communes is the quarter's total ÷ the communes that reported it.
    A ratio indicator is formed from its parts' figures by ``ratio_of``.

    ``span``: a report over several quarters (``ntm_portal.spans.Span``) passes the
    ``(total, count)`` summed over the span's quarters, ``quarter`` being then its last
    quarter: a flow's figure is the span's sum, a level (a stock, a rate) the last
    quarter's.
    """
    this, last = _level(aggregation, quarter), _level(aggregation, previous)
    if kind == IndicatorKind.STOCK:
        return Figure(this, last, this, this)
    if span is not None:  # a flow (only a stock may be averaged): the span's sum
        this = _level(aggregation, span)
    return Figure(this, last, ytd[0] if ytd else None, cumulative[0] if cumulative else None)


def _level(aggregation, cell):
    """A column of ``combine`` from its ``(total, count)``: the total, or for a rate
    averaged over communes the total ÷ the communes that reported it."""
    if cell is None:
        return None
    total, count = cell
    if aggregation == Aggregation.MEAN:
        return _round(total / count) if count and total is not None else None
    return total


def ratio_of(numerator, denominator, scale=1):
    """A ratio indicator's figure: Σ numerator ÷ Σ denominator in each column (× ``scale``,
    100 for a percentage), never an average of the communes' ratios; the quarter's parts
    are kept to be shown beside it ("3,2% (412/12.875)")."""
    def divide(top, bottom):
        return _divided(top, bottom, scale)

    numerator, denominator = numerator or Figure(), denominator or Figure()
    return Figure(
        divide(numerator.quarter, denominator.quarter),
        divide(numerator.previous, denominator.previous),
        divide(numerator.ytd, denominator.ytd),
        divide(numerator.cumulative, denominator.cumulative),
        numerator=numerator.quarter, denominator=denominator.quarter,
        year_ago=divide(numerator.year_ago, denominator.year_ago),
    )


def _divided(top, bottom, scale):
    """One column of a ratio (``ratio_of``): None without a numerator or a denominator."""
    if top is None or not bottom:
        return None
    return _round(Decimal(top) * scale / Decimal(bottom))


def entered_values(period, communes=None, statuses=None, by_commune=False, quarter_only=False,
                   span=None):
    """Entered figures: {(commune_id or None, indicator_id): Figure} in one query.

    ``period`` is the report's last quarter; ``span`` (a ``ntm_portal.spans.Span``, by
    default the quarter alone) is what ``Figure.quarter`` covers and, with the same span
    of the previous year, ``Figure.year_ago`` (both by ``combine``; a longer span leaves
    ``previous`` empty). ``quarter_only`` reads the span's values alone (an index range,
    not every earlier quarter): only ``Figure.quarter`` is then filled, the rest stays None.
    """
    span = _span_of(period, span)
    if quarter_only:
        values = IndicatorValue.objects.filter(
            _quarters_q("submission__period__", span.year, span.first, span.last))
    else:
        values = IndicatorValue.objects.filter(_until_q("submission__period__", period))
    if statuses is not None:
        values = values.filter(submission__status__in=statuses)
    if communes is not None:
        values = values.filter(submission__commune__in=communes)
    if quarter_only and by_commune and span.is_quarter:
        # One submission per commune and quarter: each row is its commune's quarter, no
        # grouping needed; the figure is still formed by ``combine`` (one value, count 1).
        rows = values.order_by().values_list("submission__commune_id", "indicator_id",
                                             "indicator__kind", "indicator__aggregation",
                                             "value")
        return {(commune_id, indicator_id): combine(kind, aggregation,
                                                    (value, 0 if value is None else 1))
                for commune_id, indicator_id, kind, aggregation, value
                in rows.iterator(chunk_size=5000)}
    keys = ["indicator_id", "indicator__kind", "indicator__aggregation"] + (
        ["submission__commune_id"] if by_commune else [])
    columns = _columns("submission__period__", period, quarter_only, span)
    result = {}
    # Rows, not dicts: at 10,000 communes this loop runs 130,000 times.
    for indicator_id, kind, aggregation, *rest in value_sums(values, keys, columns):
        commune_id = rest.pop(0) if by_commune else None
        result[(commune_id, indicator_id)] = _spanned(kind, aggregation, columns,
                                                      _pairs(rest), span)
    return result


def _columns(prefix, period, quarter_only=False, span=None):
    """The quarters each column of a ``Figure`` reads, as conditions on the period:
    the four columns of ``combine``, then the span's quarters (a longer span) and the
    same span a year before (its last quarter and all its quarters)."""
    span = _span_of(period, span)
    columns = {"quarter": _period_q(prefix, period)}
    if not quarter_only:
        prev_year, prev_quarter = _previous(period)
        columns["previous"] = Q(**{f"{prefix}year": prev_year, f"{prefix}quarter": prev_quarter})
        columns["ytd"] = _until_q(prefix, period, same_year=True)
        columns["cumulative"] = None
    if not span.is_quarter:
        columns["span"] = _quarters_q(prefix, span.year, span.first, span.last)
    if not quarter_only:
        ago = span.year_ago()
        columns["ago"] = Q(**{f"{prefix}year": ago.year, f"{prefix}quarter": ago.last})
        if not ago.is_quarter:
            columns["ago_span"] = _quarters_q(prefix, ago.year, ago.first, ago.last)
    return columns


def _quarters_q(prefix, year, first, last):
    return Q(**{f"{prefix}year": year, f"{prefix}quarter__gte": first,
                f"{prefix}quarter__lte": last})


def _spanned(kind, aggregation, columns, pairs, span):
    """A figure from the (total, count) pairs of ``_columns``, each span by ``combine``."""
    cells = dict(zip(columns, pairs))
    figure = combine(kind, aggregation, cells["quarter"], cells.get("previous"),
                     cells.get("ytd"), cells.get("cumulative"), span=cells.get("span"))
    if not span.is_quarter:
        figure.previous = None  # "the quarter before" belongs to one-quarter reports
    if "ago" in cells:
        figure.year_ago = combine(kind, aggregation, cells["ago"],
                                  span=cells.get("ago_span")).quarter
    return figure


def district_values(period, district, indicators, span=None):
    """Figures the district's staff entered for the whole district (``DistrictReport``):
    {indicator_id: Figure}, one query, by the same rule as the communes' figures."""
    wanted = [i.pk for i in indicators if i.source == IndicatorSource.DISTRICT]
    if not wanted:
        return {}
    span = _span_of(period, span)
    values = DistrictValue.objects.filter(
        _until_q("report__period__", period), report__district=district, indicator_id__in=wanted)
    columns = _columns("report__period__", period, span=span)
    rows = value_sums(values, ["indicator_id", "indicator__kind", "indicator__aggregation"],
                      columns)
    return {pk: _spanned(kind, aggregation, columns, _pairs(rest), span)
            for pk, kind, aggregation, *rest in rows}


def entered_from_quarters(period, sums, span=None):
    """``entered_values(period, span=span)``'s district figures from sums kept per
    quarter (the reports' roll-ups): ``sums`` is {(year, quarter): {indicator_id: (total,
    count)}}."""
    span = _span_of(period, span)
    ago = span.year_ago()
    previous = _previous(period)
    here = (period.year, period.quarter)
    indicators = Indicator.objects.values_list("pk", "kind", "aggregation")
    result = {}

    def over(pk, of):
        return _summed([sums[(of.year, q)][pk] for q in of.quarters
                        if pk in sums.get((of.year, q), {})]) if not of.is_quarter else None

    for pk, kind, aggregation in indicators:
        cells = [(key, values[pk]) for key, values in sums.items()
                 if pk in values and key <= here]
        if not cells:
            continue
        ytd = [cell for key, cell in cells if key[0] == period.year]
        figure = combine(
            kind, aggregation, sums.get(here, {}).get(pk), sums.get(previous, {}).get(pk),
            _summed(ytd), _summed([cell for _key, cell in cells]), span=over(pk, span))
        if not span.is_quarter:
            figure.previous = None  # "the quarter before" belongs to one-quarter reports
        figure.year_ago = combine(kind, aggregation, sums.get((ago.year, ago.last), {}).get(pk),
                                  span=over(pk, ago)).quarter
        result[(None, pk)] = figure
    return result


def _summed(cells):
    """The (total, count) of several quarters' (total, count)."""
    total, count = None, 0
    for cell_total, cell_count in cells:
        if cell_total is not None:
            total = cell_total if total is None else total + cell_total
        count += cell_count or 0
    return (total, count) if cells else None


def _round(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def counts_of(queryset, commune_path, by_commune, conditions, distinct=False):
    """{name: {commune_id or None: count}} for every condition, in one query."""
    annotations = {name: Count("pk", filter=q, distinct=distinct)
                   for name, q in conditions.items()}
    if by_commune:
        rows = list(queryset.values(commune_path).annotate(**annotations).order_by()
                    .values_list(commune_path, *annotations))
        return {name: {row[0]: row[column] for row in rows}
                for column, name in enumerate(conditions, start=1)}
    totals = queryset.aggregate(**annotations)
    return {name: {None: totals[name]} for name in conditions}


class _Counts(dict):
    """Counts as Decimals: ``_COUNTS[n]``, None being 0. The small ones (a district's
    per-commune counts) are made once and looked up without a call in Python."""

    def __missing__(self, n):
        return Decimal(n)


_COUNTS = _Counts({n: Decimal(n) for n in range(256)})
_COUNTS[None] = _COUNTS[0]


def _count(n):
    """A count as a Decimal (None: 0)."""
    return _COUNTS[n or 0]


def figures_of(counts, quarter, previous, ytd=None, cumulative=None):
    """Figures from named counts, as the tuple of their columns (quarter, previous
    quarter, year to date, cumulative: ``communes.computations``); a level repeats itself
    for year to date and cumulative."""
    this, last = counts[quarter], counts[previous]
    year, ever = counts[ytd or quarter], counts[cumulative or quarter]
    keys = set().union(this, last, year, ever)
    number = _COUNTS  # a count is an int or None (nothing counted)
    return {key: (number[this.get(key)], number[last.get(key)], number[year.get(key)],
                  number[ever.get(key)]) for key in keys}


def spans(period):
    """The date spans of a quarter's columns, and the previous quarter's end."""
    prev_end = period.start_date - datetime.timedelta(days=1)
    prev_year, prev_quarter = _previous(period)
    return {
        "quarter": (period.start_date, period.end_date),
        "previous": (quarters.start(prev_year, prev_quarter), prev_end),
        "ytd": (datetime.date(period.year, 1, 1), period.end_date),
        "cumulative": (EPOCH, period.end_date),
    }, prev_end


def computed_values(period, indicators, communes=None, by_commune=False, span=None):
    """Figures of the computed indicators among ``indicators``:
    {computation: {commune_id or None: Figure}}; two queries per group of computations
    (the span's, and the same span a year before for ``Figure.year_ago``).

    A group computes over any dates: a span longer than a quarter is passed as
    ``SpanDates`` (its flows counted between its first and last day, its levels at its
    end), so a computed figure over a span follows the same rule as a quarter's."""
    span = _span_of(period, span)
    keys = {i.computation for i in indicators if i.source == IndicatorSource.COMPUTED}
    over = period if span.is_quarter else SpanDates.of(span)
    ago = SpanDates.of(span.year_ago())
    result = {}
    for group, asked in by_group(sorted(keys)).items():
        before = group.compute(ago, communes, by_commune, asked)
        for key, per_commune in group.compute(over, communes, by_commune, asked).items():
            then = before.get(key, {})
            result[key] = {commune_id: _as_figure(figure, then.get(commune_id), span)
                           for commune_id, figure in per_commune.items()}
    return result


def _as_figure(figure, year_ago, span):
    figure = replace(figure) if isinstance(figure, Figure) else Figure(*figure)
    if year_ago is not None:
        figure.year_ago = (year_ago if isinstance(year_ago, Figure) else Figure(*year_ago)).quarter
    if not span.is_quarter:
        figure.previous = None  # "the quarter before" belongs to one-quarter reports
    return figure


def unrecorded_codes(communes, indicators, balance=None):
    """Computed figures among ``indicators`` (the unit's) whose data holds no record at all
    for ``communes``: nobody entered them, so they are unknown, not 0. One query per group
    whatever the size. A code the unit's opening ``balance`` carries is known."""
    computed = {i.code: i.computation for i in indicators
                if i.source == IndicatorSource.COMPUTED}
    held = {}
    for group in by_group(sorted(set(computed.values()))):
        held[group.name] = group.recorded is None or group.recorded(communes)
    known = groups()
    carried = set(balance.amounts) if balance is not None else set()
    return {code for code, key in computed.items()
            if (key not in known or not held[known[key].name]) and code not in carried}


def reached_in_year(period, communes, level):
    """Communes of ``communes`` recognised at ``level`` or above by a decision of the
    period's year, dated by the period's end (undated ones: the year suffices)."""
    from communes.models import NtmRecognition

    return NtmRecognition.objects.filter(
        commune__in=communes, level__gte=level, year=period.year,
    ).filter(Q(decision_date__lte=period.end_date) | Q(decision_date__isnull=True)).values(
        "commune").distinct().count()


def _unit_figure(indicator, entered, computed, commune_id=None):
    """One indicator's figure for a commune (or None: the set of communes)."""
    if indicator.source == IndicatorSource.COMPUTED:
        return computed.get(indicator.computation, {}).get(commune_id)
    if indicator.source == IndicatorSource.RATIO:
        numerator = entered.get((commune_id, indicator.numerator_id))
        denominator = entered.get((commune_id, indicator.denominator_id))
        if numerator is None and denominator is None:
            return None
        return ratio_of(numerator, denominator, indicator.ratio_scale)
    return entered.get((commune_id, indicator.pk))


def figures(period, communes=None, statuses=APPROVED, entered=None, district=None,
            balance=None, indicators=None, span=None):
    """A unit's totals: {indicator code: Figure} for ``indicators`` (a unit's, from
    ``criteria.catalogue.effective_indicators``), by default the catalogue's active ones.

    ``entered`` replaces ``entered_values(period, communes, statuses)`` when the caller
    has the same figures from elsewhere (the reports' roll-ups). ``district``: the figures its staff entered
    for the whole district (indicators entered by district staff) are read too.
    ``balance``: the unit's ``OpeningBalance`` when ``communes`` are its whole district
    (``with_balance``). ``span``: the report's span (``period`` is its last quarter), by
    default the quarter; every figure's ``year_ago`` is the same span a year before.
    """
    if indicators is None:
        indicators = list(Indicator.objects.filter(is_active=True))
    if entered is None:
        entered = entered_values(period, communes, statuses, span=span)
    computed = computed_values(period, indicators, communes, span=span)
    unit = (district_values(period, district, indicators, span)
            if district is not None else {})
    result = {}
    for indicator in indicators:
        if indicator.source == IndicatorSource.DISTRICT:
            figure = unit.get(indicator.pk)
        else:
            figure = _unit_figure(indicator, entered, computed)
        result[indicator.code] = figure or Figure()
    return with_balance(result, indicators, balance, period, communes, statuses, span)


# Computations an opening balance may carry, beside the entered flows: levels (a count on
# a day: every column counts from the balance) and flows (the cumulative column does).
BALANCE_LEVEL_COMPUTATIONS = ("model-areas-total", "communes-standard", "communes-advanced")
BALANCE_COMPUTATIONS = ("model-areas-new", "model-gardens-new") + BALANCE_LEVEL_COMPUTATIONS


def balance_indicators(district):
    """The indicators of ``district`` an opening balance carries: entered flows (their
    cumulative counts since the programme began) and the registry counts, among those the
    unit uses. docs/DOMAIN.md#opening-balances"""
    from .catalogue import effective_indicators

    return [i for i in effective_indicators(district)
            if (i.source == IndicatorSource.ENTERED and i.kind == IndicatorKind.FLOW)
            or (i.source == IndicatorSource.COMPUTED and i.computation in BALANCE_COMPUTATIONS)]


def _balance_level(indicator):
    return (indicator.source == IndicatorSource.COMPUTED
            and indicator.computation in BALANCE_LEVEL_COMPUTATIONS)


def balance_base(balance):
    """The quarter that ends on the balance's date (an unsaved period: only its dates count)."""
    from communes.models import ReportingPeriod

    year, quarter = quarters.quarter_of(balance.as_of)
    return ReportingPeriod(year=year, quarter=quarter)


def with_balance(result, indicators, balance, period, communes, statuses, span=None):
    """District figures counted from the unit's opening balance: {code: Figure}.

    From the balance's date on, a figure is the balance plus what the records add after
    that date: the raw figure less the raw figure at the balance's quarter (entries up
    to that date are inside the balance). Flows: the cumulative column; levels (model
    areas recognised, communes at a level): every column from the balance's quarter.
    A few more queries when there is a balance, whatever the size. Over a ``span``, a
    level's figure is at the span's end, as is its ``year_ago`` a year before.
    """
    span = _span_of(period, span)
    ago_end = span.year_ago().end_date
    if balance is None or period.end_date < balance.as_of or not balance.amounts:
        return result
    amounts = balance.decimal_amounts()
    carried = [i for i in indicators if amounts.get(i.code) is not None and i.code in result]
    if not carried:
        return result
    base = balance_base(balance)
    entered_before = entered_values(base, communes, statuses)
    computed_before = computed_values(base, carried, communes)
    previous_end = period.start_date - datetime.timedelta(days=1)
    for indicator in carried:
        amount = amounts[indicator.code]
        if indicator.source == IndicatorSource.COMPUTED:
            before = computed_before.get(indicator.computation, {}).get(None) or Figure()
        else:
            before = entered_before.get((None, indicator.pk), Figure())
        figure = replace(result[indicator.code])
        if _balance_level(indicator):
            for name in ("quarter", "ytd", "cumulative") + (
                    ("previous",) if previous_end >= balance.as_of and span.is_quarter else ()
            ) + (("year_ago",) if ago_end >= balance.as_of else ()):
                setattr(figure, name, amount + (getattr(figure, name) or 0) - (
                    before.quarter or 0))
        else:
            figure.cumulative = amount + (figure.cumulative or 0) - (before.cumulative or 0)
        result[indicator.code] = figure
    return result


def balance_trend(result, periods, balance, communes, indicators):
    """Levels of the trend counted from the opening balance, as ``with_balance`` does:
    {code: [value per period]} changed in place for the registry levels it carries."""
    if balance is None:
        return result
    amounts = balance.decimal_amounts()
    levels = {i.code: i.computation for i in indicators
              if i.code in result and i.code in amounts and _balance_level(i)}
    if not levels:
        return result
    before = {}
    for group, asked in by_group(sorted(set(levels.values()))).items():
        before.update(group.trend([balance_base(balance)], communes, asked))
    for code, key in levels.items():
        start = before.get(key, [None])[0]
        result[code] = [
            value if period.end_date < balance.as_of
            else amounts[code] + (value or 0) - (start or 0)
            for value, period in zip(result[code], periods)]
    return result


def figures_by_commune(period, communes=None, statuses=APPROVED, quarter_only=False,
                       indicators=None, span=None):
    """Per commune: {commune_id: {indicator code: Figure}}.

    ``quarter_only``: entered figures hold the quarter's value only (see ``entered_values``);
    computed figures are complete either way. ``indicators``: a unit's (as for ``figures``).
    """
    if indicators is None:
        indicators = list(Indicator.objects.filter(is_active=True))
    entered = entered_values(period, communes, statuses, by_commune=True,
                             quarter_only=quarter_only, span=span)
    computed = computed_values(period, indicators, communes, by_commune=True, span=span)
    result = defaultdict(dict)
    by_id = {i.pk: i.code for i in indicators if i.source == IndicatorSource.ENTERED}
    for (commune_id, indicator_id), figure in entered.items():  # the large loop: rows only
        code = by_id.get(indicator_id)
        if code is not None:
            result[commune_id][code] = figure
    commune_ids = {commune_id for commune_id, _pk in entered}
    for indicator in indicators:
        if indicator.source == IndicatorSource.COMPUTED:
            for commune_id, figure in computed.get(indicator.computation, {}).items():
                result[commune_id][indicator.code] = figure
        elif indicator.source == IndicatorSource.RATIO:
            for commune_id in commune_ids:
                figure = _unit_figure(indicator, entered, computed, commune_id)
                if figure is not None:
                    result[commune_id][indicator.code] = figure
    return result


# The columns of a ``Figure`` a group of computations gives, in its tuples' order.
FIGURE_COLUMNS = ("quarter", "previous", "ytd", "cumulative")


def values_by_commune(period, communes, statuses, indicators, columns, span=None):
    """Per commune, the values of ``columns`` ([(indicator code, Figure column)]):
    {commune_id: [value per column]}, None where unknown; the workbook's tables.

    The same values as ``figures_by_commune(…, quarter_only=True)``, by the same rules
    (``_level``, ``combine``, ``_divided``), without a ``Figure`` per commune and
    indicator: one list per commune, a few MB at 10,000 communes instead of 60. Entered
    indicators and their ratios have their span's value only ("quarter"); computed ones
    any column of ``FIGURE_COLUMNS``; an indicator entered by the district's staff has
    none per commune. Two queries for the entered values, one per group of computations.
    """
    span = _span_of(period, span)
    by_code = {indicator.code: indicator for indicator in indicators}
    width = len(columns)
    slots = {}  # entered indicator id -> its place in a commune's list
    ratios, computed = [], defaultdict(list)
    for column, (code, name) in enumerate(columns):
        indicator = by_code.get(code)
        if indicator is None or indicator.source == IndicatorSource.DISTRICT:
            continue
        if indicator.source == IndicatorSource.COMPUTED:
            if name not in FIGURE_COLUMNS:
                raise ValueError(f"{code}: no {name} column per commune")
            computed[indicator.computation].append((column, FIGURE_COLUMNS.index(name)))
        elif name != "quarter":
            raise ValueError(f"{code}: entered per commune for the span only, not {name}")
        elif indicator.source == IndicatorSource.RATIO:
            ratios.append((column, indicator))
        else:
            slots[indicator.pk] = column
    for _column, ratio in ratios:  # a ratio's parts, kept after the columns until divided
        for part in (ratio.numerator_id, ratio.denominator_id):
            if part not in slots:
                slots[part] = width + sum(1 for slot in slots.values() if slot >= width)
    size = max([width - 1, *slots.values()]) + 1
    table = {}
    # The loops below run once per value (over 100,000 times at 10,000 communes): rows are
    # looked up and made in place, without a call per value.
    get = table.get
    if slots:
        for commune_id, indicator_id, value in _entered_by_commune(period, communes, statuses,
                                                                   span, slots):
            row = get(commune_id)
            if row is None:
                row = table[commune_id] = [None] * size
            row[slots[indicator_id]] = value
    for row in table.values():  # the communes that entered something, as figures_by_commune
        for column, ratio in ratios:
            row[column] = _divided(row[slots[ratio.numerator_id]],
                                   row[slots[ratio.denominator_id]], ratio.ratio_scale)
        del row[width:]
    over = period if span.is_quarter else SpanDates.of(span)
    for group, asked in by_group(sorted(computed)).items():
        for key, per_commune in group.compute(over, communes, True, asked).items():
            wanted = computed.get(key, ())
            if not span.is_quarter:  # "the quarter before" belongs to one-quarter reports
                wanted = [(column, index) for column, index in wanted if index != 1]
            if not wanted:
                continue
            for commune_id, figure in per_commune.items():
                if figure.__class__ is not tuple and isinstance(figure, Figure):
                    figure = (figure.quarter, figure.previous, figure.ytd, figure.cumulative)
                row = get(commune_id)
                if row is None:
                    row = table[commune_id] = [None] * width
                for column, index in wanted:
                    row[column] = figure[index]
    return table


def _entered_by_commune(period, communes, statuses, span, slots):
    """``(commune_id, indicator_id, value)`` of the entered indicators ``slots`` (ids),
    the value being the span's figure by ``combine``'s rule. Two queries: the indicators'
    kinds, the values."""
    rules = {pk: (kind, aggregation) for pk, kind, aggregation in Indicator.objects.filter(
        pk__in=list(slots)).values_list("pk", "kind", "aggregation")}
    values = IndicatorValue.objects.filter(
        _quarters_q("submission__period__", span.year, span.first, span.last),
        indicator_id__in=list(slots))
    if statuses is not None:
        values = values.filter(submission__status__in=statuses)
    if communes is not None:
        values = values.filter(submission__commune__in=communes)
    if not span.is_quarter:
        columns = _columns("submission__period__", period, True, span)
        for indicator_id, commune_id, *cells in value_sums(
                values, ["indicator_id", "submission__commune_id"], columns):
            cells = dict(zip(columns, _pairs(cells)))
            yield commune_id, indicator_id, combine(*rules[indicator_id], cells["quarter"],
                                                    span=cells.get("span")).quarter
        return
    # One submission per commune and quarter: each row is its commune's quarter, whose
    # figure is ``combine``'s of one value, ``_level`` of (value, 1): the value itself for
    # a sum, so the rows pass as they are read; rounded for a mean.
    means = {pk for pk, (_kind, aggregation) in rules.items() if aggregation != Aggregation.SUM}
    rows = values.order_by().values_list("submission__commune_id", "indicator_id", "value")
    for row in rows.iterator(chunk_size=5000):
        if row[1] in means:
            commune_id, indicator_id, value = row
            yield commune_id, indicator_id, _level(rules[indicator_id][1],
                                                   (value, 0 if value is None else 1))
        else:
            yield row


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


@dataclass(slots=True)
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

    def __reduce__(self):
        # Cached with the dashboard: its values, not a dict of them per commune.
        return CriteriaSummary, (self.met, self.assessed, self.not_met, self.met_numbers)


# Up to this many communes assessed on fewer criteria than the set has are named by id
# in ``criteria_summary``'s second query; more are selected by a grouped subquery.
INCOMPLETE_BY_ID = 1000


def criteria_summary(period, communes=None, statuses=APPROVED, total=None):
    """Per commune: ``CriteriaSummary`` in two queries, for large districts.

    The same data as ``criteria_matrix`` without moving every met cell out of the
    database: counts per commune, then the rows not met (a few percent) with the met
    rows of communes assessed on fewer than ``total`` criteria (known from the counts).
    """
    qs = CriterionAssessment.objects.filter(
        submission__period=period, submission__status__in=statuses
    ).order_by()  # no default ordering: it joins the period, commune, district, province
    if communes is not None:
        qs = qs.filter(submission__commune__in=communes)
    result = {}
    counts = qs.values_list("submission__commune_id").annotate(
        met=Count("pk", filter=Q(is_met=True)), assessed=Count("pk")).values_list(
        "submission__commune_id", "met", "assessed")
    incomplete = []
    for commune_id, met, assessed in counts:
        result[commune_id] = CriteriaSummary(met, assessed, {}, set())
        if total and assessed < total:
            incomplete.append(commune_id)
    wanted = ~Q(is_met=True)
    if len(incomplete) > INCOMPLETE_BY_ID:
        wanted |= Q(submission__commune_id__in=qs.values("submission__commune_id").annotate(
            n=Count("pk")).filter(n__lt=total).values("submission__commune_id"))
    elif incomplete:
        wanted |= Q(submission__commune_id__in=incomplete)
    for commune_id, number, is_met in qs.filter(wanted).values_list(
            "submission__commune_id", "criterion__number", "is_met"):
        summary = result.get(commune_id)
        if summary is None:  # a row written between the two queries
            summary = result[commune_id] = CriteriaSummary(0, 0, {}, set())
        if is_met:
            summary.met_numbers.add(number)
        else:
            summary.not_met[number] = is_met
    return result


def trend(periods, codes, communes=None, statuses=APPROVED, sums=None, balance=None):
    """The quarter's value of ``codes`` in each of ``periods``: {code: [value per period]}.

    A fixed number of queries whatever the number of periods or communes: one grouped
    query over the entered values of all the periods at once (rows, not model
    objects), and one per group of computations. ``sums`` replaces the grouped query
    when the caller has the same sums from elsewhere (the reports' roll-ups):
    {(period_id, indicator_id): (total, count)}. The values equal ``figures(period)``'s
    ``quarter`` for each period (tested), the unit's opening ``balance`` included.
    """
    periods = list(periods)
    codes = list(codes)
    result = {code: [None] * len(periods) for code in codes}
    if not periods or not codes:
        return result
    index = {period.pk: i for i, period in enumerate(periods)}
    indicators = list(Indicator.objects.filter(code__in=codes).order_by()
                      .select_related("numerator", "denominator"))
    computed = {i.computation for i in indicators if i.source == IndicatorSource.COMPUTED}
    series = {}
    for group, asked in by_group(sorted(computed)).items():
        series.update(group.trend(periods, communes, asked))
    rules = {}  # the entered indicators read: {pk: (kind, aggregation)}
    for indicator in indicators:
        if indicator.source == IndicatorSource.RATIO:
            parts = [indicator.numerator, indicator.denominator]
        else:
            parts = [indicator] if indicator.source == IndicatorSource.ENTERED else []
        rules.update({part.pk: (part.kind, part.aggregation) for part in parts if part})
    if sums is None:
        sums = _period_sums(index, rules, communes, statuses) if rules else {}

    def part(period_id, pk):
        cell = sums.get((period_id, pk))
        return combine(*rules[pk], cell) if cell else None

    for indicator in indicators:
        values = result[indicator.code]
        for period_id, i in index.items():
            if indicator.source == IndicatorSource.COMPUTED:
                values[i] = series.get(indicator.computation, values)[i]
            elif indicator.source == IndicatorSource.RATIO:
                values[i] = ratio_of(part(period_id, indicator.numerator_id),
                                     part(period_id, indicator.denominator_id),
                                     indicator.ratio_scale).quarter
            elif indicator.source == IndicatorSource.ENTERED:
                figure = part(period_id, indicator.pk)
                values[i] = figure.quarter if figure else None
    return balance_trend(result, periods, balance, communes, indicators)


def _period_sums(index, indicator_ids, communes, statuses):
    """{(period_id, indicator_id): (total, count)} of the entered values, in one query."""
    values = IndicatorValue.objects.filter(
        submission__period_id__in=list(index), indicator_id__in=list(indicator_ids))
    if statuses is not None:
        values = values.filter(submission__status__in=statuses)
    if communes is not None:
        values = values.filter(submission__commune__in=communes)
    rows = value_sums(values, ["submission__period_id", "indicator_id"], {"quarter": None})
    return {(period_id, indicator_id): (total, count)
            for period_id, indicator_id, total, count in rows}
