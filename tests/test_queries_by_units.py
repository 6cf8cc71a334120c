"""Every page a person reads runs as many queries when the deployment holds more steering
units, and when the reader's own unit holds more communes.

Two sizes for each page and role: the demo (Kỳ Anh's 21 communes, Nghi Xuân's three), then
the same with two more districts of 25 communes in the province and 25 more communes moved
into Kỳ Anh with their approved quarters. A page whose count grows with either has a query
per unit or per commune somewhere.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Commune, District, ReportingPeriod

Q = "2021/q1"

PAGES = {
    "ky-tay": ["/", "/communes/ky-tay/", f"/communes/ky-tay/{Q}/", "/reports/communes/ky-tay/",
               "/ocop/", "/plan/", "/accounts/profile/"],
    "staff": ["/", "/communes/", "/communes/ky-tay/", f"/communes/ky-tay/{Q}/",
              f"/review/{Q}/", f"/reports/{Q}/", f"/reports/{Q}/export.xlsx",
              "/reports/communes/ky-tay/", "/ocop/", "/plan/", "/api/communes/",
              "/api/submissions/", "/admin/communes/commune/",
              "/admin/communes/submission/", "/admin/communes/user/"],
    "committee": ["/", "/communes/", f"/reports/{Q}/", "/ocop/", "/plan/"],
    "province": ["/", "/communes/", f"/reports/{Q}/", f"/reports/{Q}/?unit=ky-anh",
                 f"/reports/{Q}/?unit=nghi-xuan", f"/reports/{Q}/export.xlsx?unit=ky-anh",
                 "/ocop/", "/api/communes/"],
}


def _count(client, path):
    cache.clear()  # a dashboard computed afresh, not read from the cache
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(context.captured_queries)


def _grow():
    """Two more districts in Kỳ Anh's province, and 25 more communes inside Kỳ Anh. The new
    districts' names sort after Kỳ Anh's, so a province account's default unit stays it."""
    from io import StringIO

    from reports.scale import generate

    kyanh = District.objects.get(slug="ky-anh")
    province = kyanh.province.name
    generate(25, 2, name="Vùng đo đơn vị A", province=province, stream=StringIO())
    generate(25, 2, name="Vùng đo đơn vị B", province=province, stream=StringIO())
    moved = generate(25, 2, name="Huyện chuyển xã", province=province, stream=StringIO())
    Commune.objects.filter(district=moved).update(district=kyanh)
    moved.delete()


@pytest.mark.parametrize("username", sorted(PAGES))
def test_page_queries_do_not_grow_with_units_or_communes(client_for, demo, username):
    from communes.models import User

    assert ReportingPeriod.objects.filter(year=2021, quarter=1).exists()
    client = client_for(User.objects.get(username=username))
    for path in PAGES[username]:
        client.get(path)  # session, translations, first-time caches
    before = {path: _count(client, path) for path in PAGES[username]}
    communes_before = Commune.objects.count()
    _grow()
    assert Commune.objects.count() == communes_before + 75
    assert Commune.objects.filter(district__slug="ky-anh").count() == 21 + 25
    after = {path: _count(client, path) for path in PAGES[username]}
    grown = {path: (before[path], after[path]) for path in before if after[path] != before[path]}
    assert not grown, grown
