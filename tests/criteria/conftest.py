
import pytest

from communes.models import ReportingPeriod


@pytest.fixture
def q1_2021(demo):
    return ReportingPeriod.objects.get(year=2021, quarter=1)


def url(commune_slug, period, suffix=""):
    return f"/communes/{commune_slug}/{period.year}/q{period.quarter}/{suffix}"
