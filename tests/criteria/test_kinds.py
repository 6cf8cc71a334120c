"""Every indicator kind the back office offers works: the dashboard, the trend, the
roll-ups and the workbook equal a computation made here, from the rows themselves.

Kinds: a flow summed over communes and quarters, a stock (a level), a rate averaged over
communes, a ratio (Σ numerator ÷ Σ denominator), every registered computation, and a
figure entered by district staff.
"""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from communes.computations import choices
from communes.models import Commune, District, ModelArea, ModelGarden, NtmRecognition, ReportingPeriod, Village
from criteria.aggregates import APPROVED, figures, trend
from criteria.models import Indicator, IndicatorValue
from reports import rollups
from reports.dashboard import build_dashboard

TWO = Decimal("0.01")


def _periods():
    return list(ReportingPeriod.objects.filter(year=2021).order_by("quarter"))


def _communes(district, period):
    return Commune.objects.filter(district=district).active(period.end_date)


def _dashboard(period, district):
    communes = _communes(district, period)
    assert rollups.usable(district, communes, APPROVED, False)  # the roll-ups' path
    return build_dashboard(period, district, communes)


def _workbook_rows(client, period):
    """{indicator name as written: the row} of the workbook's summary sheet."""
    response = client.get(f"/reports/{period.year}/q{period.quarter}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.getvalue()))
    return {row[1].value: row for row in book["Tổng hợp"].iter_rows(min_row=6) if row[1].value}


def _workbook_quarter(rows, indicator):
    found = [row for name, row in rows.items() if name.startswith(indicator.name_vi)]
    assert found, indicator.code
    value = found[0][3].value
    return None if value is None else Decimal(str(value)).quantize(TWO)


def _q(value):
    return None if value is None else Decimal(value).quantize(TWO)


def _approved_values(indicator, district):
    """(year, quarter, commune, value) of every approved value, read row by row."""
    return [(v.submission.period.year, v.submission.period.quarter, v.submission.commune_id,
             v.value) for v in IndicatorValue.objects.filter(
        indicator=indicator, submission__status="approved", value__isnull=False,
        submission__commune__district=district).select_related("submission__period")]


def _by_hand(indicator, period, district):
    """(quarter, year to date, cumulative) of an entered indicator, by the domain's words."""
    rows = _approved_values(indicator, district)
    here = (period.year, period.quarter)
    this = [v for y, q, _c, v in rows if (y, q) == here]
    if not this:
        quarter = None
    elif indicator.aggregation == "mean":
        quarter = sum(this) / len(this)
    else:
        quarter = sum(this)
    if indicator.kind == "stock":
        return _q(quarter), _q(quarter), _q(quarter)
    ytd = sum(v for y, q, _c, v in rows if y == period.year and (y, q) <= here)
    cumulative = sum(v for y, q, _c, v in rows if (y, q) <= here)
    return _q(quarter), _q(ytd), _q(cumulative)


@pytest.mark.parametrize("code", ["ntm-houses-renovated", "gnbv-poor-households",
                                  "gnbv-near-poor-rate"])
def test_flow_stock_and_mean_equal_a_computation_by_hand(demo, client_for, committee, code):
    indicator = Indicator.objects.get(code=code)
    assert (indicator.kind, indicator.aggregation) in {
        "ntm-houses-renovated": [("flow", "sum")], "gnbv-poor-households": [("stock", "sum")],
        "gnbv-near-poor-rate": [("stock", "mean")]}[code]
    periods = _periods()
    series = trend(periods, [code], _communes(demo, periods[-1]), APPROVED)[code]
    stored = trend(periods, [code], sums=rollups.trend_sums(periods, demo))[code]
    for i, period in enumerate(periods):
        quarter, ytd, cumulative = _by_hand(indicator, period, demo)
        if quarter is None:
            continue
        figure = _dashboard(period, demo).figures[code]
        assert (_q(figure.quarter), _q(figure.ytd), _q(figure.cumulative)) == (
            quarter, ytd, cumulative), period
        assert _q(series[i]) == _q(stored[i]) == quarter, period
    period = periods[0]
    assert _workbook_quarter(_workbook_rows(client_for(committee), period), indicator) == \
        _by_hand(indicator, period, demo)[0]


@pytest.fixture
def households(demo):
    """A households indicator entered by communes and a poor-household rate formed as
    poor households ÷ households, with households entered in every approved report."""
    poor = Indicator.objects.get(code="gnbv-poor-households")
    total = Indicator.objects.create(
        code="gnbv-households", name_vi="Tổng số hộ", unit_vi="hộ", programme="GNBV",
        kind="stock", is_required=False, position=200)
    ratio = Indicator(
        code="gnbv-poor-ratio", name_vi="Tỷ lệ hộ nghèo (số hộ nghèo / tổng số hộ)",
        unit_vi="%", programme="GNBV", kind="stock", source="ratio", numerator=poor,
        denominator=total, decimals=2, position=201)
    ratio.full_clean()
    ratio.save()
    rows = []
    for n, value in enumerate(IndicatorValue.objects.filter(
            indicator=poor, submission__status="approved", value__isnull=False)
            .select_related("submission").order_by("pk")):
        # Communes of very different sizes: the mean of ratios drifts from the ratio.
        rows.append(IndicatorValue(submission=value.submission, indicator=total,
                                   value=value.value * (3 if n % 2 else 40) + 7))
    IndicatorValue.objects.bulk_create(rows)
    rollups.rebuild()
    return poor, total, ratio


def _ratio_by_hand(poor, total, period, district):
    here = (period.year, period.quarter)
    top = {c: v for y, q, c, v in _approved_values(poor, district) if (y, q) == here}
    bottom = {c: v for y, q, c, v in _approved_values(total, district) if (y, q) == here}
    if not bottom:
        return None, None, None, None
    ratio = sum(top.values()) * 100 / sum(bottom.values())
    mean = sum(top[c] * 100 / bottom[c] for c in bottom) / len(bottom)
    return _q(ratio), _q(mean), sum(top.values()), sum(bottom.values())


def test_ratio_is_the_ratio_of_sums_everywhere_and_not_the_mean_of_ratios(
        households, demo, client_for, committee):
    poor, total, ratio = households
    periods = _periods()
    series = trend(periods, [ratio.code], _communes(demo, periods[-1]), APPROVED)[ratio.code]
    stored = trend(periods, [ratio.code], sums=rollups.trend_sums(periods, demo))[ratio.code]
    checked = 0
    for i, period in enumerate(periods):
        expected, mean, top, bottom = _ratio_by_hand(poor, total, period, demo)
        if expected is None:
            continue
        assert expected != mean  # the case where an average of ratios would be wrong
        dashboard = _dashboard(period, demo)
        figure = dashboard.figures[ratio.code]
        assert figure.quarter == expected and (figure.numerator, figure.denominator) == (top, bottom)
        assert series[i] == stored[i] == expected
        row = next(r for r in dashboard.headline if r.indicator.code == ratio.code)
        assert row.parts_text == f"{_vn(top)}/{_vn(bottom)}"
        checked += 1
    assert checked >= 2
    period = periods[0]
    expected, _mean, top, bottom = _ratio_by_hand(poor, total, period, demo)
    client = client_for(committee)
    html = client.get(f"/reports/{period.year}/q{period.quarter}/").content.decode()
    assert f"({_vn(top)}/{_vn(bottom)})" in html
    rows = _workbook_rows(client, period)
    assert _workbook_quarter(rows, ratio) == expected
    assert f"{ratio.name_vi} ({_vn(top)}/{_vn(bottom)})" in rows
    # Per commune, the commune's own parts.
    from criteria.aggregates import figures_by_commune

    here = (period.year, period.quarter)
    tops = {c: v for y, q, c, v in _approved_values(poor, demo) if (y, q) == here}
    bottoms = {c: v for y, q, c, v in _approved_values(total, demo) if (y, q) == here}
    per_commune = figures_by_commune(period, _communes(demo, period), quarter_only=True)
    for commune_id, bottom in bottoms.items():
        assert per_commune[commune_id][ratio.code].quarter == _q(tops[commune_id] * 100 / bottom)


def _vn(value):
    from ntm_portal.formats import format_number

    return format_number(value)


def test_a_ratio_is_refused_unless_its_parts_are_entered_sums(demo):
    poor = Indicator.objects.get(code="gnbv-poor-households")
    rate = Indicator.objects.get(code="gnbv-near-poor-rate")  # a mean
    computed = Indicator.objects.get(code="ntm-model-areas-total")
    base = {"code": "r", "name_vi": "r", "unit_vi": "%", "programme": "GNBV", "kind": "stock",
            "source": "ratio"}
    for numerator, denominator, field in [(None, poor, "numerator"), (poor, rate, "denominator"),
                                          (computed, poor, "numerator"),
                                          (poor, poor, "denominator")]:
        with pytest.raises(ValidationError) as refused:
            Indicator(**base, numerator=numerator, denominator=denominator).full_clean()
        assert field in refused.value.message_dict, (numerator, denominator)
    ratio = Indicator.objects.create(**base, numerator=poor,
                                     denominator=Indicator.objects.get(code="gnbv-left-poverty"))
    with pytest.raises(ValidationError) as refused:  # a ratio of a ratio: no cycle possible
        Indicator(**{**base, "code": "r2"}, numerator=ratio, denominator=poor).full_clean()
    assert "numerator" in refused.value.message_dict
    poor.aggregation = "mean"
    with pytest.raises(ValidationError) as refused:  # a part stays a sum
        poor.full_clean()
    assert "source" in refused.value.message_dict


def test_a_computed_indicator_needs_a_registered_computation(demo):
    offered = dict(choices())
    assert {"model-areas-total", "communes-standard", "communes-advanced", "communes-model",
            "villages-model-share", "ocop-products-3-stars", "ocop-certified"} <= set(offered)
    base = {"code": "c", "name_vi": "c", "unit_vi": "xã", "programme": "NTM", "kind": "stock",
            "source": "computed"}
    for computation in ("", "communes-everything"):
        with pytest.raises(ValidationError) as refused:
            Indicator(**base, computation=computation).full_clean()
        assert "computation" in refused.value.message_dict
    Indicator(**base, computation="communes-model").full_clean()
    with pytest.raises(ValidationError):
        Indicator(**{**base, "source": "entered"}, computation="communes-model").full_clean()
    form_field = Indicator._meta.get_field("computation").formfield()
    assert {key for key, _label in form_field.choices if key} == set(offered)


def _level_on(commune, day):
    """The commune's NTM level on ``day``: its latest recognition decided by then."""
    decided = [r for r in NtmRecognition.objects.filter(commune=commune)
               if (r.decision_date and r.decision_date <= day)
               or (r.decision_date is None and r.year < day.year)]
    decided.sort(key=lambda r: (r.year, r.decision_date or datetime.date.min, r.pk))
    return decided[-1].level if decided else 0


def _computed_by_hand(key, period, district):
    end = period.end_date
    communes = list(Commune.objects.filter(district=district))
    areas = list(ModelArea.objects.filter(village__commune__district=district))
    gardens = list(ModelGarden.objects.filter(village__commune__district=district))

    def recognised(record):
        return record.recognised_on and record.recognised_on <= end and (
            record.lapsed_on is None or record.lapsed_on > end)

    if key.startswith("communes-"):
        level = {"communes-standard": 1, "communes-advanced": 2, "communes-model": 3}[key]
        return Decimal(sum(1 for c in communes if _level_on(c, end) >= level))
    if key == "model-areas-total":
        return Decimal(sum(1 for a in areas if recognised(a)))
    if key == "model-areas-new":
        return Decimal(sum(1 for a in areas if a.recognised_on
                           and period.start_date <= a.recognised_on <= end))
    if key == "model-gardens-new":
        return Decimal(sum(1 for g in gardens if g.recognised_on
                           and period.start_date <= g.recognised_on <= end))
    if key == "model-areas-building":
        return Decimal(sum(1 for a in areas if a.status_on(end) == "building"))
    if key == "villages-model-share":
        villages = [v for v in Village.objects.filter(commune__district=district)
                    if v.is_valid_on(end)]
        model = {a.village_id for a in areas if recognised(a)}
        return _q(Decimal(len(model)) * 100 / len(villages))
    if key.startswith("ocop-products-"):
        from ocop.models import Product

        stars = int(key.split("-")[2])
        held = [p for p in Product.objects.filter(commune__district=district).with_certificate(end)
                if p.cert_status == "certified" and p.cert_stars == stars]
        return Decimal(len(held))
    raise AssertionError(key)


COMPUTATIONS = ["model-areas-building", "model-areas-new", "model-areas-total",
                "model-gardens-new", "communes-standard", "communes-advanced", "communes-model",
                "villages-model-share", "ocop-products-3-stars", "ocop-products-4-stars",
                "ocop-products-5-stars"]


def test_every_computation_equals_a_count_by_hand(demo, client_for, committee):
    indicators = {}
    for n, key in enumerate(COMPUTATIONS):
        indicator = Indicator(code=f"test-{key}", name_vi=f"Phép đếm thử {n:02d}",
                              unit_vi="%" if key == "villages-model-share" else "đơn vị",
                              programme="NTM", kind="stock", source="computed",
                              computation=key, position=300 + n)
        indicator.full_clean()
        indicator.save()
        indicators[key] = indicator
    periods = _periods()
    codes = [i.code for i in indicators.values()]
    series = trend(periods, codes, _communes(demo, periods[-1]), APPROVED)
    client = client_for(committee)
    nonzero = set()
    for i, period in enumerate(periods):
        current = _dashboard(period, demo).figures
        for key, indicator in indicators.items():
            expected = _computed_by_hand(key, period, demo)
            assert _q(current[indicator.code].quarter) == _q(expected), (key, period)
            assert _q(series[indicator.code][i]) == _q(expected), (key, period, "trend")
            if expected:
                nonzero.add(key)
    assert {"model-areas-total", "communes-standard", "villages-model-share"} <= nonzero
    rows = _workbook_rows(client, periods[0])
    for key, indicator in indicators.items():
        assert _workbook_quarter(rows, indicator) == _q(_computed_by_hand(key, periods[0], demo))


def test_figures_of_other_districts_stay_out(demo):
    """A ratio, a computation and a district figure of Kỳ Anh are Kỳ Anh's alone."""
    other = District.objects.get(slug="nghi-xuan")
    period = ReportingPeriod.objects.get(year=2021, quarter=1)
    mine = figures(period, _communes(demo, period), district=demo)
    theirs = figures(period, _communes(other, period), district=other)
    assert mine["ntm-communes-standard"].quarter != theirs["ntm-communes-standard"].quarter
