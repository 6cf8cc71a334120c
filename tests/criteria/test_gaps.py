"""What remains to a threshold, and the quarter it is reached at the recent pace."""

from decimal import Decimal

from django.utils import translation

from communes.models import Commune, ReportingPeriod
from criteria.choices import ThresholdDirection
from criteria.gaps import commune_gaps, indicator_gap
from criteria.models import CriterionIndicator


def _indicator(threshold, direction=ThresholdDirection.AT_LEAST, unit="km"):
    return CriterionIndicator(code="2.3", name="Đường", unit=unit,
                              threshold=None if threshold is None else Decimal(threshold),
                              direction=direction)


def _d(value):
    return Decimal(str(value))


def test_gap_at_least():
    gap = indicator_gap(_indicator("10"), [((2021, 1), _d("6.5")), ((2021, 2), _d("7.7"))])
    assert gap.missing == _d("2.3") and not gap.is_met
    with translation.override("vi"):
        assert gap.missing_text == "còn thiếu 2,3 km"


def test_pace_projects_the_quarter():
    # 1,2 km per quarter, 2,3 km missing: two more quarters, Q4 2021.
    gap = indicator_gap(_indicator("10"), [((2021, 1), _d("6.5")), ((2021, 2), _d("7.7"))])
    assert gap.pace == _d("1.2")
    assert gap.projected == (2021, 4)


def test_pace_over_a_gap_in_quarters_and_across_a_year():
    # 3 quarters from Q3 2021 to Q2 2022: +3 → 1 per quarter; 1,5 missing → 2 quarters.
    gap = indicator_gap(_indicator("10"), [((2021, 3), _d("5.5")), ((2022, 1), None),
                                           ((2022, 2), _d("8.5"))])
    assert gap.pace == 1 and gap.projected == (2022, 4)


def test_no_pace_with_one_value_or_a_wrong_way_trend():
    one = indicator_gap(_indicator("10"), [((2021, 1), _d("6"))])
    assert one.pace is None and one.projected is None and one.missing == 4
    worse = indicator_gap(_indicator("10"), [((2021, 1), _d("6")), ((2021, 2), _d("5"))])
    assert worse.pace < 0 and worse.projected is None
    with translation.override("vi"):
        assert worse.projection_text == "không đạt nếu giữ tốc độ hiện nay"


def test_at_most_threshold_counts_downwards():
    # A poverty rate of at most 4 %: 5,5 → 4,9 is 0,6 per quarter; 0,9 too many → 2 quarters.
    gap = indicator_gap(_indicator("4", ThresholdDirection.AT_MOST, "%"),
                        [((2021, 1), _d("5.5")), ((2021, 2), _d("4.9"))])
    assert gap.missing == _d("0.9") and gap.pace == _d("0.6") and gap.projected == (2021, 4)


def test_met_and_without_numeric_threshold():
    met = indicator_gap(_indicator("10"), [((2021, 1), _d("12"))])
    assert met.is_met and met.missing == 0 and met.projected is None
    none = indicator_gap(_indicator(None), [((2021, 1), _d("12"))])
    assert not none.has_threshold and none.missing is None and not none.is_met
    with translation.override("vi"):
        assert none.missing_text == "chưa có ngưỡng định lượng"
    empty = indicator_gap(_indicator("10"), [])
    assert empty.value is None and empty.missing is None


def test_demo_gaps_of_ky_tay_and_ky_lac(demo):
    period = ReportingPeriod.objects.get(year=2021, quarter=2)
    communes = Commune.objects.filter(slug__in=["ky-tay", "ky-lac"])
    gaps = commune_gaps(period, communes)
    by_slug = {c.slug: gaps[c.pk] for c in communes}
    tay = {g.criterion.number: g for g in by_slug["ky-tay"]}
    assert set(tay) == {5, 20}
    schools = tay[5].gaps[0]
    assert (schools.value, schools.missing, schools.projected) == (60, 10, (2021, 3))
    lac = {g.criterion.number: {x.indicator.code: x for x in g.gaps} for g in by_slug["ky-lac"]}
    assert lac[2]["2.1"].is_met and lac[2]["2.2"].missing == 12


def test_gaps_query_count_does_not_grow(demo, django_assert_max_num_queries):
    period = ReportingPeriod.objects.get(year=2021, quarter=2)
    with django_assert_max_num_queries(3):
        commune_gaps(period, Commune.objects.all())


def test_the_narrative_calls_lacking_only_what_was_reported_short():
    """A threshold with no value reported is not "còn thiếu": the narrative says it cannot
    be compared yet; the report's table keeps both, each with its own words."""
    from types import SimpleNamespace

    from criteria.gaps import CriterionGap
    from reports.plan_panels import Laggard, PlanData, remaining_sentences

    roads = indicator_gap(_indicator("10"), [((2021, 1), _d("6"))])
    water = indicator_gap(CriterionIndicator(code="17.1", name="Nước sạch", unit="%",
                                             threshold=Decimal(95)), [((2021, 1), None)])
    criterion = SimpleNamespace(number=2, name="Giao thông")
    commune = SimpleNamespace(name="Kỳ Thượng")
    laggard = Laggard(SimpleNamespace(commune=commune), [CriterionGap(criterion, [roads, water])])
    plan = PlanData([laggard], [], None, {})
    with translation.override("vi"):
        sentences = remaining_sentences(plan)
        assert laggard.remaining_text == ("2.3 Đường: còn thiếu 4 km; "
                                          "17.1 Nước sạch: chưa có số liệu")
    assert sentences == [
        "Xã Kỳ Thượng còn thiếu so với ngưỡng của bộ tiêu chí: 2.3 Đường: còn thiếu 4 km.",
        "Xã Kỳ Thượng chưa so được với ngưỡng của bộ tiêu chí ở: 17.1 Nước sạch: "
        "chưa có số liệu."]
    only_unknown = Laggard(SimpleNamespace(commune=commune), [CriterionGap(criterion, [water])])
    with translation.override("vi"):
        assert remaining_sentences(PlanData([only_unknown], [], None, {})) == [
            "Xã Kỳ Thượng chưa so được với ngưỡng của bộ tiêu chí ở: 17.1 Nước sạch: "
            "chưa có số liệu."]
