"""Opening balances: entered once by the unit's staff, cumulative figures count from them.

Every expected figure is computed here from the raw rows (values and registry records),
never through ``criteria.aggregates``.
"""

import datetime
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from communes.choices import NtmLevel, SubmissionStatus
from communes.models import (
    Commune,
    District,
    ModelArea,
    ModelGarden,
    NtmRecognition,
    ReportingPeriod,
    Submission,
    User,
    Village,
)
from criteria import balances
from criteria.aggregates import figures, trend
from criteria.models import Indicator, IndicatorValue, OpeningBalance
from reports.dashboard import build_dashboard

URL = reverse("criteria:opening-balances")
AS_OF = datetime.date(2020, 12, 31)
AMOUNTS = {"ntm-houses-renovated": "1.000", "ntm-roads-km": "12,5",
           "ntm-model-gardens-new": "200", "ntm-model-areas-new": "20",
           "ntm-model-areas-total": "15", "ntm-communes-standard": "2"}


@pytest.fixture
def nx(demo):
    return District.objects.get(slug="nghi-xuan")


def _period(year, quarter):
    return ReportingPeriod.objects.get(year=year, quarter=quarter)


def _balance(nx, user, as_of=AS_OF, amounts=AMOUNTS):
    return balances.save_balance(nx, user, as_of, dict(amounts))


def _registries(nx):
    """One garden recognised in Q1 2021, one model area in Q2 2021, one commune at the
    standard in Q2 2021 (all after the balance's date)."""
    village = Village.objects.filter(commune__district=nx).order_by("pk").first()
    ModelGarden.objects.create(village=village, household="Nguyễn Văn A",
                               registered_on=datetime.date(2020, 6, 1),
                               recognised_on=datetime.date(2021, 2, 15), decision_number="1/QĐ")
    ModelArea.objects.create(village=village, registered_on=datetime.date(2020, 5, 1),
                             recognised_on=datetime.date(2021, 5, 10), decision_number="2/QĐ")
    NtmRecognition.objects.create(commune=village.commune, level=NtmLevel.STANDARD, year=2021,
                                  decision_date=datetime.date(2021, 6, 1), decision_number="3")
    return village


def _approved_value(nx, year, quarter, code, value):
    commune = Commune.objects.filter(district=nx).order_by("pk").first()
    submission, _ = Submission.objects.get_or_create(
        commune=commune, period=_period(year, quarter),
        defaults={"status": SubmissionStatus.APPROVED})
    IndicatorValue.objects.create(submission=submission, value=Decimal(value),
                                  indicator=Indicator.objects.get(code=code))


def _entries_after(nx, code, as_of, period):
    """Σ approved values of ``code`` in quarters after ``as_of`` up to ``period`` (raw rows)."""
    total = Decimal(0)
    for value, year, quarter in IndicatorValue.objects.filter(
            indicator__code=code, submission__commune__district=nx,
            submission__status=SubmissionStatus.APPROVED).values_list(
            "value", "submission__period__year", "submission__period__quarter"):
        start = datetime.date(year, 3 * quarter - 2, 1)
        if start > as_of and (year, quarter) <= (period.year, period.quarter):
            total += value
    return total


def _dashboard(nx, period, restricted=False):
    return build_dashboard(period, nx, Commune.objects.filter(district=nx), restricted)


def test_balance_plus_later_entries_is_the_cumulative_figure(nx, nx_staff):
    _balance(nx, nx_staff)
    _registries(nx)
    _approved_value(nx, 2021, 2, "ntm-houses-renovated", "10")
    q1, q2 = _period(2021, 1), _period(2021, 2)
    for period in (q1, q2):
        d = _dashboard(nx, period)
        houses = Decimal(1000) + _entries_after(nx, "ntm-houses-renovated", AS_OF, period)
        assert d.figures["ntm-houses-renovated"].cumulative == houses
        assert d.figures["ntm-roads-km"].cumulative == Decimal("12.5")
        gardens = ModelGarden.objects.filter(village__commune__district=nx,
                                             recognised_on__lte=period.end_date).count()
        assert d.figures["ntm-model-gardens-new"].cumulative == 200 + gardens
        areas = ModelArea.objects.filter(village__commune__district=nx,
                                         recognised_on__lte=period.end_date).count()
        assert d.figures["ntm-model-areas-total"].quarter == 15 + areas
        assert d.figures["ntm-model-areas-new"].cumulative == 20 + areas
        standard = NtmRecognition.objects.filter(commune__district=nx,
                                                 decision_date__lte=period.end_date).count()
        assert d.figures["ntm-communes-standard"].quarter == 2 + standard
    # The quarter's own flows are not the balance's.
    assert _dashboard(nx, q2).figures["ntm-houses-renovated"].quarter == Decimal(10)
    assert _dashboard(nx, q2).figures["ntm-model-areas-total"].previous == 15


def test_the_trend_and_the_workbook_count_from_the_balance(nx, nx_staff, client_for):
    balance = _balance(nx, nx_staff)
    _registries(nx)
    periods = list(ReportingPeriod.objects.filter(year=2021).order_by("quarter"))
    series = trend(periods, ["ntm-model-areas-total", "ntm-communes-standard"],
                   Commune.objects.filter(district=nx), balance=balance)
    assert series["ntm-model-areas-total"] == [15, 16, 16, 16]
    assert series["ntm-communes-standard"] == [2, 3, 3, 3]
    for i, period in enumerate(periods):
        expected = figures(period, Commune.objects.filter(district=nx), balance=balance)
        assert series["ntm-model-areas-total"][i] == expected["ntm-model-areas-total"].quarter

    response = client_for(nx_staff).get(reverse("reports:export", args=[2021, 1]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = {row[1]: row for row in ws.iter_rows(values_only=True) if row and row[1]}
    houses = Indicator.objects.get(code="ntm-houses-renovated").name
    gardens = Indicator.objects.get(code="ntm-model-gardens-new").name
    assert rows[houses][6] == 1000 + _entries_after(nx, "ntm-houses-renovated", AS_OF,
                                                    _period(2021, 1))
    assert rows[gardens][6] == 201


def test_entries_up_to_the_balance_date_are_inside_it(nx, nx_staff):
    _balance(nx, nx_staff, as_of=datetime.date(2021, 3, 31))
    _approved_value(nx, 2021, 2, "ntm-houses-renovated", "10")
    assert _dashboard(nx, _period(2021, 1)).figures["ntm-houses-renovated"].cumulative == 1000
    assert _dashboard(nx, _period(2021, 2)).figures["ntm-houses-renovated"].cumulative == 1010


def test_without_balance_or_records_a_registry_figure_is_unknown_not_0(nx, nx_staff, client_for):
    d = _dashboard(nx, _period(2021, 1))
    assert d.figures["ntm-model-gardens-new"].cumulative is None
    assert d.figures["ntm-roads-km"].cumulative is None
    _balance(nx, nx_staff, amounts={"ntm-model-gardens-new": "200"})
    d = _dashboard(nx, _period(2021, 1))
    assert d.figures["ntm-model-gardens-new"].cumulative == 200
    assert d.figures["ntm-model-areas-total"].quarter is None  # not in the balance: unknown
    assert d.figures["ntm-roads-km"].cumulative is None  # left blank: unknown, never 0


def test_a_restricted_reader_never_gets_the_units_balance(nx, nx_staff):
    _balance(nx, nx_staff)
    d = _dashboard(nx, _period(2021, 1), restricted=True)
    assert d.figures["ntm-houses-renovated"].cumulative == _entries_after(
        nx, "ntm-houses-renovated", datetime.date(2000, 1, 1), _period(2021, 1))


def _form(as_of="31/12/2020", version=None, **amounts):
    data = {"as_of": as_of, **{f"amount-{code}": value for code, value in amounts.items()}}
    if version is not None:
        data["version"] = version
    return data


def test_staff_enter_the_balance_once_and_the_history_shows_who(nx, nx_staff, client_for):
    client = client_for(nx_staff)
    page = client.get(URL)
    assert page.status_code == 200 and "Nghi Xuân" in page.content.decode()
    response = client.post(URL + "?unit=nghi-xuan", _form(**{"ntm-houses-renovated": "1.000"}))
    assert response.status_code == 302
    balance = OpeningBalance.objects.get(district=nx)
    assert balance.decimal_amounts() == {"ntm-houses-renovated": Decimal(1000)}
    # A double post creates nothing more and says why.
    again = client.post(URL, _form(**{"ntm-houses-renovated": "1.000"}))
    assert again.status_code == 409
    assert OpeningBalance.objects.count() == 1
    # A deliberate change, then the history lists both, with who.
    client.post(URL, _form(version=balance.version, **{"ntm-houses-renovated": "1.200"}))
    balance.refresh_from_db()
    assert balance.decimal_amounts()["ntm-houses-renovated"] == 1200 and balance.version == 2
    history = list(balance.history.order_by("history_date"))
    assert [h.history_user for h in history] == [nx_staff, nx_staff]
    assert [h.amounts["ntm-houses-renovated"] for h in history] == ["1000", "1200"]
    html = client.get(URL).content.decode()
    assert html.count("nx-staff") >= 2 and 'id="balance-history"' in html
    assert 'value="1.200"' in html


def test_a_stale_edit_is_refused_and_writes_nothing(nx, nx_staff, client_for):
    balance = _balance(nx, nx_staff)
    balances.save_balance(nx, nx_staff, AS_OF, {"ntm-roads-km": "3"}, balance.version)
    response = client_for(nx_staff).post(URL, _form(version=1, **{"ntm-roads-km": "99"}))
    assert response.status_code == 409
    assert "Dữ liệu của bạn chưa được lưu" in response.content.decode()
    balance.refresh_from_db()
    assert balance.amounts == {"ntm-roads-km": "3"} and balance.version == 2


@pytest.mark.parametrize("as_of, amounts, field", [
    ("31/12/2099", {}, "as_of"),
    ("15/02/2021", {}, "as_of"),
    ("", {}, "as_of"),
    ("31/12/2020", {"ntm-roads-km": "abc"}, "amount-ntm-roads-km"),
    ("31/12/2020", {"ntm-roads-km": "-3"}, "amount-ntm-roads-km"),
    ("31/12/2020", {"ntm-houses-renovated": "2,5"}, "amount-ntm-houses-renovated"),
    ("31/12/2020", {"ntm-roads-km": "1" * 30}, "amount-ntm-roads-km"),
])
def test_bad_input_is_shown_with_what_was_typed(nx, nx_staff, client_for, as_of, amounts, field):
    response = client_for(nx_staff).post(URL, _form(as_of, **amounts))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    for code, value in amounts.items():
        assert f'value="{value}"' in response.content.decode()
    assert not OpeningBalance.objects.exists()


def test_other_unit_is_404_and_readers_403(nx, staff, nx_staff, committee, officer,
                                           province_user, client_for):
    assert client_for(staff).get(URL + "?unit=nghi-xuan").status_code == 404
    assert client_for(staff).post(URL + "?unit=nghi-xuan", _form()).status_code == 404
    assert not OpeningBalance.objects.exists()
    for reader in (committee, officer, province_user):
        assert client_for(reader).get(URL).status_code == 403
    # Staff of Kỳ Anh land on their own unit.
    assert "Kỳ Anh" in client_for(staff).get(URL).content.decode()


def test_the_page_never_writes_on_get(nx, nx_staff, client_for):
    client_for(nx_staff).get(URL)
    assert not OpeningBalance.objects.exists()


def test_province_staff_pick_their_district(nx, demo, client_for):
    province = nx.province
    user = User.objects.create_user("province-staff", password="x", role="staff",
                                    province=province)
    client = client_for(user)
    html = client.get(URL + "?unit=nghi-xuan").content.decode()
    assert 'id="unit-picker"' in html and 'aria-current="page"' in html
    assert client.post(URL + "?unit=nghi-xuan", _form(**{"ntm-roads-km": "1"})).status_code == 302
    assert OpeningBalance.objects.get().district == nx


def test_queries_do_not_grow_with_communes(nx, nx_staff, client_for):
    from reports.scale import generate

    _balance(nx, nx_staff)
    counts = []
    for size in (3, 12):
        district = generate(size, 2, name=f"Huyện cân đối {size}", stream=StringIO())
        communes = Commune.objects.filter(district=district)
        OpeningBalance.objects.create(district=district, as_of=AS_OF, amounts={
            code: "10" for code in AMOUNTS})
        period = _period(2021, 2)
        with CaptureQueriesContext(connection) as context:
            figures(period, communes, balance=OpeningBalance.objects.get(district=district))
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
    client = client_for(nx_staff)
    with CaptureQueriesContext(connection) as page:
        assert client.get(URL).status_code == 200
    assert len(page.captured_queries) <= 15


def test_the_api_gives_a_districts_readers_the_same_cumulative_figure(nx, nx_staff, client_for):
    _balance(nx, nx_staff)
    period = _period(2021, 1)
    rows = client_for(nx_staff).get(f"/api/periods/{period.pk}/figures/").json()
    houses = next(r for r in rows if r["code"] == "ntm-houses-renovated")
    expected = 1000 + _entries_after(nx, "ntm-houses-renovated", AS_OF, period)
    assert Decimal(str(houses["cumulative"])) == expected
    commune = Commune.objects.filter(district=nx).order_by("pk").first()
    one = client_for(nx_staff).get(f"/api/periods/{period.pk}/figures/?commune={commune.pk}")
    houses = next(r for r in one.json() if r["code"] == "ntm-houses-renovated")
    assert Decimal(str(houses["cumulative"])) < 1000  # a commune never gets the unit's balance
