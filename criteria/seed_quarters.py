"""Demo submissions of Q1 and Q2 2021, consistent with the seed report.

Q1 2021: all 21 communes approved; their district totals are exactly the report's
(4.054 houses renovated, 2.193 gardens, 314 clean-house models). Q2 2021: a mix of
statuses so that the review board has work. Other figures are invented, plausibly.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from communes.choices import SubmissionStatus, WorkflowAction
from communes.models import Commune, ReportingPeriod, Submission, SubmissionEvent, User
from ntm_portal.demo import split

from .catalogue import entered_indicators
from .models import CriteriaSet, CriterionAssessment, Indicator, IndicatorValue

S = SubmissionStatus
Q1_TOTALS = {"ntm-houses-renovated": 4054, "ntm-gardens-renovated": 2193,
             "ntm-clean-house-models": 314}
Q2_TOTALS = {"ntm-houses-renovated": 3120, "ntm-gardens-renovated": 1875,
             "ntm-clean-house-models": 262}
# Unmet criteria on the 2016–2020 set extended by Hà Tĩnh's criterion 20 (docs/DOMAIN.md#the-demo-district:
# Kỳ Tây is weak on schools, environment and model residential areas; Kỳ Lạc on
# transport, environmental sanitation and model residential areas).
UNMET_Q1 = {"ky-tay": {5, 17, 20}, "ky-lac": {2, 17, 20}, "ky-son": {17, 20}, "ky-thuong": {20}}
UNMET_Q2 = {"ky-tay": {5, 20}, "ky-lac": {2, 20}, "ky-son": {20}}
Q2_STATUS = {
    "ky-phu": S.APPROVED, "ky-chau": S.APPROVED, "ky-dong": S.APPROVED, "ky-giang": S.APPROVED,
    "ky-son": S.RETURNED, "ky-thuong": S.RETURNED, "ky-hai": S.DRAFT, "ky-xuan": S.DRAFT,
    "ky-tien": S.DRAFT,
}
LATE_Q2 = "ky-khang"
RETURN_COMMENTS = {
    "ky-son": "Số nhà ở chỉnh trang tăng mạnh so với quý trước, đề nghị xã kiểm tra lại.",
    "ky-thuong": "Thiếu minh chứng tiêu chí 20, đề nghị bổ sung.",
}


def seed_quarters(out):
    q1 = ReportingPeriod.objects.get(year=2021, quarter=1)
    if Submission.objects.filter(period=q1).exists():
        return
    q2 = ReportingPeriod.objects.get(year=2021, quarter=2)
    communes = list(Commune.objects.filter(district__slug="ky-anh").order_by("name"))
    indicators = entered_indicators(communes[0].district_id)  # Kỳ Anh's choices
    staff = User.objects.get(username="staff")
    criteria_set = CriteriaSet.in_force("commune_standard", q1.end_date)
    criteria = list(criteria_set.all_criteria())
    weights = [c.villages.count() for c in communes]
    rng = random.Random(2021)
    for period, totals, unmet, statuses in (
        (q1, Q1_TOTALS, UNMET_Q1, {}), (q2, Q2_TOTALS, UNMET_Q2, Q2_STATUS),
    ):
        split_totals = {code: split(total, weights) for code, total in totals.items()}
        for index, commune in enumerate(communes):
            status = statuses.get(commune.slug, S.APPROVED if period == q1 else S.SUBMITTED)
            if status == S.DRAFT and commune.slug == "ky-tien":
                # One commune has not started Q2 at all: it shows as missing.
                continue
            officer = User.objects.get(username=commune.slug)
            deadline = datetime.datetime.combine(period.entry_deadline, datetime.time(9))
            submitted = timezone.make_aware(deadline - datetime.timedelta(days=2 + index % 5))
            late = commune.slug == LATE_Q2 and period == q2
            if late:
                submitted = timezone.make_aware(deadline + datetime.timedelta(days=3))
            submission = Submission.objects.create(
                commune=commune, period=period, status=status,
                difficulties="Nguồn lực đầu tư còn hạn chế; giá vật liệu tăng." if index % 3 == 0 else "",
                proposals="Đề nghị huyện hỗ trợ thêm xi măng làm đường giao thông." if index % 4 == 0 else "",
            )
            events = [(WorkflowAction.CREATE, "", S.DRAFT, officer, submitted - datetime.timedelta(days=10), "")]
            if status != S.DRAFT:
                submission.submitted_at, submission.submitted_by = submitted, officer
                submission.submitted_late = late
                events.append((WorkflowAction.SUBMIT, S.DRAFT, S.SUBMITTED, officer, submitted, ""))
            if status in (S.APPROVED, S.RETURNED):
                reviewed = submitted + datetime.timedelta(days=4)
                comment = RETURN_COMMENTS.get(commune.slug, "") if status == S.RETURNED else ""
                submission.reviewed_at, submission.reviewed_by = reviewed, staff
                submission.review_comment = comment
                action = WorkflowAction.APPROVE if status == S.APPROVED else WorkflowAction.RETURN
                events.append((action, S.SUBMITTED, status, staff, reviewed, comment))
            submission.save()
            SubmissionEvent.objects.bulk_create([
                SubmissionEvent(submission=submission, action=a, from_status=f, to_status=t,
                                user=u, at=at, comment=c) for a, f, t, u, at, c in events])
            values = []
            households = weights[index] * 150
            for indicator in indicators:
                if indicator.code in split_totals:
                    value = Decimal(split_totals[indicator.code][index])
                elif indicator.code == "gnbv-poor-households":
                    value = Decimal(rng.randint(15, 90))
                elif indicator.code == "gnbv-near-poor-households":
                    value = Decimal(rng.randint(20, 110))
                elif indicator.code == "gnbv-left-poverty":
                    value = Decimal(rng.randint(0, 8))
                elif indicator.unit_vi == "km":
                    value = Decimal(rng.randint(0, 250)) / 100
                elif indicator.code == "ntm-cement-tonnes":
                    value = Decimal(rng.randint(20, 400))
                elif not indicator.is_required:
                    continue
                else:
                    value = Decimal(rng.randint(0, 5))
                values.append(IndicatorValue(submission=submission, indicator=indicator, value=value))
            by_code = {v.indicator.code: v for v in values}
            for rate, count in (("gnbv-poor-rate", "gnbv-poor-households"),
                                ("gnbv-near-poor-rate", "gnbv-near-poor-households")):
                if rate in by_code and count in by_code:
                    by_code[rate].value = (by_code[count].value * 100 / households).quantize(Decimal("0.01"))
            IndicatorValue.objects.bulk_create(values)
            misses = unmet.get(commune.slug, set())
            CriterionAssessment.objects.bulk_create([
                CriterionAssessment(submission=submission, criterion=criterion,
                                    is_met=criterion.number not in misses)
                for criterion in criteria])
    out.write(f"  {Submission.objects.count()} quarterly submissions (Q1 and Q2 2021)")


# Nghi Xuân (the second demo district): invented Q1 2021 figures, approved. Only some
# indicators are entered and no criteria are assessed, as a district that starts
# entering would.
SECOND_Q1 = {
    "xuan-hoi": {"ntm-houses-renovated": 42, "ntm-gardens-renovated": 30,
                 "gnbv-poor-households": 61},
    "dan-truong": {"ntm-houses-renovated": 55, "ntm-gardens-renovated": 26,
                   "gnbv-poor-households": 48},
    "tien-dien": {"ntm-houses-renovated": 37, "ntm-gardens-renovated": 19,
                  "gnbv-poor-households": 33},
}
SECOND_NOTE = "Số liệu minh họa (demo), không phải số liệu thật của huyện Nghi Xuân."


def seed_second_district_quarter(out):
    q1 = ReportingPeriod.objects.get(year=2021, quarter=1)
    communes = list(Commune.objects.filter(slug__in=SECOND_Q1).order_by("name"))
    if not communes or Submission.objects.filter(period=q1, commune__in=communes).exists():
        return
    staff = User.objects.get(username="nx-staff")
    indicators = {i.code: i for i in Indicator.objects.filter(code__in={
        code for figures in SECOND_Q1.values() for code in figures})}
    deadline = datetime.datetime.combine(q1.entry_deadline, datetime.time(9))
    for index, commune in enumerate(communes):
        officer = User.objects.get(username=commune.slug)
        submitted = timezone.make_aware(deadline - datetime.timedelta(days=1 + index))
        reviewed = submitted + datetime.timedelta(days=3)
        submission = Submission.objects.create(
            commune=commune, period=q1, status=S.APPROVED, difficulties=SECOND_NOTE,
            submitted_at=submitted, submitted_by=officer, reviewed_at=reviewed,
            reviewed_by=staff)
        SubmissionEvent.objects.bulk_create([
            SubmissionEvent(submission=submission, action=WorkflowAction.CREATE, from_status="",
                            to_status=S.DRAFT, user=officer, at=submitted - datetime.timedelta(days=5)),
            SubmissionEvent(submission=submission, action=WorkflowAction.SUBMIT,
                            from_status=S.DRAFT, to_status=S.SUBMITTED, user=officer, at=submitted),
            SubmissionEvent(submission=submission, action=WorkflowAction.APPROVE,
                            from_status=S.SUBMITTED, to_status=S.APPROVED, user=staff, at=reviewed),
        ])
        IndicatorValue.objects.bulk_create(
            IndicatorValue(submission=submission, indicator=indicators[code], value=Decimal(value))
            for code, value in SECOND_Q1[commune.slug].items())
    out.write(f"  {len(communes)} approved Q1 2021 submissions of Nghi Xuân (demo figures)")
