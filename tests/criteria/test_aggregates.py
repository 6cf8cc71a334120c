"""The figures of the seed report come out of the one computation."""

from decimal import Decimal

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
