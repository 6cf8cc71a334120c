"""Reports for a span of quarters and the same span of the year before.

Every expected value is computed here from the rows entered (values, registry dates),
in Python, never through the aggregates: a flow sums over the span, a stock takes the
communes' sum at the span's last quarter, a rate their mean there, registry counts come
from the records' dates.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from communes.models import ModelArea, ModelGarden, ReportingPeriod, Village
from criteria.aggregates import APPROVED, figures, year_on_year
from criteria.models import Indicator, IndicatorValue
from ntm_portal.spans import Span, menu_spans
from reports.dashboard import build_dashboard, get_span
from reports.scale import generate

FLOW, STOCK, MEAN = "ntm-houses-renovated", "gnbv-poor-households", "gnbv-poor-rate"
SPANS = ["q1", "q3", "6m", "9m", "year", "q2-q3", "q2-q4"]


def test_spans_parse_and_name_themselves_as_vietnamese_reports_do():
    with translation.override("vi"):
        assert Span.parse(2021, "q1").label == "Quý I năm 2021"
        assert Span.parse(2021, "6m").label == "6 tháng đầu năm 2021"
        assert Span.parse(2021, "9m").label == "9 tháng đầu năm 2021"
        assert Span.parse(2021, "year").label == "năm 2021"
        assert Span.parse(2021, "year").title == "Năm 2021"
        assert Span.parse(2021, "q2-q3").label == "Quý II–Quý III năm 2021"
    assert Span.parse(2021, "q1-q2") == Span.parse(2021, "6m")
    assert Span.parse(2021, "q1-q2").slug == "6m"
    assert Span.parse(2021, "q3-q2") is None and Span.parse(2021, "q5") is None
    assert Span.parse(2021, "9m").year_ago() == Span(2020, 1, 3)
    assert [s.slug for s in menu_spans(2021, [1, 2, 3])] == ["q1", "q2", "q3", "6m", "9m"]
    assert [s.slug for s in menu_spans(2021, [2])] == ["q2"]


def test_year_on_year_is_unknown_when_either_side_is():
    assert year_on_year(Decimal(112), Decimal(100)) == (Decimal(12), Decimal("12.0"))
    assert year_on_year(Decimal(90), Decimal(100)) == (Decimal(-10), Decimal("-10.0"))
    assert year_on_year(None, Decimal(100)) == (None, None)
    assert year_on_year(Decimal(5), None) == (None, None)
    assert year_on_year(Decimal(5), Decimal(0)) == (Decimal(5), None)


@pytest.fixture
def two_years(db, demo):
    """Six communes with approved figures for the eight quarters of 2021 and 2022, model
    areas from the generator, and model gardens recognised on dates of both years."""
    district = generate(6, 8, name="Huyện hai năm", province="Hà Tĩnh", stream=StringIO())
    villages = list(Village.objects.filter(commune__district=district).order_by("pk"))
    for i, day in enumerate([datetime.date(2021, 2, 3), datetime.date(2021, 5, 6),
                             datetime.date(2021, 8, 9), datetime.date(2021, 11, 30),
                             datetime.date(2022, 1, 1), datetime.date(2022, 6, 30),
                             datetime.date(2022, 7, 1), datetime.date(2022, 9, 30),
                             datetime.date(2022, 12, 31), datetime.date(2020, 12, 31)]):
        ModelGarden.objects.create(village=villages[i % len(villages)], household=f"Hộ {i}",
                                   level="district", registered_on=day - datetime.timedelta(90),
                                   recognised_on=day)
    return district


def _entered(district):
    """{(code, year, quarter): [values of the approved submissions]}."""
    rows = defaultdict(list)
    for code, year, quarter, value in IndicatorValue.objects.filter(
            submission__commune__district=district, submission__status__in=APPROVED,
            indicator__code__in=[FLOW, STOCK, MEAN]).values_list(
            "indicator__code", "submission__period__year", "submission__period__quarter",
            "value"):
        rows[(code, year, quarter)].append(value)
    return rows


def _expected(district, span):
    """The span's value of each kind, computed from the rows themselves."""
    rows = _entered(district)

    def flow():
        values = [v for q in span.quarters for v in rows.get((FLOW, span.year, q), [])]
        return sum(values) if values else None

    def stock():
        values = rows.get((STOCK, span.year, span.last))
        return sum(values) if values else None

    def mean():
        values = rows.get((MEAN, span.year, span.last))
        if not values:
            return None
        return (sum(values) / len(values)).quantize(Decimal("0.01"))

    areas = list(ModelArea.objects.filter(village__commune__district=district).values_list(
        "recognised_on", "lapsed_on", "building_since"))
    gardens = list(ModelGarden.objects.filter(village__commune__district=district)
                   .values_list("recognised_on", flat=True))
    start, end = span.start_date, span.end_date
    return {
        FLOW: flow(), STOCK: stock(), MEAN: mean(),
        "ntm-model-areas-new": Decimal(sum(1 for r, _l, _b in areas if r and start <= r <= end)),
        "ntm-model-areas-total": Decimal(sum(
            1 for r, lapsed, _b in areas if r and r <= end and (lapsed is None or lapsed > end))),
        "ntm-model-areas-building": Decimal(sum(
            1 for r, lapsed, b in areas if b and b <= end and (r is None or r > end)
            and (lapsed is None or lapsed > end))),
        "ntm-model-gardens-new": Decimal(sum(1 for r in gardens if r and start <= r <= end)),
    }


@pytest.mark.parametrize("slug", SPANS)
def test_each_kind_over_each_span_equals_the_entered_values(two_years, slug):
    district = two_years
    communes = district.communes.all()
    span, period = get_span(2022, slug)
    expected, ago = _expected(district, span), _expected(district, span.year_ago())
    assert expected[FLOW] and expected[STOCK] and expected[MEAN]  # the data is there
    assert ago[FLOW] and ago[STOCK] and ago[MEAN]
    # From the raw values (a part of the district) and from the roll-ups (the whole of it).
    raw = figures(period, communes.exclude(pk__in=[]), APPROVED, span=span)
    dashboard = build_dashboard(period, district, communes, span=span)
    for result in (raw, dashboard.figures):
        for code, value in expected.items():
            assert result[code].quarter == value, (code, slug)
            assert result[code].year_ago == ago[code], (code, slug)
            change, percent = year_on_year(value, ago[code])
            assert (result[code].change, result[code].change_percent) == (change, percent)
    if not span.is_quarter:
        assert raw[FLOW].previous is None  # "the quarter before" is a quarter's column


def test_year_ago_is_unknown_where_nothing_was_entered(two_years):
    """2021's year before has no entered figures: "–", never 0; registries have dates."""
    span, period = get_span(2021, "6m")
    d = build_dashboard(period, two_years, two_years.communes.all(), span=span)
    assert d.figures[FLOW].quarter is not None and d.figures[FLOW].year_ago is None
    assert d.figures[FLOW].change is None
    assert d.figures["ntm-model-gardens-new"].year_ago == 0  # dated records: a real count


def test_span_pages_exports_and_narrative(client_for, province_user, two_years):
    client = client_for(province_user)
    unit = f"?unit={two_years.slug}"
    response = client.get(f"/reports/2022/6m/{unit}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kết quả thực hiện 6 tháng đầu năm 2022" in html
    assert "Cùng kỳ năm trước" in html and 'class="num yoy-percent"' in html
    d = response.context["d"]
    houses = d.figures[FLOW]
    assert "So với cùng kỳ năm trước" in " ".join(d.narrative)
    change, percent = year_on_year(houses.quarter, houses.year_ago)
    word = "tăng" if change > 0 else "giảm"
    from ntm_portal.formats import format_number

    assert f"Nhà ở được chỉnh trang {word} {format_number(abs(percent))}%" in " ".join(d.narrative)
    # The menu offers the spans and keeps the unit.
    assert f'href="/reports/2022/9m/{unit}"' in html and f'href="/reports/2021/year/{unit}"' in html
    assert 'aria-current="page" aria-label="6 tháng đầu năm 2022"' in html
    export = client.get(f"/reports/2022/year/export.xlsx{unit}")
    assert export.status_code == 200
    assert "bao-cao-huyen-hai-nam-2022-year.xlsx" in export["Content-Disposition"]
    docx = client.get(f"/reports/2022/q2-q3/report.docx{unit}")
    assert docx.status_code == 200 and "2022-q2-q3.docx" in docx["Content-Disposition"]


def test_span_workbook_has_the_year_ago_columns(client_for, province_user, two_years):
    from io import BytesIO

    from openpyxl import load_workbook

    client = client_for(province_user)
    content = b"".join(client.get(
        f"/reports/2022/9m/export.xlsx?unit={two_years.slug}").streaming_content)
    ws = load_workbook(BytesIO(content))["Tổng hợp"]
    assert ws["A2"].value == "BÁO CÁO KẾT QUẢ THỰC HIỆN 9 THÁNG ĐẦU NĂM 2022"
    header = [c.value for c in ws[5]]
    assert header[3] == "9 tháng đầu năm 2022"
    assert header[9:12] == ["Cùng kỳ năm trước", "Tăng/giảm", "Tăng/giảm (%)"]
    span = Span.parse(2022, "9m")
    expected, ago = _expected(two_years, span), _expected(two_years, span.year_ago())
    row = next(r for r in ws.iter_rows(min_row=6) if r[1].value == "Nhà ở được chỉnh trang")
    assert row[3].value == expected[FLOW] and row[9].value == ago[FLOW]
    assert row[10].value == expected[FLOW] - ago[FLOW]


@pytest.mark.parametrize("url", ["/reports/2021/7m/", "/reports/2021/q3-q2/",
                                 "/reports/1999/year/", "/reports/2021/q0-q2/"])
def test_unknown_spans_are_404(client_for, committee, url):
    assert client_for(committee).get(url).status_code == 404


def test_a_span_with_a_missing_quarter_is_404(client_for, committee):
    ReportingPeriod.objects.filter(year=2021, quarter=3).delete()
    client = client_for(committee)
    assert client.get("/reports/2021/9m/").status_code == 404
    assert client.get("/reports/2021/6m/").status_code == 200


@pytest.mark.parametrize("query, target", [
    ("year=2021&first=2&last=3", "/reports/2021/q2-q3/"),
    ("year=2021&first=3&last=2", "/reports/2021/q2-q3/"),  # read in order
    ("year=2021&first=1&last=2", "/reports/2021/6m/"),
    ("year=2021&first=4&last=4", "/reports/2021/q4/"),
    ("year=2021&first=1&last=4&unit=ky-anh&include=submitted",
     "/reports/2021/year/?unit=ky-anh&include=submitted"),
])
def test_the_menus_run_of_quarters_goes_to_its_span(client_for, committee, query, target):
    response = client_for(committee).get(f"/reports/range/?{query}")
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize("query, message", [
    ("year=2021&first=0&last=2", "Hãy chọn năm và hai quý"),
    ("year=abc&first=1&last=2", "Hãy chọn năm và hai quý"),
    ("first=1", "Hãy chọn năm và hai quý"),
    ("year=2021&first=2&last=5", "Hãy chọn năm và hai quý"),
    ("year=1999&first=1&last=2", "Chưa có kỳ báo cáo Quý I/1999"),
])
def test_a_run_of_quarters_that_cannot_be_shown_says_why(client_for, committee, query, message):
    response = client_for(committee).get(f"/reports/range/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_range_form_offers_the_years_held_and_starts_on_the_span_shown(
        client_for, committee):
    html = client_for(committee).get("/reports/2021/q2-q4/?unit=ky-anh").content.decode()
    assert 'action="/reports/range/"' in html
    assert '<input type="hidden" name="unit" value="ky-anh">' in html
    assert '<option value="2021" selected>2021</option>' in html
    assert '<option value="2" selected>Quý II</option>' in html
    assert '<option value="4" selected>Quý IV</option>' in html


def _count(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_span_query_count_does_not_grow_with_quarters_or_communes(client_for, province_user):
    """One quarter against two and four, and 8 communes against 24: the same queries."""
    small = generate(8, 8, name="Huyện nhỏ", province="Hà Tĩnh", stream=StringIO())
    large = generate(24, 8, name="Huyện lớn", province="Hà Tĩnh", stream=StringIO())
    from criteria.models import Target

    Target.objects.filter(district__in=[small, large]).delete()
    # In both districts one commune short of the standard with a criterion not met, so
    # the same blocks show (what remains for the lagging communes).
    from communes.models import NtmRecognition
    from criteria.models import CriterionAssessment

    for district in (small, large):
        first = CriterionAssessment.objects.filter(
            submission__commune__district=district, submission__period__year=2022,
            submission__period__quarter=2, submission__status__in=APPROVED,
        ).order_by("pk").first().submission.commune
        NtmRecognition.objects.filter(commune=first).delete()
        CriterionAssessment.objects.filter(submission__commune=first).update(is_met=False)
    client = client_for(province_user)
    client.get(f"/reports/2022/q2/?unit={small.slug}")
    counts = {
        (slug, district.slug): _count(client, f"/reports/2022/{slug}/?unit={district.slug}")
        for slug in ("q2", "q2-q3", "year") for district in (small, large)}
    assert len(set(counts.values())) == 1, counts
    restricted = {_count(client, f"/reports/2022/{slug}/?unit={small.slug}&include=submitted")
                  for slug in ("6m", "year")}
    assert len(restricted) == 1
    export = {_count(client, f"/reports/2022/{slug}/export.xlsx?unit={district.slug}")
              for slug in ("q4", "year") for district in (small, large)}
    assert len(export) == 1


def test_cache_key_names_the_span(client_for, committee):
    client = client_for(committee)
    quarter = client.get("/reports/2021/q2/").context["d"]
    half = client.get("/reports/2021/6m/").context["d"]
    assert quarter.cache_key != half.cache_key and ":6m:" in half.cache_key
    assert half.span == Span(2021, 1, 2) and quarter.span == Span.quarter(2021, 2)
    # Q1 and Q2 of the demo summed: a flow over the half year.
    values = IndicatorValue.objects.filter(
        submission__commune__district__slug="ky-anh", submission__status__in=APPROVED,
        submission__period__year=2021, indicator__code=FLOW)
    assert half.figures[FLOW].quarter == sum(v.value for v in values)
    assert Indicator.objects.get(code=FLOW).is_flow


@pytest.fixture
def ratios(two_years):
    """Two ratio indicators over the two years: a flow's (houses renovated ÷ houses
    planned, both flows) and a stock's (poor households ÷ households, both levels), with
    the parts of very different sizes in the communes (a mean of ratios would drift)."""
    from reports import rollups

    flow, stock = Indicator.objects.get(code=FLOW), Indicator.objects.get(code=STOCK)
    planned = Indicator.objects.create(
        code="ntm-houses-planned", name_vi="Nhà ở cần chỉnh trang", unit_vi="nhà",
        programme=flow.programme, kind="flow", is_required=False, position=300)
    households = Indicator.objects.create(
        code="gnbv-households", name_vi="Tổng số hộ", unit_vi="hộ", programme=stock.programme,
        kind="stock", is_required=False, position=301)
    made = {}
    for code, top, bottom, kind in (("ntm-houses-share", flow, planned, "flow"),
                                    ("gnbv-poor-ratio", stock, households, "stock")):
        ratio = Indicator(code=code, name_vi=code, unit_vi="%", programme=top.programme,
                          kind=kind, source="ratio", numerator=top, denominator=bottom,
                          decimals=2, position=302 + len(made))
        ratio.full_clean()
        ratio.save()
        made[code] = (top, bottom)
        rows = []
        for n, value in enumerate(IndicatorValue.objects.filter(
                indicator=top, submission__commune__district=two_years,
                value__isnull=False).select_related("submission").order_by("pk")):
            rows.append(IndicatorValue(submission=value.submission, indicator=bottom,
                                       value=value.value * (3 if n % 2 else 40) + 7))
        IndicatorValue.objects.bulk_create(rows)
    rollups.rebuild()
    return made


def _ratio_by_hand(district, span, top, bottom):
    """Σ numerator ÷ Σ denominator × 100 over the span (flows) or at its end (stocks),
    from the approved rows."""
    def total(indicator):
        quarters = span.quarters if indicator.kind == "flow" else [span.last]
        values = IndicatorValue.objects.filter(
            indicator=indicator, submission__commune__district=district,
            submission__status__in=APPROVED, submission__period__year=span.year,
            submission__period__quarter__in=quarters).values_list("value", flat=True)
        return sum(v for v in values if v is not None)

    top_sum, bottom_sum = total(top), total(bottom)
    if not bottom_sum:
        return None
    return (Decimal(top_sum) * 100 / Decimal(bottom_sum)).quantize(Decimal("0.01"))


@pytest.mark.parametrize("slug", ["q3", "6m", "q2-q3", "year"])
def test_ratios_over_a_span_are_ratios_of_the_spans_sums(two_years, ratios, slug):
    """A flow ratio: Σ numerator ÷ Σ denominator over the span's quarters; a stock ratio:
    at the span's end; the same a year before, from the raw values and the roll-ups."""
    span, period = get_span(2022, slug)
    communes = two_years.communes.all()
    raw = figures(period, communes.exclude(pk__in=[]), APPROVED, span=span)
    dashboard = build_dashboard(period, two_years, communes, span=span)
    for code, (top, bottom) in ratios.items():
        expected = _ratio_by_hand(two_years, span, top, bottom)
        ago = _ratio_by_hand(two_years, span.year_ago(), top, bottom)
        assert expected is not None and ago is not None
        for result in (raw, dashboard.figures):
            assert result[code].quarter == expected, (code, slug)
            assert result[code].year_ago == ago, (code, slug)
            assert result[code].change == expected - ago
    if not span.is_quarter:  # a flow's span is not its last quarter's ratio
        last = figures(period, communes.exclude(pk__in=[]), APPROVED)
        assert last["ntm-houses-share"].quarter != raw["ntm-houses-share"].quarter


@pytest.mark.parametrize("slug", ["q2", "6m", "year"])
def test_computed_levels_and_ocop_over_a_span(two_years, slug):
    """Computed counts over a span through their computation groups: communes at a level
    at the span's end (and a year before's end); OCOP certificates, whose quarters are not
    kept, in the span's column only for the whole year."""
    from communes.choices import NtmLevel
    from communes.models import Commune, NtmRecognition
    from ocop import aggregates as ocop

    communes = list(two_years.communes.order_by("pk"))
    NtmRecognition.objects.filter(commune__in=communes).delete()
    for commune, day in zip(communes, [datetime.date(2021, 3, 1), datetime.date(2021, 9, 1),
                                       datetime.date(2022, 2, 1), datetime.date(2022, 5, 1),
                                       datetime.date(2022, 11, 1)]):
        NtmRecognition.objects.create(commune=commune, level=NtmLevel.STANDARD, year=day.year,
                                      decision_date=day, decision_number=f"QĐ {day}")
    span, period = get_span(2022, slug)
    queryset = Commune.objects.filter(pk__in=[c.pk for c in communes])

    def standard_on(day):
        return Decimal(sum(1 for c in queryset.with_level(day, "then")
                           if (c.then or 0) >= NtmLevel.STANDARD))

    result = build_dashboard(period, two_years, queryset, span=span).figures
    standard = result["ntm-communes-standard"]
    assert standard.quarter == standard_on(span.end_date)
    assert standard.year_ago == standard_on(span.year_ago().end_date)
    assert standard.quarter != standard.year_ago
    certified = result["ocop-certified"]
    this_year = Decimal(ocop.certified_count(2022, queryset) or 0)
    assert certified.ytd == this_year
    if slug == "year":
        assert certified.quarter == this_year
        assert certified.year_ago == Decimal(ocop.certified_count(2021, queryset) or 0)
    else:
        assert certified.quarter is None and certified.change is None


def test_district_entered_figures_over_a_span(two_years):
    """Figures the district's staff enter for the whole district follow the same rule over
    a span: a flow sums its quarters, a stock is its last quarter's; and a year before."""
    from criteria.models import DistrictReport, DistrictValue

    flow = Indicator.objects.create(
        code="district-roads", name_vi="Đường huyện làm mới", unit_vi="km", programme="NTM",
        kind="flow", source="district", is_required=False, position=310)
    stock = Indicator.objects.create(
        code="district-staff", name_vi="Cán bộ chuyên trách", unit_vi="người", programme="NTM",
        kind="stock", source="district", is_required=False, position=311)
    values = {}
    for n, period in enumerate(ReportingPeriod.objects.filter(year__in=[2021, 2022])):
        report = DistrictReport.objects.create(district=two_years, period=period)
        for indicator, value in ((flow, Decimal(3 + n * 2)), (stock, Decimal(40 + n))):
            DistrictValue.objects.create(report=report, indicator=indicator, value=value)
            values[(indicator.code, period.year, period.quarter)] = value
    for slug in ("q3", "6m", "q2-q4"):
        span, period = get_span(2022, slug)
        result = figures(period, two_years.communes.all(), APPROVED, district=two_years,
                         span=span)
        for of, field in ((span, "quarter"), (span.year_ago(), "year_ago")):
            assert getattr(result[flow.code], field) == sum(
                values[(flow.code, of.year, q)] for q in of.quarters), (slug, field)
            assert getattr(result[stock.code], field) == values[(stock.code, of.year, of.last)]
