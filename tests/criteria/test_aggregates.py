"""The figures of the seed report come out of the one computation."""

from decimal import Decimal

import pytest

from communes.choices import SubmissionStatus
from communes.models import Commune, ReportingPeriod, Submission
from criteria.aggregates import APPROVED_OR_SUBMITTED, criteria_matrix, figures, figures_by_commune


def ky_anh():
    return Commune.objects.filter(district__slug="ky-anh")


def test_q1_2021_district_totals_are_the_seed_report(demo, q1_2021):
    f = figures(q1_2021, ky_anh())
    assert f["ntm-houses-renovated"].quarter == 4054
    assert f["ntm-gardens-renovated"].quarter == 2193
    assert f["ntm-clean-house-models"].quarter == 314
    assert f["ntm-model-areas-building"].quarter == 71
    assert f["ntm-model-areas-new"].quarter == 4
    assert f["ntm-model-areas-total"].quarter == 73
    assert f["ntm-communes-standard"].quarter == 19


def test_flows_sum_over_quarters_and_stocks_take_the_level(demo):
    q2 = ReportingPeriod.objects.get(year=2021, quarter=2)
    f = figures(q2, statuses=APPROVED_OR_SUBMITTED)
    houses = f["ntm-houses-renovated"]
    assert houses.ytd == houses.quarter + houses.previous
    poor = f["gnbv-poor-households"]
    assert poor.ytd == poor.cumulative == poor.quarter
    areas = f["ntm-model-areas-new"]
    assert areas.quarter == 6 and areas.ytd == 10 and areas.cumulative == 79


def test_approved_only_is_the_default(demo):
    q2 = ReportingPeriod.objects.get(year=2021, quarter=2)
    approved = figures(q2)["ntm-houses-renovated"].quarter
    with_submitted = figures(q2, statuses=APPROVED_OR_SUBMITTED)["ntm-houses-renovated"].quarter
    assert with_submitted > approved > 0
    Submission.objects.filter(period=q2, status=SubmissionStatus.SUBMITTED).update(status=SubmissionStatus.APPROVED)
    assert figures(q2)["ntm-houses-renovated"].quarter == with_submitted  # live, no rebuild


def test_per_commune_figures_add_up_to_the_district(demo, q1_2021):
    per = figures_by_commune(q1_2021, ky_anh())
    assert sum(f["ntm-houses-renovated"].quarter for f in per.values()) == 4054
    assert sum(f.get("ntm-model-areas-total").quarter for f in per.values() if "ntm-model-areas-total" in f) == 73


def test_criteria_matrix_names_the_weak_criteria(demo, q1_2021):
    matrix = criteria_matrix(q1_2021)
    ky_tay = Commune.objects.get(slug="ky-tay").pk
    assert {n for n, met in matrix[ky_tay].items() if not met} == {5, 17, 20}


def test_figures_take_as_many_queries_for_120_communes_as_for_21(demo, q1_2021):
    from io import StringIO

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.scale import generate

    def count(function, communes):
        with CaptureQueriesContext(connection) as context:
            result = function(q1_2021, communes=communes)
        assert result  # figures were computed, not an empty answer
        return len(context.captured_queries)

    demo_communes = Commune.objects.filter(district=demo)
    large = generate(120, 2, name="Huyện đếm truy vấn", stream=StringIO()).communes.all()
    for function in (figures, figures_by_commune):
        assert count(function, large) == count(function, demo_communes), function.__name__


def test_rates_are_averaged_over_communes_not_summed(demo, q1_2021):
    from django.db.models import Avg

    from criteria.models import IndicatorValue

    rate = figures(q1_2021)["gnbv-poor-rate"].quarter
    expected = IndicatorValue.objects.filter(
        submission__period=q1_2021, indicator__code="gnbv-poor-rate").aggregate(a=Avg("value"))["a"]
    assert 0 < rate < 100
    assert abs(rate - Decimal(expected)) < Decimal("0.01")


def test_quarter_only_per_commune_figures_have_the_same_quarter(demo):
    q2 = ReportingPeriod.objects.get(year=2021, quarter=2)
    full = figures_by_commune(q2, statuses=APPROVED_OR_SUBMITTED)
    quick = figures_by_commune(q2, statuses=APPROVED_OR_SUBMITTED, quarter_only=True)
    assert set(quick) <= set(full) and quick
    for commune_id, by_code in quick.items():
        for code, figure in by_code.items():
            assert figure.quarter == full[commune_id][code].quarter, (commune_id, code)


@pytest.mark.parametrize("year, slug, statuses", [
    (2021, "q1", None), (2021, "q2", APPROVED_OR_SUBMITTED), (2021, "6m", None),
    (2021, "q1-q2", APPROVED_OR_SUBMITTED)])
def test_values_by_commune_are_the_figures_by_commune(demo, year, slug, statuses):
    """The workbook's lists per commune hold what ``figures_by_commune`` gives: the span's
    value of every kind of indicator (entered, averaged rates, ratios, computed), and the
    computed ones' other columns."""
    from criteria.aggregates import APPROVED, values_by_commune
    from criteria.catalogue import effective_indicators
    from criteria.choices import Aggregation, IndicatorSource
    from ntm_portal.spans import Span

    from criteria.models import Indicator, IndicatorValue

    # A ratio of an entered indicator over one the unit does not show (read all the same).
    poor = Indicator.objects.get(code="gnbv-poor-households")
    total = Indicator.objects.create(
        code="gnbv-households", name_vi="Tổng số hộ", unit_vi="hộ", programme="GNBV",
        kind="stock", is_active=False, position=200)
    Indicator.objects.create(
        code="gnbv-poor-ratio", name_vi="Tỷ lệ hộ nghèo", unit_vi="%", programme="GNBV",
        kind="stock", source="ratio", numerator=poor, denominator=total, decimals=2,
        position=201)
    IndicatorValue.objects.bulk_create([
        IndicatorValue(submission_id=value.submission_id, indicator=total,
                       value=value.value * (3 if n % 2 else 40) + 7 if n % 5 else None)
        for n, value in enumerate(IndicatorValue.objects.filter(
            indicator=poor, value__isnull=False).order_by("pk"))])
    statuses = statuses or APPROVED
    span = Span.parse(year, slug)
    period = ReportingPeriod.objects.get(year=year, quarter=span.last)
    communes = ky_anh()
    indicators = effective_indicators(demo)
    sources = {i.source for i in indicators}
    assert {IndicatorSource.ENTERED, IndicatorSource.COMPUTED, IndicatorSource.RATIO} <= sources
    assert any(i.aggregation == Aggregation.MEAN for i in indicators)
    columns = [(i.code, "quarter") for i in indicators] + [
        (i.code, name) for i in indicators if i.source == IndicatorSource.COMPUTED
        for name in ("previous", "ytd", "cumulative")]
    expected = figures_by_commune(period, communes, statuses, quarter_only=True,
                                  indicators=indicators, span=span)
    values = values_by_commune(period, communes, statuses, indicators, columns, span=span)
    assert set(values) == set(expected)
    for commune_id, figures_ in expected.items():
        want = [getattr(figures_[code], name) if code in figures_ else None
                for code, name in columns]
        assert values[commune_id] == want, commune_id
    ratio = columns.index(("gnbv-poor-ratio", "quarter"))
    assert any(row[ratio] is not None for row in values.values())
