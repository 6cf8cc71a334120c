"""The dashboard and the export run as many queries for 210 communes as for 21, and as
many for a province account seeing three districts as for two."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.scale import generate


def _count(client, url):
    """Queries of a dashboard computed afresh (the cache emptied first)."""
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", ["/reports/2021/q1/", "/reports/2021/q1/export.xlsx",
                                 "/reports/2021/q2/?include=submitted"])
def test_query_count_does_not_depend_on_the_number_of_communes(client_for, province_user, url):
    client = client_for(province_user)
    client.get(url)  # session, translations, first-time caches
    demo_21 = _count(client, url)
    district = generate(210, 2, name="Huyện đo truy vấn", province="Hà Tĩnh", stream=StringIO())
    assert district.communes.count() == 210
    separator = "&" if "?" in url else "?"
    scaled_210 = _count(client, f"{url}{separator}unit={district.slug}")
    assert scaled_210 == demo_21
    assert demo_21 <= 60


def test_commune_block_queries_do_not_grow_with_communes_or_quarters(client_for, province_user):
    """A demo commune (six quarters, 21 communes) against one of a district of 120
    communes with eight quarters of data, read by the province's account."""
    client = client_for(province_user)
    client.get("/reports/communes/ky-tay/")
    demo = _count(client, "/reports/communes/ky-tay/")
    district = generate(120, 8, name="Huyện khối xã", province="Hà Tĩnh", stream=StringIO())
    commune = district.communes.order_by("pk").last()
    assert _count(client, f"/reports/communes/{commune.slug}/") == demo


def test_dashboard_query_count_does_not_depend_on_the_quarters_shown(client_for, province_user):
    """2021 Q1 draws one quarter of trend, 2022 Q4 draws eight: the same queries."""
    district = generate(5, 8, name="Huyện đo quý", province="Hà Tĩnh", stream=StringIO())
    # Targets are set per year (copied from the demo's 2021 ones): a year with a target of
    # communes reaching a level draws one more count. Without targets the two years differ
    # only in the quarters shown.
    from criteria.models import Target

    Target.objects.filter(district=district).delete()
    client = client_for(province_user)
    one = f"/reports/2021/q1/?district={district.slug}"
    eight = f"/reports/2022/q4/?district={district.slug}"
    client.get(one)
    assert _count(client, one) == _count(client, eight)
    response = client.get(eight)
    assert len(response.context["d"].trend_periods) == 8
