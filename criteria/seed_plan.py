"""Demo action plan: the seed meeting's tasks for Kỳ Tây and Kỳ Lạc, due in Q2 2021.

The meeting (18/3/2021) assigned sponsoring units to the two communes short of the
standard and set tasks for the next quarter. The tasks' wording, owners and dates
are invented demo data in that spirit; all but one are done, one is overdue. The
sub-indicator values let the plan show what remains. No quarterly figure changes,
so every seed total stays as it was.
"""

import datetime
from decimal import Decimal

from communes.models import District, SponsoringUnit, Sponsorship, User

from . import tasks as service
from .choices import TaskOwnerKind, TaskStatus
from .models import CriteriaSet, CriterionAssessment, CriterionIndicatorValue

D = datetime.date
# (commune slug, indicator code) -> (value in Q1 2021, value in Q2 2021)
VALUES = {
    ("ky-tay", "5.1"): ("50", "60"),
    ("ky-tay", "17.1"): ("88", "96"),
    ("ky-tay", "17.2"): ("62", "75"),
    ("ky-tay", "20.1"): ("0", "0"),
    ("ky-lac", "2.1"): ("100", "100"),
    ("ky-lac", "2.2"): ("52", "58"),
    ("ky-lac", "17.1"): ("91", "95.5"),
    ("ky-lac", "17.2"): ("60", "72"),
    ("ky-lac", "20.1"): ("0", "0"),
}
DEPT_EDUCATION = "Phòng Giáo dục và Đào tạo huyện"
OFFICE = "Văn phòng điều phối NTM huyện"
C, SP, DEP = TaskOwnerKind.COMMUNE, TaskOwnerKind.SPONSOR, TaskOwnerKind.DEPARTMENT
# (commune slug or None, criterion number, task, owner kind, department, due, done on)
TASKS = [
    ("ky-tay", 5, "Xây dựng bổ sung 4 phòng học trường mầm non", DEP, DEPT_EDUCATION,
     D(2021, 6, 15), D(2021, 6, 10)),
    ("ky-tay", 5, "Mua sắm thiết bị dạy học theo chuẩn cơ sở vật chất", C, "",
     D(2021, 6, 30), D(2021, 6, 25)),
    ("ky-tay", 17, "Ra quân thu gom rác thải, khơi thông cống rãnh ở các thôn", C, "",
     D(2021, 5, 31), D(2021, 5, 28)),
    ("ky-tay", 20, "Hoàn thiện hồ sơ đề nghị công nhận khu dân cư NTM kiểu mẫu", SP, "",
     D(2021, 6, 30), None),
    ("ky-lac", 2, "Bê tông hóa 2,3 km đường trục thôn theo cơ chế hỗ trợ xi măng", C, "",
     D(2021, 6, 30), D(2021, 6, 20)),
    ("ky-lac", 2, "Bố trí vốn đối ứng làm đường giao thông nông thôn", SP, "",
     D(2021, 5, 15), D(2021, 5, 12)),
    ("ky-lac", 17, "Xây dựng điểm tập kết rác thải tập trung", C, "",
     D(2021, 6, 30), D(2021, 6, 28)),
    ("ky-lac", 20, "Hướng dẫn chỉnh trang khu dân cư kiểu mẫu", DEP, OFFICE,
     D(2021, 6, 30), D(2021, 6, 29)),
    (None, 9, "Hoàn thiện khung kế hoạch chi tiết thực hiện Đề án huyện đạt chuẩn NTM", DEP,
     OFFICE, D(2021, 4, 30), D(2021, 4, 28)),
]


def _values():
    assessments = {
        (a.submission.commune.slug, a.submission.period.quarter, a.criterion.number): a
        for a in CriterionAssessment.objects.filter(
            submission__commune__slug__in=["ky-tay", "ky-lac"], submission__period__year=2021,
            submission__period__quarter__in=[1, 2])
        .select_related("submission__commune", "submission__period", "criterion")
        .prefetch_related("criterion__indicators")}
    if not assessments:
        return 0
    new = []
    for (slug, quarter, _number), assessment in assessments.items():
        for indicator in assessment.criterion.indicators.all():
            pair = VALUES.get((slug, indicator.code))
            if pair is None:
                continue
            new.append(CriterionIndicatorValue(assessment=assessment, indicator=indicator,
                                               value=Decimal(pair[quarter - 1])))
    CriterionIndicatorValue.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def seed_plan(out):
    count = _values()
    staff = User.objects.get(username="staff")
    district = District.objects.get(slug="ky-anh")
    on = D(2021, 3, 31)
    commune_set = CriteriaSet.in_force("commune_standard", on)
    district_set = CriteriaSet.in_force("district", on)
    sponsors = {s.commune.slug: s.unit for s in Sponsorship.objects.active(on)
                .filter(commune__slug__in=["ky-tay", "ky-lac"]).select_related("commune", "unit")}
    created = 0
    for index, (slug, number, title, kind, department, due, done_on) in enumerate(TASKS):
        criteria = commune_set.all_criteria() if slug else district_set.all_criteria()
        criterion = criteria.get(number=number)
        commune = district.communes.get(slug=slug) if slug else None
        data = {"commune": commune, "criterion": criterion, "title": title, "owner_kind": kind,
                "owner_department": department, "due_date": due,
                "owner_unit": sponsors.get(slug) if kind == SP else None,
                "status": TaskStatus.DONE if done_on else TaskStatus.IN_PROGRESS,
                "done_on": done_on, "notes": "", "evidence": ""}
        _task, new = service.create_task(staff, data, creation_key=f"demo-plan-{index}")
        created += new
    out.write(f"  {count} criterion sub-indicator values, {created} action plan tasks "
              f"(of {len(TASKS)}; {SponsoringUnit.objects.count()} sponsoring units)")
