"""Demo figures of 2024 Q1 – 2026 Q4, made by a seeded generator (``seed_demo --until 2026``).

Illustrative, not real: every submission says so in its difficulties ("Số liệu minh họa").
Kỳ Anh's former communes report until 2025 Q2, the new units (communes/seed_reform.py)
from 2025 Q3. Each figure starts from what the commune (for a new unit: the sum of its
former communes) entered in Q1 2021, times a seasonal factor, a slow trend by year and a
noise of ±12 % from a random generator seeded by the unit and the quarter, so that a second
run, or another machine, gives the same numbers. Everything is approved by the steering
unit of its time (the district's staff, then the province's), except a few units of
2026 Q4 left as drafts or submitted, so that the review queue has work.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from communes.choices import SubmissionStatus, WorkflowAction
from communes.models import Commune, ReportingPeriod, Submission, SubmissionEvent, User
from communes.seed_reform import (
    DEMO_DISTRICT,
    FIRST_PERIOD,
    LAST_DAY,
    LAST_PERIOD,
    REFORM_DATE,
    STAFF,
)

from .catalogue import entered_indicators
from .models import CriteriaSet, CriterionAssessment, IndicatorValue

S = SubmissionStatus
NOTE = "Số liệu minh họa (demo) do chương trình sinh ra, không phải số liệu thật của xã."
SEASON = {1: Decimal("1.00"), 2: Decimal("0.85"), 3: Decimal("0.75"), 4: Decimal("0.95")}
TREND = {2024: Decimal("0.90"), 2025: Decimal("0.95"), 2026: Decimal("1.00")}
POVERTY_DECLINE = Decimal("0.88")  # poor and near-poor households, per year since 2021
# 2026 Q4: how many new units are left as drafts, and how many wait for review.
LAST_DRAFTS, LAST_SUBMITTED = 2, 2


def _periods():
    first = ReportingPeriod.objects.get(year=FIRST_PERIOD[0], quarter=FIRST_PERIOD[1])
    last = ReportingPeriod.objects.get(year=LAST_PERIOD[0], quarter=LAST_PERIOD[1])
    return [p for p in ReportingPeriod.objects.order_by("year", "quarter")
            if (first.year, first.quarter) <= (p.year, p.quarter) <= (last.year, last.quarter)]


def _base_values(communes):
    """{commune id: {indicator code: Q1 2021 value}} of the former communes."""
    base = {}
    rows = IndicatorValue.objects.filter(
        submission__period__year=2021, submission__period__quarter=1,
        submission__commune__in=communes).values_list(
        "submission__commune_id", "indicator__code", "value")
    for commune_id, code, value in rows:
        if value is not None:
            base.setdefault(commune_id, {})[code] = value
    return base


def _quantize(value, indicator):
    decimals = indicator.decimals or 0
    return max(Decimal(0), value).quantize(Decimal(1).scaleb(-decimals))


def _figures(rng, indicators, base, period, households):
    """The values of one unit's quarter (``base``: its Q1 2021 values by code)."""
    years = Decimal(period.year - 2021) + Decimal(period.quarter - 1) / 4
    values = {}
    for indicator in indicators:
        noise = Decimal(rng.randint(88, 112)) / 100
        start = base.get(indicator.code)
        if indicator.code in ("gnbv-poor-rate", "gnbv-near-poor-rate"):
            continue  # from the counts below
        if indicator.code in ("gnbv-poor-households", "gnbv-near-poor-households"):
            if start is None:
                continue
            value = start * POVERTY_DECLINE ** int(years) * (1 - (years % 1) / 10) * noise
        elif start is not None and indicator.kind == "flow":
            value = start * SEASON[period.quarter] * TREND[period.year] * noise
        elif start is not None:
            value = start * noise
        elif not indicator.is_required:
            continue
        else:
            value = Decimal(rng.randint(0, 5))
        values[indicator.code] = _quantize(value, indicator)
    for rate, count in (("gnbv-poor-rate", "gnbv-poor-households"),
                        ("gnbv-near-poor-rate", "gnbv-near-poor-households")):
        if count in values and households and any(i.code == rate for i in indicators):
            values[rate] = (values[count] * 100 / households).quantize(Decimal("0.01"))
    return values


def _status(period, index, count):
    if (period.year, period.quarter) != LAST_PERIOD:
        return S.APPROVED
    if index >= count - LAST_DRAFTS:
        return S.DRAFT
    if index >= count - LAST_DRAFTS - LAST_SUBMITTED:
        return S.SUBMITTED
    return S.APPROVED


def seed_reform(out):
    old = list(Commune.objects.filter(district__slug=DEMO_DISTRICT).order_by("name"))
    new = list(Commune.objects.filter(valid_from=REFORM_DATE, predecessors__in=old).distinct()
               .prefetch_related("predecessors").order_by("name"))
    if not old or not new:
        return
    base_old = _base_values(old)
    base = {c.pk: base_old.get(c.pk, {}) for c in old}
    for unit in new:
        summed = {}
        for former in unit.predecessors.all():
            for code, value in base_old.get(former.pk, {}).items():
                summed[code] = summed.get(code, 0) + value
        base[unit.pk] = summed
    villages = dict.fromkeys([c.pk for c in old + new], 0)
    for commune_id in Commune.objects.filter(pk__in=villages).values_list(
            "villages__commune_id", flat=True):
        if commune_id:
            villages[commune_id] += 1
    indicators = {False: entered_indicators(old[0].district_id),
                  True: entered_indicators(new[0].district_id)}
    reviewers = {False: User.objects.get(username="staff"), True: User.objects.get(username=STAFF)}
    officers = {u.commune_id: u for u in User.objects.filter(commune__in=old + new)
                .order_by("-username")}
    now = timezone.now()
    made = 0
    for period in _periods():
        after = period.start_date >= REFORM_DATE
        units = new if after else old
        if period.end_date > LAST_DAY and not after:
            continue
        if Submission.objects.filter(period=period, commune__in=units).exists():
            continue
        criteria_set = CriteriaSet.in_force("commune_standard", period.end_date)
        criteria = list(criteria_set.all_criteria()) if criteria_set else []
        deadline = timezone.make_aware(datetime.datetime.combine(period.entry_deadline,
                                                                 datetime.time(9)))
        plan = []
        for index, unit in enumerate(units):
            rng = random.Random(f"{unit.slug}-{period.year}-{period.quarter}")
            status = _status(period, index, len(units))
            officer, reviewer = officers.get(unit.pk), reviewers[after]
            submitted = min(deadline - datetime.timedelta(days=2 + index % 5),
                            now - datetime.timedelta(days=3, hours=index))
            reviewed = min(submitted + datetime.timedelta(days=4), now - datetime.timedelta(hours=1))
            submission = Submission(commune=unit, period=period, status=status, difficulties=NOTE)
            events = [(WorkflowAction.CREATE, "", S.DRAFT, officer,
                       submitted - datetime.timedelta(days=10))]
            if status != S.DRAFT:
                submission.submitted_at, submission.submitted_by = submitted, officer
                events.append((WorkflowAction.SUBMIT, S.DRAFT, S.SUBMITTED, officer, submitted))
            if status == S.APPROVED:
                submission.reviewed_at, submission.reviewed_by = reviewed, reviewer
                events.append((WorkflowAction.APPROVE, S.SUBMITTED, S.APPROVED, reviewer, reviewed))
            figures = _figures(rng, indicators[after], base[unit.pk], period,
                               villages[unit.pk] * 150)
            misses = {c.number for c in criteria if rng.random() < 0.04}
            plan.append((submission, events, figures, misses))
        Submission.objects.bulk_create([p[0] for p in plan])
        by_code = {i.code: i for i in indicators[after]}
        SubmissionEvent.objects.bulk_create(
            SubmissionEvent(submission=submission, action=a, from_status=f, to_status=t, user=u,
                            at=at)
            for submission, events, _f, _m in plan for a, f, t, u, at in events)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(submission=submission, indicator=by_code[code], value=value)
            for submission, _e, figures, _m in plan for code, value in figures.items())
        CriterionAssessment.objects.bulk_create(
            CriterionAssessment(submission=submission, criterion=criterion,
                                is_met=criterion.number not in misses)
            for submission, _e, _f, misses in plan for criterion in criteria)
        made += len(plan)
    out.write(f"  {made} quarterly submissions of 2024–2026 (illustrative figures)")
