"""What remains: for an unmet criterion, the gap from each sub-indicator's value to the
threshold of the criteria set, and the quarter it would be met at the recent pace.

Thresholds are data on ``CriterionIndicator`` (``threshold``, ``direction``,
``is_official`` for transcribed ones), or, in a set whose thresholds differ by commune
group (2026–2030), on its ``group_thresholds``: which one applies to a commune is
``criteria.commune_groups.threshold_rule``. A sub-indicator without a numeric threshold
has no gap, and says so. The pace is the average change per quarter between the
first and the latest recorded value (needs two values in different quarters); a
pace that does not move towards the threshold gives no projection.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, prefetch_related_objects

from django.utils.translation import gettext as _

from communes.choices import SubmissionStatus
from ntm_portal import quarters
from ntm_portal.formats import format_number, quarter_label

from .choices import ThresholdDirection
from .commune_groups import groups_in_year, threshold_rule
from .models import CriterionAssessment, CriterionIndicatorValue

# The furthest a projection looks ahead; beyond it the gap "will not close at this pace".
HORIZON_QUARTERS = 40
ALL_STATUSES = tuple(SubmissionStatus.values)


def _index(year, quarter):
    return year * 4 + quarter - 1


@dataclass
class Gap:
    """One sub-indicator of an unmet criterion against its threshold."""

    indicator: object  # CriterionIndicator
    value: Decimal | None = None
    as_of: tuple | None = None  # (year, quarter) of the value
    missing: Decimal | None = None  # how far from the threshold; 0 when met
    pace: Decimal | None = None  # change per quarter towards the threshold
    projected: tuple | None = None  # (year, quarter) when met at this pace
    rule: object = None  # the ThresholdRule compared with; the indicator's own when None

    def __post_init__(self):
        if self.rule is None:
            self.rule = threshold_rule(self.indicator)

    @property
    def threshold(self):
        return self.rule.threshold

    @property
    def direction(self):
        return self.rule.direction

    @property
    def has_threshold(self):
        return self.rule.threshold is not None

    @property
    def is_met(self):
        return self.missing is not None and self.missing <= 0

    @property
    def is_known(self):
        """Whether a value was compared with a threshold (both are known)."""
        return self.missing is not None

    @property
    def unit(self):
        return self.indicator.unit

    @property
    def missing_text(self):
        """"còn thiếu 12 %" / "đạt" / "chưa có ngưỡng số" in the active language."""
        if self.rule.group_missing:
            return _("the commune's group is not set")
        if not self.has_threshold:
            return _("no numeric threshold")
        if self.value is None:
            return _("no value reported yet")
        if self.is_met:
            return _("threshold reached")
        amount = f"{format_number(self.missing)} {self.unit}".strip()
        if self.direction == ThresholdDirection.AT_MOST:
            return _("%(amount)s too many") % {"amount": amount}
        return _("%(amount)s still missing") % {"amount": amount}

    @property
    def projection_text(self):
        if self.projected:
            return _("met in %(quarter)s at the recent pace") % {
                "quarter": quarter_label(*self.projected)}
        if self.has_threshold and self.value is not None and not self.is_met:
            if self.pace is None:
                return _("not enough quarters to estimate a pace")
            return _("not met at the recent pace")
        return ""


def indicator_gap(indicator, history, rule=None):
    """The gap of one sub-indicator from its values ``[((year, quarter), value)]`` in order,
    against ``rule`` (``commune_groups.threshold_rule``; the indicator's own threshold
    when None)."""
    known = [(when, value) for when, value in history if value is not None]
    gap = Gap(indicator, rule=rule)
    if not known:
        return gap
    gap.as_of, gap.value = known[-1]
    threshold = gap.threshold
    if threshold is None:
        return gap
    sign = -1 if gap.direction == ThresholdDirection.AT_MOST else 1
    gap.missing = max(Decimal(0), (threshold - gap.value) * sign)
    first_when, first_value = known[0]
    span = _index(*gap.as_of) - _index(*first_when)
    if span > 0:
        gap.pace = (gap.value - first_value) * sign / span
    if gap.missing > 0 and gap.pace and gap.pace > 0:
        needed = math.ceil(gap.missing / gap.pace)
        if needed <= HORIZON_QUARTERS:
            year, quarter = gap.as_of
            for _step in range(needed):
                year, quarter = quarters.following(year, quarter)
            gap.projected = (year, quarter)
    return gap


@dataclass
class CriterionGap:
    """An unmet criterion of a commune and the gaps of its sub-indicators."""

    criterion: object
    gaps: list

    @property
    def summary(self):
        """"5.1 Trường học đạt chuẩn: còn thiếu 10 %" parts, for the report's table: every
        sub-indicator not at its threshold, with what is known of it (a shortfall, no value
        yet, no group)."""
        return self._parts(g for g in self.gaps if g.has_threshold and not g.is_met)

    @property
    def shortfall(self):
        """The parts of ``summary`` with a known value short of its threshold: what the
        narrative may call lacking."""
        return self._parts(g for g in self.gaps if g.is_known and not g.is_met)

    @property
    def unknown(self):
        """The parts of ``summary`` that cannot be compared yet (no value, no group)."""
        return self._parts(g for g in self.gaps
                           if g.has_threshold and not g.is_met and not g.is_known)

    @staticmethod
    def _parts(gaps):
        return "; ".join(f"{g.indicator.code} {g.indicator.name}: {g.missing_text}"
                         for g in gaps)


def commune_gaps(period, communes, statuses=ALL_STATUSES):
    """{commune_id: [CriterionGap]} for the criteria each commune did not meet in ``period``.

    Three queries (with the criteria's sub-indicators) whatever the number of communes: the unmet assessments of the quarter,
    then every recorded value of their sub-indicators up to the quarter. A set with
    thresholds by commune group adds two: the communes' groups of the year and the
    thresholds by group.
    """
    unmet = list(
        CriterionAssessment.objects.filter(
            submission__period=period, submission__commune__in=communes,
            submission__status__in=statuses, is_met=False)
        .annotate(commune_id=F("submission__commune_id"))
        .select_related("criterion__criteria_set")
        .order_by("criterion__number"))
    if not unmet:
        return {}
    # One object per criterion, not one per unmet assessment: the sub-indicators are
    # prefetched onto a few dozen criteria (one queryset each), not onto thousands.
    criteria = {}
    for assessment in unmet:
        if assessment.criterion_id not in criteria:
            criteria[assessment.criterion_id] = assessment.criterion
    prefetch_related_objects(list(criteria.values()), "indicators")
    indicators = {pk: list(criterion.indicators.all()) for pk, criterion in criteria.items()}
    criterion_ids = set(criteria)
    by_group = [c for c in criteria.values() if c.criteria_set.thresholds_by_group]
    groups = {}
    if by_group:
        prefetch_related_objects(by_group, "indicators__group_thresholds")
        groups = groups_in_year(communes, period.year)
    values = defaultdict(list)  # (commune_id, indicator_id) -> [((y, q), value)]
    rows = (CriterionIndicatorValue.objects.filter(
        indicator__criterion_id__in=criterion_ids,
        assessment__submission__commune__in=communes,
        assessment__submission__status__in=statuses,
        assessment__submission__period__year__lte=period.year)
        .values_list("assessment__submission__commune_id", "indicator_id",
                     "assessment__submission__period__year",
                     "assessment__submission__period__quarter", "value")
        .order_by("assessment__submission__period__year",
                  "assessment__submission__period__quarter"))
    limit = _index(period.year, period.quarter)
    for commune_id, indicator_id, year, quarter, value in rows:
        if _index(year, quarter) <= limit:
            values[(commune_id, indicator_id)].append(((year, quarter), value))
    result = defaultdict(list)
    for assessment in unmet:
        commune_id = assessment.commune_id
        criterion = criteria[assessment.criterion_id]
        grouped = criterion.criteria_set.thresholds_by_group
        gaps = [indicator_gap(ind, values.get((commune_id, ind.pk), []),
                              threshold_rule(ind, grouped, groups.get(commune_id)))
                for ind in indicators[criterion.pk]]
        result[commune_id].append(CriterionGap(criterion, gaps))
    return dict(result)
