"""Who reads the dashboard and the export, and what they see of the district.

District readers (staff, committee, administrators) see the whole district. Commune
officers and sponsors see the same pages restricted to their communes: every figure
is computed over those communes only. An account with no commune in scope gets 403.
"""

import pytest

from communes.choices import Role
from communes.models import User

PAGES = ["/reports/2021/q1/", "/reports/2021/q1/export.xlsx"]
WHOLE = ["staff", "committee", "admin_user"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, demo, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", WHOLE)
@pytest.mark.parametrize("url", PAGES)
def test_district_readers_read_the_whole_district(request, client_for, role, url):
    response = client_for(request.getfixturevalue(role)).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("role", WHOLE)
def test_district_readers_see_every_commune(request, client_for, role):
    html = client_for(request.getfixturevalue(role)).get(PAGES[0]).content.decode()
    assert "Kỳ Tây" in html and "Kỳ Lạc" in html and "Kỳ Xuân" in html
    assert "4.054" in html


@pytest.mark.parametrize("role, own, other", [
    ("officer", "Kỳ Tây", "Kỳ Lạc"),
    ("other_officer", "Kỳ Lạc", "Kỳ Tây"),
    ("sponsor", "Kỳ Tây", "Kỳ Lạc"),
])
def test_officers_and_sponsors_see_only_their_communes(request, client_for, role, own, other):
    html = client_for(request.getfixturevalue(role)).get(PAGES[0]).content.decode()
    assert own in html
    assert other not in html and "Kỳ Xuân" not in html
    assert "4.054" not in html  # the district total is not theirs
    assert "Chỉ gồm 1 xã thuộc phạm vi tài khoản của bạn" in html


@pytest.mark.parametrize("role, own, other", [
    ("officer", "Kỳ Tây", "Kỳ Lạc"), ("other_officer", "Kỳ Lạc", "Kỳ Tây"),
    ("sponsor", "Kỳ Tây", "Kỳ Lạc"),
])
def test_restricted_export_holds_only_their_communes(request, client_for, role, own, other):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(request.getfixturevalue(role)).get(PAGES[1])
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.getvalue()))
    text = " ".join(str(c.value) for ws in workbook for row in ws.iter_rows() for c in row
                    if c.value is not None)
    assert own in text and other not in text and "Kỳ Xuân" not in text


@pytest.mark.parametrize("url", PAGES)
def test_an_account_without_communes_is_refused(client_for, demo, url):
    from communes.models import SponsoringUnit

    unit = SponsoringUnit.objects.create(name="Đơn vị chưa đỡ đầu xã nào")
    user = User.objects.create(username="lonely", role=Role.SPONSOR, sponsoring_unit=unit)
    assert client_for(user).get(url).status_code == 403


def test_unknown_district_is_404(client_for, committee):
    assert client_for(committee).get(PAGES[0] + "?district=khong-co").status_code == 404


def test_dashboard_says_how_many_communes_the_figures_cover(client_for, committee):
    client = client_for(committee)
    assert "Số liệu của 4/21 xã" in client.get("/reports/2021/q2/").text
    assert "Số liệu của 16/21 xã" in client.get("/reports/2021/q2/?include=submitted").text
    assert "Số liệu của 21/21 xã" in client.get("/reports/2021/q1/").text
