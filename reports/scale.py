"""A synthetic province for measuring the reports at scale (``manage.py generate_scale``).

Builds one district with N communes, their villages, NTM recognitions, model areas,
and for Q quarters (from Q1 of ``year``) approved submissions with figures and
criteria assessments, with ``bulk_create`` in batches. Everything is marked as
synthetic in its name; the demo district is not touched.
"""

import datetime
import random
import sys
from decimal import Decimal

from django.db import transaction

from communes.choices import NtmLevel, SubmissionStatus
from communes.models import (
    Commune,
    District,
    ModelArea,
    NtmRecognition,
    Province,
    ReportingPeriod,
    Submission,
    Village,
)
from criteria.aggregates import criteria_set_for
from criteria.models import CriterionAssessment, Indicator, IndicatorValue, Target
from ntm_portal.formats import vn_slugify

VILLAGES = 4


class ScaleError(Exception):
    pass


class Progress:
    """A one-line text progress bar on a stream (stderr by default)."""

    def __init__(self, total, label, stream=None, width=30):
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0

    def advance(self, n=1):
        self.done += n
        filled = int(self.width * self.done / self.total)
        self.stream.write(f"\r{self.label:<28} [{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{self.done}/{self.total}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def _batched(objects, model, batch):
    created = []
    for start in range(0, len(objects), batch):
        created.extend(model.objects.bulk_create(objects[start:start + batch]))
    return created


def periods_for(year, quarters):
    periods = []
    y, q = year, 1
    for _ in range(quarters):
        period, _created = ReportingPeriod.objects.get_or_create(
            year=y, quarter=q, defaults={"entry_deadline": ReportingPeriod.default_deadline(y, q)})
        periods.append(period)
        y, q = (y, q + 1) if q < 4 else (y + 1, 1)
    return periods


def generate(communes, quarters, name="Huyện mô phỏng", province="Tỉnh mô phỏng", year=2021,
             batch=2000, seed=1, stream=None):
    """Create the district; refuse when a district of that name exists. Returns it."""
    slug = vn_slugify(name)
    if District.objects.filter(name=name).exists() or District.objects.filter(slug=slug).exists():
        raise ScaleError(f"A district named {name!r} exists already: generate_scale does not run "
                         f"twice on one district. Choose another --name, or start from a fresh "
                         f"database.")
    rng = random.Random(seed)
    with transaction.atomic():
        province_obj, _created = Province.objects.get_or_create(
            name=province, defaults={"slug": vn_slugify(province)})
        district = District.objects.create(name=name, slug=slug, province=province_obj)
        progress = Progress(communes, "communes, villages", stream)
        commune_objs = [Commune(district=district, name=f"Xã mô phỏng {i:05d}",
                                slug=f"{slug}-{i:05d}") for i in range(1, communes + 1)]
        commune_objs = _batched(commune_objs, Commune, batch)
        villages = []
        for commune in commune_objs:
            villages.extend(Village(commune=commune, name=f"Thôn {n}") for n in range(1, VILLAGES + 1))
        villages = _batched(villages, Village, batch)
        progress.advance(communes)

        recognitions, areas = [], []
        for index, commune in enumerate(commune_objs):
            if index % 10:  # nine communes in ten at the standard
                recognitions.append(NtmRecognition(
                    commune=commune, level=NtmLevel.STANDARD, year=year - 1 - index % 5,
                    decision_date=datetime.date(year - 1 - index % 5, 12, 20)))
        for index, village in enumerate(villages):
            if index % 2 == 0:
                recognised = datetime.date(year - 1, 11, 1) if index % 4 == 0 else None
                if recognised is None and index % 8 == 2:
                    recognised = datetime.date(year, 2, 10)
                areas.append(ModelArea(village=village, registered_on=datetime.date(year - 2, 3, 1),
                                       building_since=datetime.date(year - 2, 6, 1),
                                       recognised_on=recognised,
                                       decision_number="MP/QĐ" if recognised else ""))
        _batched(recognitions, NtmRecognition, batch)
        _batched(areas, ModelArea, batch)

        indicators = list(Indicator.objects.filter(source="entered", is_active=True))
        periods = periods_for(year, quarters)
        progress = Progress(communes * len(periods), "submissions, figures", stream)
        for period in periods:
            criteria_set = criteria_set_for(period)
            criteria = list(criteria_set.all_criteria()) if criteria_set else []
            for start in range(0, len(commune_objs), batch):
                chunk = commune_objs[start:start + batch]
                submissions = Submission.objects.bulk_create([
                    Submission(commune=c, period=period,
                               status=SubmissionStatus.APPROVED if (i + start) % 20
                               else SubmissionStatus.SUBMITTED,
                               submitted_late=(i + start) % 17 == 0)
                    for i, c in enumerate(chunk)])
                values, assessments = [], []
                for submission in submissions:
                    for indicator in indicators:
                        if indicator.is_required:
                            values.append(IndicatorValue(submission=submission, indicator=indicator,
                                                         value=Decimal(rng.randint(0, 300))))
                    for criterion in criteria:
                        assessments.append(CriterionAssessment(
                            submission=submission, criterion=criterion,
                            is_met=rng.random() > 0.08))
                _batched(values, IndicatorValue, batch * 10)
                _batched(assessments, CriterionAssessment, batch * 10)
                progress.advance(len(chunk))

        source = District.objects.order_by("pk").first()
        targets = Target.objects.filter(district=source, commune__isnull=True)
        scale = Decimal(communes) / 21
        Target.objects.bulk_create([
            Target(indicator_id=t.indicator_id, year=t.year, district=district,
                   low=(t.low * scale).quantize(Decimal("1")),
                   high=(t.high * scale).quantize(Decimal("1")) if t.high is not None else None,
                   note="Chỉ tiêu mô phỏng")
            for t in targets if t.district_id != district.pk])
    return district
