"""Opening a page never writes: every page, as every role, leaves every table's row count
unchanged (a draft is created by the first save, never by opening the report)."""

import pytest
from django.apps import apps

from communes.models import Submission

ROLES = ["officer", "other_officer", "staff", "committee", "sponsor", "admin_user"]


def _counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()
            if m._meta.managed and not m._meta.proxy and m._meta.label != "sessions.Session"}


def _pages(period):
    from ocop.models import Product

    product = Product.objects.order_by("pk").first()
    q = f"{period.year}/q{period.quarter}"
    pages = ["/", "/communes/", "/communes/ky-tay/", "/communes/ky-tay/registries/areas/new/",
             "/communes/ky-tay/registries/gardens/new/",
             f"/communes/ky-tay/{q}/", f"/communes/ky-tay/{q}/history/",
             f"/communes/ky-tay/{q}/template.xlsx", f"/communes/ky-tay/{q}/import/",
             "/communes/ky-tay/2021/q2/", "/communes/ky-tay/2021/q2/history/",
             f"/review/{q}/", f"/review/{q}/template.xlsx", f"/review/{q}/import/",
             "/reports/", f"/reports/{q}/", "/reports/2021/q1/export.xlsx",
             "/reports/2021/6m/", "/reports/2021/year/export.xlsx",
             "/reports/communes/ky-tay/", "/ocop/", "/ocop/new/", "/accounts/profile/",
             "/api/", "/api/submissions/", "/admin/", "/communes/setup/",
             "/communes/setup/units/", "/communes/setup/units/template.xlsx",
             "/communes/setup/users/", "/communes/setup/users/template.xlsx",
             "/communes/setup/mergers/", "/communes/setup/mergers/template.xlsx"]
    if product is not None:
        pages += [f"/ocop/{product.slug}/", f"/ocop/{product.slug}/edit/",
                  f"/ocop/{product.slug}/register/", f"/ocop/{product.slug}/rate/"]
    # The pre-assessment form of a demo candidate under Decision 1489.
    pages += ["/ocop/tra-hoa-vang-ky-thuong/propose/", "/ocop/tra-hoa-vang-ky-thuong/"]
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_opening_every_page_writes_nothing(request, client_for, open_period, role):
    client = client_for(request.getfixturevalue(role))
    before = _counts()
    statuses = {}
    for path in _pages(open_period):
        response = client.get(path)
        statuses[path] = response.status_code
        assert response.status_code < 500, (path, response.status_code)
    after = _counts()
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not changed, changed
    assert statuses[f"/communes/ky-tay/{open_period.year}/q{open_period.quarter}/"] in (200, 404)
    assert not Submission.objects.filter(period=open_period).exists()
