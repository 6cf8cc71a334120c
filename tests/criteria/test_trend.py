"""The trend over several quarters: one grouped query per kind, equal to figures() per quarter."""

from io import StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Commune, ReportingPeriod
from criteria.aggregates import APPROVED, APPROVED_OR_SUBMITTED, figures, trend
from criteria.models import Indicator
from reports.scale import generate


def _codes():
    return list(Indicator.objects.filter(is_active=True).exclude(
        code__startswith="ocop-").values_list("code", flat=True))


@pytest.mark.parametrize("statuses", [APPROVED, APPROVED_OR_SUBMITTED])
def test_trend_equals_figures_quarter_by_quarter(demo, statuses):
    generate(6, 6, name="Huyện xu hướng", stream=StringIO())
    periods = list(ReportingPeriod.objects.order_by("year", "quarter"))
    assert len(periods) >= 6
    codes = _codes()
    assert {"ntm-model-areas-new", "ntm-communes-standard"} <= set(codes)
    for communes in (None, Commune.objects.filter(district=demo)):
        series = trend(periods, codes, communes, statuses)
        for i, period in enumerate(periods):
            expected = figures(period, communes, statuses)
            for code in codes:
                assert series[code][i] == expected[code].quarter, (code, period)


def test_trend_queries_do_not_grow_with_quarters(demo):
    generate(4, 8, name="Huyện đếm quý", stream=StringIO())
    periods = list(ReportingPeriod.objects.order_by("year", "quarter"))
    communes = Commune.objects.all()
    counts = []
    for n in (1, 2, len(periods)):
        with CaptureQueriesContext(connection) as context:
            trend(periods[:n], _codes(), communes)
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1] == counts[2] <= 6
