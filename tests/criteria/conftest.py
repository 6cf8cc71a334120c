import datetime

import pytest
from django.utils import timezone

from communes.models import ReportingPeriod


@pytest.fixture
def open_period(demo):
    """The latest period, with its deadline ten days ahead, whatever today is."""
    period = ReportingPeriod.objects.order_by("-year", "-quarter").first()
    period.entry_deadline = timezone.localdate() + datetime.timedelta(days=10)
    period.save()
    return period


@pytest.fixture
def q1_2021(demo):
    return ReportingPeriod.objects.get(year=2021, quarter=1)


def url(commune_slug, period, suffix=""):
    return f"/communes/{commune_slug}/{period.year}/q{period.quarter}/{suffix}"
