"""Roll-ups per (district, quarter, indicator) equal the aggregation of the raw values."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from communes import workflow
from communes.choices import SubmissionStatus as S
from communes.models import Commune, ReportingPeriod, Submission
from criteria.aggregates import APPROVED, entered_values, figures, trend
from criteria.models import Indicator
from reports import rollups
from reports.dashboard import TREND_CODES, build_dashboard
from reports.models import IndicatorRollup
from reports.scale import generate


def _assert_equal_to_raw(district):
    communes = Commune.objects.filter(district=district)
    periods = list(ReportingPeriod.objects.order_by("year", "quarter"))
    codes = list(Indicator.objects.filter(source="entered").values_list("code", flat=True))
    for period in periods:
        assert rollups.entered_figures(period, district) == entered_values(period, communes, APPROVED)
    assert trend(periods, codes, sums=rollups.trend_sums(periods, district)) == trend(
        periods, codes, communes, APPROVED)


def test_demo_and_generated_rollups_equal_the_raw_aggregation(demo):
    _assert_equal_to_raw(demo)
    district = generate(8, 6, name="Huyện cuộn", stream=StringIO())
    assert IndicatorRollup.objects.filter(district=district).exists()
    _assert_equal_to_raw(district)


def test_approval_and_reopening_update_the_rollups_in_their_transaction(demo, staff):
    q2 = ReportingPeriod.objects.get(year=2021, quarter=2)
    submission = Submission.objects.filter(period=q2, status=S.SUBMITTED).first()
    before = rollups.entered_figures(q2, demo)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.approve(submission, staff)
        assert rollups.entered_figures(q2, demo) != before  # inside: already counted
        raise RuntimeError("the approval fails later in its transaction")
    assert rollups.entered_figures(q2, demo) == before  # rolled back together
    workflow.approve(submission, staff)
    _assert_equal_to_raw(demo)
    workflow.reopen(Submission.objects.get(pk=submission.pk), staff, "Sửa lại")
    _assert_equal_to_raw(demo)
    assert rollups.entered_figures(q2, demo) == before


def test_the_dashboard_reads_the_rollups_and_shows_the_same_figures(demo, django_assert_max_num_queries):
    period = ReportingPeriod.objects.get(year=2021, quarter=2)
    communes = Commune.objects.filter(district=demo).active(period.end_date)
    assert rollups.usable(demo, communes, APPROVED, restricted=False)
    d = build_dashboard(period, demo, communes)
    raw = figures(period, communes, APPROVED)
    for code, figure in raw.items():
        if not code.startswith("ocop-"):
            assert d.figures[code] == figure, code
    assert d.trends == trend(d.trend_periods, TREND_CODES, communes, APPROVED)
    # Restricted or with submitted reports, the raw values are read.
    assert not rollups.usable(demo, communes[:1], APPROVED, restricted=True)
    assert not rollups.usable(demo, communes, (S.APPROVED, S.SUBMITTED), restricted=False)


def test_rebuild_command_repairs_the_rollups(demo):
    IndicatorRollup.objects.filter(district=demo).update(total=1, count=1)
    out = StringIO()
    call_command("rebuild_rollups", "--district", demo.slug, stdout=out)
    assert "roll-up rows written" in out.getvalue()
    _assert_equal_to_raw(demo)


def test_handing_in_a_draft_leaves_the_rollups_alone(officer, open_period):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submission, _created = Submission.objects.get_or_create(
        commune=Commune.objects.get(slug="ky-tay"), period=open_period)
    submission = Submission.objects.select_related("period", "commune").get(pk=submission.pk)
    with CaptureQueriesContext(connection) as context:
        workflow.submit(submission, officer)
    assert not [q for q in context.captured_queries if "indicatorrollup" in q["sql"]]
