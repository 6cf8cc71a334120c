"""The 2026–2030 rules: commune groups per year, thresholds by group, the set in force from
15 February 2026, the pilot modern level (docs/DOMAIN.md#the-2026-2030-rules).

The same value meets the threshold for a commune of one group and not for another; the
2021–2025 gaps are untouched by groups; groups are written by one door with the unit's
scope, Vietnamese refusals, versions and a repeated post that writes nothing twice.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from communes.choices import NtmLevel, SubmissionStatus
from communes.models import Commune, NtmRecognition, ReportingPeriod, Submission
from communes.versioning import StaleEdit
from criteria.choices import SetLevel, ThresholdDirection
from criteria.commune_groups import GroupInput, groups_in_year, save_groups, threshold_rule
from criteria.gaps import commune_gaps
from criteria.models import (CommuneCriteriaGroup, CriteriaSet, CriterionAssessment,
                             CriterionIndicator, CriterionIndicatorThreshold,
                             CriterionIndicatorValue)


def _assess(commune, period, criterion, values):
    """An unmet assessment of ``criterion`` with sub-indicator ``values`` {code: Decimal}."""
    submission, _new = Submission.objects.get_or_create(
        commune=commune, period=period, defaults={"status": SubmissionStatus.APPROVED})
    assessment = CriterionAssessment.objects.create(submission=submission, criterion=criterion,
                                                    is_met=False)
    for code, value in values.items():
        CriterionIndicatorValue.objects.create(
            assessment=assessment, indicator=criterion.indicators.get(code=code), value=value)
    return assessment


@pytest.fixture
def set_2026(demo):
    return CriteriaSet.objects.get(code="xa-ntm-2026-2030")


@pytest.fixture
def q1_2026(demo):
    return ReportingPeriod.objects.get(year=2026, quarter=1)


def _set_groups(staff, district, year, groups):
    inputs = [GroupInput(c, str(g), 0) for c, g in groups.items()]
    changed, checked = save_groups(staff, district, year, inputs)
    assert not any(data.errors for data in checked)
    return changed


# --- the rules in force --------------------------------------------------------------


def test_the_set_in_force_changes_on_15_february_2026(demo):
    before = CriteriaSet.in_force(SetLevel.COMMUNE_STANDARD, datetime.date(2026, 2, 14))
    after = CriteriaSet.in_force(SetLevel.COMMUNE_STANDARD, datetime.date(2026, 2, 15))
    assert before.code == "xa-ntm-2021-2025" and not before.thresholds_by_group
    assert after.code == "xa-ntm-2026-2030" and after.thresholds_by_group
    assert after.all_criteria().count() == 10 and before.all_criteria().count() == 19
    modern = CriteriaSet.in_force(SetLevel.COMMUNE_MODERN, datetime.date(2026, 2, 15))
    assert modern is not None and modern.level == SetLevel.COMMUNE_MODERN
    assert CriteriaSet.in_force(SetLevel.COMMUNE_MODERN, datetime.date(2026, 2, 14)) is None


def test_untranscribed_thresholds_are_marked_illustrative(set_2026):
    indicators = CriterionIndicator.objects.filter(criterion__criteria_set=set_2026)
    thresholds = CriterionIndicatorThreshold.objects.filter(indicator__in=indicators)
    assert indicators.exists() and thresholds.exists()
    # Nothing of the 47 indicators' thresholds is in our sources: none may claim to be official.
    assert not indicators.filter(is_official=True).exists()
    assert not thresholds.filter(is_official=True).exists()
    assert all("minh họa" in t.requirement for t in thresholds)


def test_modern_is_the_highest_level_and_counts_as_every_lower_one(ky_tay):
    assert list(NtmLevel)[-1] == NtmLevel.MODERN
    assert NtmLevel.MODERN > NtmLevel.MODEL > NtmLevel.ADVANCED > NtmLevel.STANDARD
    NtmRecognition.objects.create(commune=ky_tay, level=NtmLevel.MODERN, year=2026,
                                  decision_number="1/QĐ-UBND (minh họa)",
                                  decision_date=datetime.date(2026, 6, 1))
    assert ky_tay.level_on(datetime.date(2026, 7, 1)) == NtmLevel.MODERN
    level = Commune.objects.with_level(datetime.date(2026, 7, 1), "now").get(pk=ky_tay.pk).now
    assert level >= NtmLevel.STANDARD and level >= NtmLevel.MODEL
    with translation.override("vi"):
        assert str(NtmLevel.MODERN.label) == "NTM hiện đại (thí điểm)"


# --- thresholds by group -------------------------------------------------------------


def test_the_same_value_meets_the_threshold_of_one_group_and_not_another(
        demo, staff, set_2026, q1_2026):
    """8.1 (at least; group 2 lower than group 1) and 6.1 (at most) for two communes."""
    water = set_2026.all_criteria().get(number=8)
    poverty = set_2026.all_criteria().get(number=6)
    water_1, water_2 = (CriterionIndicatorThreshold.objects.get(
        indicator__criterion=water, indicator__code="8.1", group=g) for g in (1, 2))
    assert water_2.threshold < water_1.threshold
    poor_1 = CriterionIndicatorThreshold.objects.get(indicator__criterion=poverty, group=1)
    poor_2 = CriterionIndicatorThreshold.objects.get(indicator__criterion=poverty, group=2)
    assert poor_2.direction == ThresholdDirection.AT_MOST and poor_1.threshold < poor_2.threshold
    # Values between the two groups' thresholds.
    water_value = (water_1.threshold + water_2.threshold) / 2
    poor_value = (poor_1.threshold + poor_2.threshold) / 2
    one, two = demo.communes.order_by("name")[:2]
    _set_groups(staff, demo, 2026, {one: 1, two: 2})
    for commune in (one, two):
        _assess(commune, q1_2026, water, {"8.1": water_value})
        _assess(commune, q1_2026, poverty, {"6.1": poor_value})
    gaps = commune_gaps(q1_2026, Commune.objects.filter(pk__in=[one.pk, two.pk]))

    def gap(commune, number):
        return next(g for g in gaps[commune.pk] if g.criterion.number == number).gaps[0]

    assert not gap(one, 8).is_met and gap(one, 8).missing == water_1.threshold - water_value
    assert gap(two, 8).is_met and gap(two, 8).missing == 0
    assert not gap(one, 6).is_met and gap(one, 6).missing == poor_value - poor_1.threshold
    assert gap(two, 6).is_met
    assert gap(one, 8).rule.group == 1 and gap(two, 8).rule.group == 2
    with translation.override("vi"):
        assert "còn thiếu" in gap(one, 8).missing_text


def test_a_commune_without_a_group_has_no_threshold_and_says_so(demo, set_2026, q1_2026):
    commune = demo.communes.order_by("name").first()
    water = set_2026.all_criteria().get(number=8)
    _assess(commune, q1_2026, water, {"8.1": Decimal("10")})
    gap = commune_gaps(q1_2026, Commune.objects.filter(pk=commune.pk))[commune.pk][0].gaps[0]
    assert not gap.has_threshold and gap.missing is None
    with translation.override("vi"):
        assert gap.missing_text == "chưa xác định nhóm của xã"


def test_a_group_holds_for_later_years_until_changed(demo, staff):
    commune = demo.communes.order_by("name").first()
    _set_groups(staff, demo, 2026, {commune: 3})
    assert groups_in_year([commune], 2025) == {}
    assert groups_in_year([commune], 2028) == {commune.pk: 3}
    _set_groups(staff, demo, 2028, {commune: 1})
    assert groups_in_year([commune], 2027) == {commune.pk: 3}
    assert groups_in_year([commune], 2029) == {commune.pk: 1}


def test_2021_2025_gaps_ignore_groups(demo, staff):
    """A group (and thresholds by group on the old set's indicators) change nothing there."""
    period = ReportingPeriod.objects.get(year=2021, quarter=2)
    communes = Commune.objects.filter(slug__in=["ky-tay", "ky-lac"])
    before = {c: [(g.criterion.pk, [(x.indicator.code, x.value, x.missing, x.projected)
                                    for x in g.gaps]) for g in gaps]
              for c, gaps in commune_gaps(period, communes).items()}
    schools = CriterionIndicator.objects.get(
        criterion__criteria_set__code="xa-ntm-2016-2020", code="5.1")
    CriterionIndicatorThreshold.objects.create(indicator=schools, group=1, threshold=1)
    CommuneCriteriaGroup.objects.create(commune=communes.get(slug="ky-tay"), year=2021, group=1)
    after = {c: [(g.criterion.pk, [(x.indicator.code, x.value, x.missing, x.projected)
                                   for x in g.gaps]) for g in gaps]
             for c, gaps in commune_gaps(period, communes).items()}
    assert after == before and before
    assert threshold_rule(schools).threshold == schools.threshold


def test_gaps_by_group_query_count_does_not_grow(demo, staff, set_2026, q1_2026):
    water = set_2026.all_criteria().get(number=8)

    def count(n):
        communes = list(demo.communes.order_by("name")[:n])
        for commune in communes:
            if not CriterionAssessment.objects.filter(submission__commune=commune,
                                                      submission__period=q1_2026).exists():
                _assess(commune, q1_2026, water, {"8.1": Decimal("60")})
        _set_groups(staff, demo, 2026, {c: 1 + i % 3 for i, c in enumerate(communes)})
        with CaptureQueriesContext(connection) as queries:
            commune_gaps(q1_2026, Commune.objects.filter(pk__in=[c.pk for c in communes]))
        return len(queries)

    assert count(2) == count(8) <= 5


# --- the one door ----------------------------------------------------------------------


def test_save_groups_validates_in_vietnamese_and_writes_nothing_on_error(demo, staff):
    one, two = demo.communes.order_by("name")[:2]
    with translation.override("vi"):
        changed, checked = save_groups(staff, demo, 2026, [GroupInput(one, "2", 0),
                                                           GroupInput(two, "7", 0)])
    assert changed == 0 and checked[1].errors == ["Chọn nhóm 1, 2 hoặc 3."]
    assert not CommuneCriteriaGroup.objects.filter(commune__in=[one, two]).exists()
    with translation.override("vi"), pytest.raises(StaleEdit) as refused:
        save_groups(staff, demo, 2025, [GroupInput(one, "2", 0)])
    assert "2026" in str(refused.value) and "Nhóm xã" in str(refused.value)


def test_save_groups_scope(demo, staff, officer, committee, nx_staff, province_user):
    commune = demo.communes.order_by("name").first()
    for user in (officer, committee, nx_staff, province_user):
        with pytest.raises(PermissionDenied):
            save_groups(user, demo, 2026, [GroupInput(commune, "1", 0)])
    other = Commune.objects.exclude(district=demo).first()
    with pytest.raises(PermissionDenied):
        save_groups(staff, demo, 2026, [GroupInput(other, "1", 0)])
    assert not CommuneCriteriaGroup.objects.exists()


def test_double_submit_writes_once_and_a_stale_page_is_refused(demo, staff, admin_user):
    commune = demo.communes.order_by("name").first()
    assert save_groups(staff, demo, 2026, [GroupInput(commune, "2", 0)])[0] == 1
    assert save_groups(staff, demo, 2026, [GroupInput(commune, "2", 0)])[0] == 0  # again
    record = CommuneCriteriaGroup.objects.get(commune=commune)
    assert (record.group, record.version) == (2, 1)
    assert record.history.count() == 1 and record.history.first().history_user == staff
    # Someone else changes it; a page loaded before (version 1) is then stale.
    assert save_groups(admin_user, demo, 2026, [GroupInput(commune, "3", 1)])[0] == 1
    with translation.override("vi"), pytest.raises(StaleEdit) as refused:
        save_groups(staff, demo, 2026, [GroupInput(commune, "1", 1)])
    assert "2026" in str(refused.value)
    record.refresh_from_db()
    assert (record.group, record.version) == (3, 2)
    # Emptying the year's own choice removes it (nothing of an earlier year to hold).
    assert save_groups(staff, demo, 2026, [GroupInput(commune, "", 2)])[0] == 1
    assert not CommuneCriteriaGroup.objects.filter(commune=commune).exists()


def test_a_later_year_equal_to_the_earlier_group_stores_nothing(demo, staff):
    commune = demo.communes.order_by("name").first()
    _set_groups(staff, demo, 2026, {commune: 2})
    assert _set_groups(staff, demo, 2027, {commune: 2}) == 0
    assert CommuneCriteriaGroup.objects.filter(commune=commune).count() == 1
    with translation.override("vi"):
        _changed, checked = save_groups(staff, demo, 2027, [GroupInput(commune, "", 0)])
    assert checked[0].errors and "năm trước" in checked[0].errors[0]


# --- the staff page --------------------------------------------------------------------

PAGE = "/unit/commune-groups/"


def test_the_page_saves_once_and_refuses_others(demo, staff, officer, nx_staff, client_for):
    communes = list(demo.communes.all())
    page = client_for(staff).get(PAGE, {"unit": demo.slug, "year": 2026})
    assert page.status_code == 200 and len(page.context["forms"]) == len(communes)
    assert client_for(officer).get(PAGE, {"unit": demo.slug}).status_code in (403, 404)
    assert client_for(nx_staff).get(PAGE, {"unit": demo.slug}).status_code == 404
    target = communes[0]
    post = {f"c{c.pk}-group": "" for c in communes}
    post.update({f"c{c.pk}-version": "0" for c in communes})
    post[f"c{target.pk}-group"] = "3"
    staff_client = client_for(staff)
    url = f"{PAGE}?unit={demo.slug}&year=2026"
    assert staff_client.post(url, post).status_code == 302
    assert staff_client.post(url, post).status_code == 302  # the same post again
    assert list(CommuneCriteriaGroup.objects.values_list("commune_id", "group", "year")) == [
        (target.pk, 3, 2026)]
    post[f"c{target.pk}-group"] = "9"
    with translation.override("vi"):
        refused = staff_client.post(url, post, HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 400 and "Chọn nhóm 1, 2 hoặc 3." in refused.content.decode()
    assert CommuneCriteriaGroup.objects.get().group == 3


def test_the_page_lists_the_communes_of_the_year_only(demo, staff, client_for):
    """A commune merged away before the year, or created after it, has no group to set."""
    import datetime

    from communes.models import Commune

    gone = Commune.objects.get(slug="ky-tay")
    gone.valid_to = datetime.date(2025, 6, 30)
    gone.save()
    later = Commune.objects.create(district=demo, name="Xã mới", slug="xa-moi-2027",
                                   valid_from=datetime.date(2027, 1, 1))
    listed = {form.commune.pk for form in client_for(staff).get(
        PAGE, {"unit": demo.slug, "year": 2026}).context["forms"]}
    assert gone.pk not in listed and later.pk not in listed
    assert Commune.objects.get(slug="ky-lac").pk in listed
    # Merged away during the year: it still had a group for the part of the year it lived.
    Commune.objects.filter(slug="ky-lac").update(valid_to=datetime.date(2026, 6, 30))
    listed = {form.commune.pk for form in client_for(staff).get(
        PAGE, {"unit": demo.slug, "year": 2026}).context["forms"]}
    assert Commune.objects.get(slug="ky-lac").pk in listed


def test_the_page_queries_do_not_grow_with_communes(demo, staff, client_for):
    client = client_for(staff)
    client.get(PAGE, {"unit": demo.slug, "year": 2026})  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE, {"unit": demo.slug, "year": 2026})
    from communes.models import Commune as C

    extra = [C(district=demo, name=f"Xã thử {i}", slug=f"xa-thu-{i}") for i in range(15)]
    C.objects.bulk_create(extra)
    with CaptureQueriesContext(connection) as many:
        client.get(PAGE, {"unit": demo.slug, "year": 2026})
    assert len(many) == len(few)


# --- Resolution 257: one programme from 2026 ---------------------------------------------


def test_reports_from_2026_show_the_programmes_as_components_of_one(demo, staff, client_for):
    from criteria.programmes import programme_of_year
    from reports.dashboard import build_dashboard

    communes = demo.communes.all()
    with translation.override("vi"):
        old = build_dashboard(ReportingPeriod.objects.get(year=2021, quarter=1), demo, communes)
        new = build_dashboard(ReportingPeriod.objects.get(year=2026, quarter=1), demo, communes)
        old_labels = [str(label) for label, _rows in old.programmes]
        new_labels = [str(label) for label, _rows in new.programmes]
    assert old.merged_programme is None and programme_of_year(2025) is None
    # The pilot modern level is listed from 2026 only; 2021's levels are as they were.
    assert [level for level, _n in old.levels] == [
        NtmLevel.NOT_YET, NtmLevel.STANDARD, NtmLevel.ADVANCED, NtmLevel.MODEL]
    assert [level for level, _n in new.levels][-1] == NtmLevel.MODERN
    assert "Xây dựng nông thôn mới" in old_labels and not any("Hợp phần" in x for x in old_labels)
    assert new.merged_programme is programme_of_year(2026)
    assert "Hợp phần: Xây dựng nông thôn mới" in new_labels
    client = client_for(staff)
    page_2026 = client.get("/reports/2026/q1/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    page_2021 = client.get("/reports/2021/q1/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'id="merged-programme"' in page_2026 and "257/2025/QH15" in page_2026
    assert 'id="merged-programme"' not in page_2021


def test_the_api_gives_the_thresholds_by_group(demo, client_for, staff, set_2026):
    client = client_for(staff)
    sets = client.get("/api/criteria-sets/", {"code": "xa-ntm-2026-2030"}).json()
    rows = sets["results"] if isinstance(sets, dict) else sets
    assert rows[0]["thresholds_by_group"] is True
    water = CriterionIndicator.objects.get(criterion__criteria_set=set_2026, code="8.1")
    body = client.get(f"/api/criterion-indicators/{water.pk}/").json()
    assert [t["group"] for t in body["group_thresholds"]] == [1, 2, 3]
    assert not any(t["is_official"] for t in body["group_thresholds"])
