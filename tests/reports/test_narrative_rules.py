"""The narrative says only what the data says, with Nghi Xuân: a unit that entered only
some indicators (houses and gardens renovated, poor households), no registry records, no
recognitions, no criteria assessment. And back-filled quarters."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from communes import workflow
from communes.choices import NtmLevel
from communes.models import Commune, District, NtmRecognition, ReportingPeriod, Submission
from criteria import entry
from criteria.models import Indicator, Target
from reports.dashboard import build_dashboard


def nghi_xuan_dashboard(period=None):
    district = District.objects.get(slug="nghi-xuan")
    period = period or ReportingPeriod.objects.get(year=2021, quarter=1)
    with translation.override("en"):
        return build_dashboard(period, district, Commune.objects.filter(district=district))


def text(d):
    return " ".join(d.narrative)


def test_no_zero_for_figures_nobody_entered(demo):
    d = nghi_xuan_dashboard()
    for code in ("ntm-model-areas-building", "ntm-model-areas-new", "ntm-model-areas-total",
                 "ntm-model-gardens-new", "ntm-communes-standard", "ntm-communes-advanced"):
        assert d.figures[code].quarter is None, code
    words = text(d)
    assert "model gardens were recognised" not in words
    assert "model residential areas" not in words


def test_every_key_figure_with_a_value_is_mentioned(demo):
    words = text(nghi_xuan_dashboard())
    # 42 + 55 + 37 houses and 30 + 26 + 19 gardens (the demo's Q1 2021 of Nghi Xuân).
    assert "Houses renovated: 134" in words
    assert "Household gardens renovated: 75" in words
    assert "Clean house" not in words  # not entered: not mentioned


def test_communes_at_the_standard_only_when_recognitions_are_entered(demo):
    assert "communes are at the NTM standard" not in text(nghi_xuan_dashboard())
    NtmRecognition.objects.create(commune=Commune.objects.get(slug="xuan-hoi"),
                                  level=NtmLevel.STANDARD, year=2018,
                                  decision_date=datetime.date(2018, 12, 1))
    assert "1 of 3 communes are at the NTM standard" in text(nghi_xuan_dashboard())


def test_a_target_of_communes_reaching_a_level_counts_that_years_recognitions(demo):
    district = District.objects.get(slug="nghi-xuan")
    Target.objects.create(indicator=Indicator.objects.get(code="ntm-communes-advanced"),
                          year=2021, district=district, low=Decimal(2))
    NtmRecognition.objects.create(commune=Commune.objects.get(slug="xuan-hoi"),
                                  level=NtmLevel.ADVANCED, year=2020,
                                  decision_date=datetime.date(2020, 11, 20))
    NtmRecognition.objects.create(commune=Commune.objects.get(slug="dan-truong"),
                                  level=NtmLevel.ADVANCED, year=2021,
                                  decision_date=datetime.date(2021, 2, 10))
    d = nghi_xuan_dashboard()
    row = next(r for r in d.target_rows if r.indicator.code == "ntm-communes-advanced")
    assert d.figures["ntm-communes-advanced"].quarter == 2  # both are at the level…
    assert row.done == 1 and row.share == 50  # …one reached it in 2021
    assert "(50% done)" in text(d)


def test_lateness_only_for_quarters_entered_live(demo):
    period = ReportingPeriod.objects.get(year=2021, quarter=1)
    Submission.objects.filter(commune__slug="xuan-hoi", period=period).update(submitted_late=True)
    words = text(nghi_xuan_dashboard(period))
    assert "1 late" in words
    period.is_backfill = True
    period.save()
    words = text(nghi_xuan_dashboard(period))
    assert "late" not in words and "on time" not in words
    assert "entered afterwards" in words
    assert all(row.category != "late" for row in nghi_xuan_dashboard(period).completeness)


@pytest.fixture
def backfill_period(demo):
    """A past quarter (Q4 2020) opened by staff for entry after the fact."""
    return ReportingPeriod.objects.create(
        year=2020, quarter=4, is_backfill=True,
        entry_deadline=datetime.date.today() + datetime.timedelta(days=10))


def test_back_filled_submission_is_not_late_and_needs_no_assessment(backfill_period):
    from communes.models import User

    commune = Commune.objects.get(slug="xuan-hoi")
    officer = User.objects.get(username="xuan-hoi")
    submission = workflow.get_or_create_submission(commune, backfill_period)
    indicators = entry.entered_indicators(commune.district_id)
    entry.save_figures(submission, officer, indicators, {i.pk: ("1", "") for i in indicators},
                       submission.version)
    submission.refresh_from_db()
    _set, criteria = entry.criteria_for(submission)
    assert criteria  # a criteria set is in force, and yet:
    assert entry.missing_sections(submission, indicators, criteria) == []
    # Long after the quarter's own deadline, never late.
    assert not workflow.is_late(submission, datetime.date(2030, 1, 1))
    workflow.submit(submission, officer)
    submission.refresh_from_db()
    assert submission.status == "submitted" and not submission.submitted_late


def test_a_live_quarter_still_needs_the_assessment(backfill_period):
    backfill_period.is_backfill = False
    backfill_period.save()
    commune = Commune.objects.get(slug="xuan-hoi")
    submission = workflow.get_or_create_submission(commune, backfill_period)
    _set, criteria = entry.criteria_for(submission)
    assert entry.missing_sections(submission, entry.entered_indicators(commune.district_id), criteria)


def test_the_dashboard_says_not_assessed(client, demo):
    from communes.models import User

    client.force_login(User.objects.get(username="nx-committee"))
    page = client.get("/reports/2021/q1/").content.decode()
    heatmap = page.split('id="heatmap"')[1].split("</table>")[0]
    assert heatmap.count("not-assessed") == 3
    assert "✓" not in heatmap and "✗" not in heatmap
