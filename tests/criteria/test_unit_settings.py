"""Each steering unit keeps its own catalogue choices, targets and period terms.

Nghi Xuân's choices (an indicator unused, another not required, a headline, a target, a
deadline, a back-filled quarter) never change Kỳ Anh's forms, submit rules, lateness,
figures or narrative, and the other way round; staff of one unit cannot reach another's
(404); a stale page is refused; the history names who; every write bumps the dashboards.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communes import workflow
from communes.models import Commune, District, ReportingPeriod, Submission, UnitPeriodSetting
from communes.periods import period_terms, save_unit_period
from communes.versioning import StaleEdit
from criteria import catalogue, entry
from criteria.catalogue import ChoiceInput
from criteria.models import Indicator, Target, UnitIndicatorChoice
from criteria.targets import TargetInput, save_targets
from reports.cache import data_version
from reports.dashboard import build_dashboard, communes_in_scope

HOUSES = "ntm-houses-renovated"
POOR_RATE = "gnbv-poor-rate"
ROADS = "ntm-roads-km"


@pytest.fixture
def ky_anh(demo):
    return demo


@pytest.fixture
def nghi_xuan(demo):
    return District.objects.get(slug="nghi-xuan")


def _choose(user, district, code, **choice):
    indicator = next(i for i in catalogue.catalogue_for(district) if i.code == code)
    values = {"is_used": indicator.is_active, "is_required": indicator.is_required,
              "is_headline": indicator.is_headline, **choice}
    return catalogue.save_choices(user, district, [ChoiceInput(
        indicator, values["is_used"], values["is_required"], values["is_headline"],
        indicator.unit_version)])


def _codes(district):
    return [(i.code, i.is_required) for i in entry.entered_indicators(district)]


def _narrative(district, user, period=None):
    period = period or ReportingPeriod.objects.get(year=2021, quarter=1)
    found, communes, restricted = communes_in_scope(user, period, district.slug)
    return build_dashboard(period, found, communes, restricted)


def _everything_of(district, user):
    """What a unit's communes and readers see: forms, figures, narrative, lateness."""
    d = _narrative(district, user)
    q2 = ReportingPeriod.objects.get(year=2021, quarter=2)
    commune = Commune.objects.filter(district=district).order_by("slug").first()
    submission = Submission(commune=commune, period=q2)  # a draft, never handed in
    terms = period_terms(q2, district.pk)
    return {
        "forms": _codes(district),
        "figures": {code: (f.quarter, f.ytd) for code, f in d.figures.items()},
        "headline": [row.indicator.code for row in d.key_rows],
        "targets": {code: t.value_text for code, t in d.targets.items()},
        "narrative": d.narrative,
        "late": workflow.is_late(submission),
        "lock": workflow.lock_state(submission).locked,
        "terms": (terms.entry_deadline, terms.grace_days, terms.is_backfill),
    }


def _change_everything(user, district, year=2021):
    """Required off, an indicator unused, a headline added, a target, a deadline, back-fill."""
    _choose(user, district, HOUSES, is_required=False)
    _choose(user, district, ROADS, is_used=False)
    _choose(user, district, POOR_RATE, is_headline=True)
    houses = Indicator.objects.get(code=HOUSES)
    current = Target.objects.filter(district=district, year=year, indicator=houses,
                                    commune__isnull=True).first()
    save_targets(user, district, year, [TargetInput(houses, "1.234", "", "demo",
                                                    current.version if current else 0)])
    q1 = ReportingPeriod.objects.get(year=2021, quarter=1)
    q2 = ReportingPeriod.objects.get(year=2021, quarter=2)
    save_unit_period(user, district, q2, datetime.date(2030, 1, 1), 9, False, 0)
    save_unit_period(user, district, q1, q1.entry_deadline, q1.grace_days, True, 0)


@pytest.mark.parametrize("changer", ["nx-staff", "staff"])
def test_one_units_choices_never_change_the_others(demo, ky_anh, nghi_xuan, committee, changer):
    from communes.models import User

    user = User.objects.get(username=changer)
    mine, other = (nghi_xuan, ky_anh) if changer == "nx-staff" else (ky_anh, nghi_xuan)
    reader = User.objects.get(username="admin")
    before_other = _everything_of(other, reader)
    before_mine = _everything_of(mine, reader)

    _change_everything(user, mine)

    assert _everything_of(other, reader) == before_other
    after = _everything_of(mine, reader)
    assert after != before_mine
    codes = dict(after["forms"])
    assert ROADS not in codes and codes[HOUSES] is False  # unused; not required
    assert POOR_RATE in after["headline"]
    assert after["targets"][HOUSES] == "1.234"
    assert after["terms"][:2] == (datetime.date(2030, 1, 1), 9)
    assert not after["lock"] and not after["late"]  # the unit's later deadline


def test_required_choice_decides_what_blocks_submitting(ky_anh, nghi_xuan, staff, ky_tay):
    later = ReportingPeriod.objects.create(year=2030, quarter=1,
                                           entry_deadline=datetime.date(2030, 4, 10))
    empty = Submission.objects.create(commune=ky_tay, period=later)
    houses = Indicator.objects.get(code=HOUSES)
    required = {i.pk for i in entry.entered_indicators(ky_anh) if i.is_required}
    assert houses.pk in required
    for indicator in entry.entered_indicators(ky_anh):
        if indicator.is_required:
            _choose(staff, ky_anh, indicator.code, is_required=False)
    _set, criteria = entry.criteria_for(empty)
    missing = entry.missing_sections(empty, entry.entered_indicators(ky_anh), criteria)
    assert "Quarterly figures" not in [str(m) for m in missing]
    assert "Số liệu quý" not in [str(m) for m in missing]
    # Nghi Xuân still requires them.
    assert houses.pk in {i.pk for i in entry.entered_indicators(nghi_xuan) if i.is_required}


def test_unused_indicator_leaves_the_form_the_import_and_the_api(client_for, ky_anh, staff,
                                                                   officer, open_period):
    _choose(staff, ky_anh, ROADS, is_used=False)
    client = client_for(officer)
    url = f"/communes/ky-tay/{open_period.year}/q{open_period.quarter}/"
    html = client.get(url).content.decode()
    roads = Indicator.objects.get(code=ROADS)
    houses = Indicator.objects.get(code=HOUSES)
    assert f'name="value-{houses.pk}"' in html and f'name="value-{roads.pk}"' not in html
    api = client.get(f"/api/indicators/?code={ROADS}").json()
    assert api["results"][0]["is_active"] is False
    assert client.get("/api/indicators/?is_active=false").json()["count"] >= 1


def test_back_filled_for_one_unit_is_not_late_there_only(ky_anh, nghi_xuan, staff, ky_tay):
    q1 = ReportingPeriod.objects.get(year=2021, quarter=1)
    xuan_hoi = Commune.objects.get(slug="xuan-hoi")
    late_here = Submission(commune=ky_tay, period=q1, submitted_at=timezone.now(),
                           submitted_late=True)
    late_there = Submission(commune=xuan_hoi, period=q1, submitted_at=timezone.now(),
                            submitted_late=True)
    assert workflow.is_late(late_here) and workflow.is_late(late_there)
    save_unit_period(staff, ky_anh, q1, q1.entry_deadline, q1.grace_days, True, 0)
    q1 = ReportingPeriod.objects.get(pk=q1.pk)
    late_here.period = late_there.period = q1
    assert not workflow.is_late(late_here)
    assert workflow.is_late(late_there)
    d = _narrative(ky_anh, staff, q1)
    assert d.terms.is_backfill
    assert not any("nộp muộn" in p or "late" in p for p in d.narrative)


def test_a_unit_opening_a_current_quarter_for_back_fill_is_refused(ky_anh, staff, open_period):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        save_unit_period(staff, ky_anh, open_period, open_period.entry_deadline,
                         open_period.grace_days, True, 0)
    assert "is_backfill" in refused.value.message_dict
    assert not UnitPeriodSetting.objects.exists()


def test_headline_choice_is_what_the_narrative_must_mention(ky_anh, staff, admin_user):
    before = _narrative(ky_anh, admin_user)
    poor = before.figures["gnbv-poor-households"].quarter
    assert poor is not None
    name = Indicator.objects.get(code="gnbv-poor-households").name
    assert not any(name in p for p in before.narrative)
    _choose(staff, ky_anh, "gnbv-poor-households", is_headline=True)
    after = _narrative(ky_anh, admin_user)
    assert any(name in p for p in after.narrative)
    assert "gnbv-poor-households" in [row.indicator.code for row in after.key_rows]


# --- Permission, scope, version, history, cache ------------------------------------------


PAGES = ["/unit/indicators/", "/unit/targets/", "/unit/periods/"]


@pytest.mark.parametrize("url", PAGES)
def test_staff_of_one_unit_cannot_reach_anothers(client_for, staff, nx_staff, url):
    client = client_for(staff)
    assert client.get(url).status_code == 200
    assert client.get(url + "?unit=ky-anh").status_code == 200
    assert client.get(url + "?unit=nghi-xuan").status_code == 404
    assert client.post(url + "?unit=nghi-xuan", {}).status_code == 404
    client = client_for(nx_staff)
    assert client.get(url + "?unit=ky-anh").status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_readers_and_officers_do_not_change_a_units_settings(client_for, committee, officer,
                                                           url):
    for user in (committee, officer):
        response = client_for(user).get(url)
        assert response.status_code == 403


def test_services_refuse_another_units_staff(ky_anh, nghi_xuan, staff, nx_staff):
    houses = next(i for i in catalogue.catalogue_for(nghi_xuan) if i.code == HOUSES)
    with pytest.raises(PermissionDenied):
        catalogue.save_choices(staff, nghi_xuan, [ChoiceInput(houses, False, False, False, 0)])
    with pytest.raises(PermissionDenied):
        save_targets(staff, nghi_xuan, 2021, [TargetInput(houses, "5", "", "", 0)])
    q1 = ReportingPeriod.objects.get(year=2021, quarter=1)
    with pytest.raises(PermissionDenied):
        save_unit_period(nx_staff, ky_anh, q1, None, None, True, 0)
    assert not UnitIndicatorChoice.objects.exists()
    assert not UnitPeriodSetting.objects.exists()


def _catalogue_post(page_html, **changes):
    """The form as the page shows it (checked boxes, versions), with ``changes``."""
    data = {}
    for name, value in re.findall(r'name="(i\d+-version)" value="(\d+)"', page_html):
        data[name] = value
    for name in re.findall(r'<input type="checkbox" name="(i\d+-is_\w+)"[^>]*checked', page_html):
        data[name] = "on"
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_catalogue_page_saves_through_the_service_and_refuses_a_stale_page(client_for, staff,
                                                                            ky_anh):
    houses = Indicator.objects.get(code=HOUSES)
    client = client_for(staff)
    page = client.get("/unit/indicators/").content.decode()
    assert 'id="unit-catalogue"' in page and "Kỳ Anh" in page
    first = _catalogue_post(page, **{f"i{houses.pk}-is_required": None})
    response = client.post("/unit/indicators/", first)
    assert response.status_code == 302
    choice = UnitIndicatorChoice.objects.get(district=ky_anh, indicator=houses)
    assert (choice.is_used, choice.is_required, choice.version) == (True, False, 1)
    assert choice.history.first().history_user == staff
    assert Indicator.objects.get(pk=houses.pk).is_required  # the default is untouched

    # The same page posted again (loaded at version 0) is stale: nothing changes.
    second = _catalogue_post(page, **{f"i{houses.pk}-is_used": None})
    response = client.post("/unit/indicators/", second)
    assert response.status_code == 409
    choice.refresh_from_db()
    assert (choice.is_used, choice.is_required, choice.version) == (True, False, 1)
    assert "Không có thay đổi nào của bạn được lưu" in response.content.decode()


def _targets_post(page_html, **changes):
    data = dict(re.findall(r'name="(t\d+-version)" value="(\d+)"', page_html))
    for name, value in re.findall(r'name="(t\d+-(?:low|high|note))"[^>]*?(?:value="([^"]*)")?',
                                  page_html):
        data[name] = value
    data.update(changes)
    return data


def test_targets_page_saves_refuses_bad_input_and_stale_pages(client_for, staff, ky_anh):
    houses = Indicator.objects.get(code=HOUSES)
    client = client_for(staff)
    url = "/unit/targets/?unit=ky-anh&year=2022"
    page = client.get(url).content.decode()
    bad = client.post(url, _targets_post(page, **{f"t{houses.pk}-low": "abc",
                                                  f"t{houses.pk}-note": "ghi chú"}))
    assert bad.status_code == 400
    assert 'value="abc"' in bad.content.decode()  # shown again as typed
    assert not Target.objects.filter(year=2022).exists()
    range_ = client.post(url, _targets_post(page, **{f"t{houses.pk}-low": "5",
                                                     f"t{houses.pk}-high": "3"}))
    assert range_.status_code == 400 and not Target.objects.filter(year=2022).exists()
    assert "3" in range_.content.decode() and "cần sửa" in range_.content.decode()

    ok = client.post(url, _targets_post(page, **{f"t{houses.pk}-low": "4.054",
                                                 f"t{houses.pk}-note": "kế hoạch"}))
    assert ok.status_code == 302
    target = Target.objects.get(year=2022, district=ky_anh, indicator=houses)
    assert (target.low, target.high, target.version) == (Decimal("4054"), None, 1)
    assert target.history.first().history_user == staff

    stale = client.post(url, _targets_post(page, **{f"t{houses.pk}-low": "9"}))
    assert stale.status_code == 409
    target.refresh_from_db()
    assert target.low == Decimal("4054")

    page = client.get(url).content.decode()
    cleared = client.post(url, _targets_post(page, **{f"t{houses.pk}-low": "",
                                                      f"t{houses.pk}-note": ""}))
    assert cleared.status_code == 302
    assert not Target.objects.filter(year=2022, district=ky_anh, indicator=houses).exists()


def test_periods_page_saves_refuses_bad_input_and_stale_pages(client_for, staff, ky_anh):
    q2 = ReportingPeriod.objects.get(year=2021, quarter=2)
    client = client_for(staff)
    prefix = f"p{q2.pk}"
    data = {"prefix": prefix, f"{prefix}-entry_deadline": "20/07/2021",
            f"{prefix}-grace_days": "3", f"{prefix}-version": "0"}
    bad = client.post("/unit/periods/", {**data, f"{prefix}-entry_deadline": "31/02/2021"})
    assert bad.status_code == 200 and "31/02/2021" in bad.content.decode()
    early = client.post("/unit/periods/", {**data, f"{prefix}-entry_deadline": "01/01/2020"})
    assert early.status_code == 200 and not UnitPeriodSetting.objects.exists()

    assert client.post("/unit/periods/", data).status_code == 302
    setting = UnitPeriodSetting.objects.get(district=ky_anh, period=q2)
    assert (setting.entry_deadline, setting.grace_days, setting.version) == (
        datetime.date(2021, 7, 20), 3, 1)
    assert setting.history.first().history_user == staff
    assert ReportingPeriod.objects.get(pk=q2.pk).entry_deadline != setting.entry_deadline

    stale = client.post("/unit/periods/", {**data, f"{prefix}-grace_days": "7"})
    assert stale.status_code == 409
    setting.refresh_from_db()
    assert setting.grace_days == 3
    assert client.post("/unit/periods/", {"prefix": "p999999"}).status_code == 400


def test_a_province_administrator_picks_the_unit(client_for, admin_user, nghi_xuan):
    client = client_for(admin_user)
    page = client.get("/unit/indicators/?unit=nghi-xuan").content.decode()
    assert "Nghi Xuân" in page and 'id="unit-picker"' in page
    assert client.get("/unit/indicators/?unit=no-such-unit").status_code == 404


def test_every_write_bumps_the_dashboards(ky_anh, staff, committee, client_for):
    client = client_for(committee)
    client.get("/reports/2021/q1/")
    version = data_version()
    _choose(staff, ky_anh, POOR_RATE, is_headline=True)
    assert data_version() != version
    version = data_version()
    houses = Indicator.objects.get(code=HOUSES)
    save_targets(staff, ky_anh, 2030, [TargetInput(houses, "7", "", "", 0)])
    assert data_version() != version
    version = data_version()
    q2 = ReportingPeriod.objects.get(year=2021, quarter=2)
    save_unit_period(staff, ky_anh, q2, datetime.date(2031, 1, 1), None, None, 0)
    assert data_version() != version
    # And the cached page shows it: the poor-household rate is a headline card now.
    html = client.get("/reports/2021/q1/").content.decode()
    cards = html[:html.index('id="headline"')]
    assert Indicator.objects.get(code=POOR_RATE).name in cards


def test_stale_choice_through_the_service(ky_anh, staff):
    houses = next(i for i in catalogue.catalogue_for(ky_anh) if i.code == HOUSES)
    catalogue.save_choices(staff, ky_anh, [ChoiceInput(houses, True, False, False, 0)])
    with pytest.raises(StaleEdit):
        catalogue.save_choices(staff, ky_anh, [ChoiceInput(houses, False, False, False, 0)])
    assert UnitIndicatorChoice.objects.get(district=ky_anh, indicator=houses).is_used


def test_an_effective_indicator_cannot_become_the_default(ky_anh):
    indicator = catalogue.effective_indicators(ky_anh)[0]
    with pytest.raises(ValueError):
        indicator.save()


# --- Query counts at two sizes ------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_page_queries_do_not_grow_with_units_indicators_or_periods(client_for, admin_user,
                                                                   staff, url):
    from reports.scale import generate
    from io import StringIO

    client = client_for(staff)
    client.get(url)
    few = _queries(client, url)
    # More indicators, more choices, more periods and settings, and another district.
    base = Indicator.objects.get(code=HOUSES)
    for n in range(15):
        Indicator.objects.create(code=f"extra-{n}", name_vi=f"Thêm {n}", unit_vi="cái",
                                 programme=base.programme, kind=base.kind, position=100 + n)
    ky_anh = District.objects.get(slug="ky-anh")
    for indicator in Indicator.objects.filter(code__startswith="extra-")[:10]:
        UnitIndicatorChoice.objects.create(district=ky_anh, indicator=indicator, is_used=True,
                                           is_required=False, is_headline=False)
        Target.objects.create(district=ky_anh, indicator=indicator, year=2021, low=5)
    generate(30, 1, name="Huyện thử số truy vấn", province="Hà Tĩnh", stream=StringIO())
    for period in ReportingPeriod.objects.all()[:6]:
        UnitPeriodSetting.objects.create(district=ky_anh, period=period, grace_days=2)
    many = _queries(client, url)
    assert many == few, (url, few, many)
