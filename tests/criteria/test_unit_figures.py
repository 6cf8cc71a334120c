"""Figures entered by district staff for the whole district: page and API through one
service, with validation, history, versions, the period's lock and the unit's scope."""

from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from communes.models import ReportingPeriod
from criteria.models import DistrictReport, DistrictValue, Indicator

CODE = "ntm-district-criteria-met"


@pytest.fixture
def indicator(demo):
    return Indicator.objects.get(code=CODE)


def page_url(period, district="ky-anh"):
    return f"/districts/{district}/{period.year}/q{period.quarter}/figures/"


def api_url(period, district="ky-anh"):
    return f"/api/districts/{district}/{period.year}/q{period.quarter}/figures/"


def post(client, period, indicator, value, version=0, comment="", district="ky-anh"):
    return client.post(page_url(period, district), {
        "version": version, f"value-{indicator.pk}": value,
        f"comment-{indicator.pk}": comment})


def stored(period, indicator):
    return DistrictValue.objects.filter(report__period=period, report__district__slug="ky-anh",
                                        indicator=indicator).first()


def test_staff_save_the_district_figures_with_history(client_for, staff, open_period, indicator):
    client = client_for(staff)
    page = client.get(page_url(open_period))
    assert page.status_code == 200 and f'name="value-{indicator.pk}"' in page.content.decode()
    response = post(client, open_period, indicator, "5", comment="hai tiêu chí mới")
    assert response.status_code == 302
    value = stored(open_period, indicator)
    assert value.value == 5 and value.comment == "hai tiêu chí mới"
    report = value.report
    assert report.version == 1 and report.updated_by == staff
    assert post(client, open_period, indicator, "6", version=1).status_code == 302
    history = list(DistrictValue.history.filter(id=value.pk).order_by("history_date"))
    assert [(h.history_type, h.value, h.history_user) for h in history] == [
        ("+", 5, staff), ("~", 6, staff)]
    html = client.get(page_url(open_period)).content.decode()
    assert 'value="6"' in html and "Lần lưu cuối" in html


def test_a_stale_edit_is_refused_and_nothing_moves(client_for, staff, open_period, indicator):
    client = client_for(staff)
    post(client, open_period, indicator, "5")
    response = post(client, open_period, indicator, "9", version=0)  # loaded before the save
    assert response.status_code == 409
    assert stored(open_period, indicator).value == 5
    assert "tải lại trang" in response.content.decode()


def test_bad_input_is_shown_again_with_the_message(client_for, staff, open_period, indicator):
    response = post(client_for(staff), open_period, indicator, "năm")
    html = response.content.decode()
    assert response.status_code == 200 and "không phải là số" in html and 'value="năm"' in html
    assert not DistrictValue.objects.exists()
    response = post(client_for(staff), open_period, indicator, "-2")
    assert "âm" in response.content.decode() and not DistrictValue.objects.exists()


def test_locked_with_the_period(client_for, staff, indicator):
    period = ReportingPeriod.objects.get(year=2021, quarter=1)  # long past its deadline
    client = client_for(staff)
    html = client.get(page_url(period)).content.decode()
    assert 'id="unit-lock"' in html and "disabled" in html
    assert post(client, period, indicator, "3").status_code == 403
    response = client.put(api_url(period), {"version": 0, "values": [
        {"indicator": CODE, "value": "3"}]}, content_type="application/json")
    assert response.status_code == 403 and response.json()["detail"]
    assert not DistrictValue.objects.exists()


@pytest.mark.parametrize("who", ["committee", "officer"])
def test_readers_read_but_do_not_write(request, client_for, open_period, indicator, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(page_url(open_period)).status_code == 200
    assert post(client, open_period, indicator, "3").status_code == 403
    assert not DistrictValue.objects.exists()


def test_another_district_is_404(client_for, staff, nx_staff, open_period, indicator):
    assert client_for(nx_staff).get(page_url(open_period)).status_code == 404
    assert post(client_for(nx_staff), open_period, indicator, "3").status_code == 404
    assert client_for(nx_staff).get(api_url(open_period)).status_code == 404
    assert client_for(staff).get(page_url(open_period, "nghi-xuan")).status_code == 404
    assert client_for(staff).get(api_url(open_period, "nghi-xuan")).status_code == 404
    assert not DistrictValue.objects.exists()


def test_the_api_saves_through_the_same_door(client_for, staff, open_period, indicator):
    client = client_for(staff)
    read = client.get(api_url(open_period)).json()
    assert read["version"] == 0 and read["values"] == [
        {"indicator": CODE, "value": None, "comment": ""}]
    response = client.put(api_url(open_period), {"version": 0, "values": [
        {"indicator": CODE, "value": "4", "comment": "ok"}]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1 and stored(open_period, indicator).value == 4
    stale = client.put(api_url(open_period), {"version": 0, "values": [
        {"indicator": CODE, "value": "8"}]}, content_type="application/json")
    assert stale.status_code == 409 and stored(open_period, indicator).value == 4
    bad = client.put(api_url(open_period), {"version": 1, "values": [
        {"indicator": CODE, "value": "bốn"}]}, content_type="application/json")
    assert bad.status_code == 400 and "không phải là số" in bad.json()["errors"][CODE][0]
    nul = client.put(api_url(open_period), {"version": 1, "values": [
        {"indicator": CODE, "value": "4", "comment": "a\x00b"}]}, content_type="application/json")
    assert nul.status_code == 400
    unknown = client.put(api_url(open_period), {"version": 1, "values": [
        {"indicator": "ntm-houses-renovated", "value": "4"}]}, content_type="application/json")
    assert unknown.status_code == 400
    assert stored(open_period, indicator).value == 4
    assert DistrictValue.history.filter(indicator=indicator).count() == 1


def test_dashboard_narrative_and_workbook_show_the_district_figure(
        client_for, staff, committee, open_period, indicator):
    """A stock entered for the district: the quarter's level on every read."""
    post(client_for(staff), open_period, indicator, "7")
    client = client_for(committee)
    base = f"/reports/{open_period.year}/q{open_period.quarter}/"
    html = client.get(base).content.decode()
    row = html[html.index(f'data-code="{CODE}"'):]
    row = row[:row.index("</tr>")]
    assert ">7<" in row
    book = load_workbook(BytesIO(client.get(base + "export.xlsx").getvalue()))
    rows = {r[1].value: r for r in book["Tổng hợp"].iter_rows(min_row=6) if r[1].value}
    assert rows[indicator.name_vi][3].value == 7
    from communes.models import Commune
    from reports.dashboard import build_dashboard

    district = staff.district
    communes = Commune.objects.filter(district=district).active(open_period.end_date)
    assert build_dashboard(open_period, district, communes).figures[CODE].quarter == Decimal(7)
    # Restricted to one commune, the district's own figure is not that commune's.
    one = Commune.objects.filter(pk=communes.first().pk)
    restricted = build_dashboard(open_period, district, one, restricted=True)
    assert restricted.figures[CODE].quarter is None


def test_page_queries_do_not_grow_with_communes(client_for, staff, open_period, indicator):
    from reports.scale import generate

    client = client_for(staff)
    post(client, open_period, indicator, "5")

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(page_url(open_period))
        assert response.status_code == 200
        return len(context.captured_queries)

    small = count()
    generate(40, 1, name="Huyện đếm", stream=StringIO())
    assert count() == small
    assert DistrictReport.objects.count() == 1  # a GET writes nothing
