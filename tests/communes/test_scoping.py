"""The scoping function of each model, with the fixed cast of users."""

import pytest

from communes.models import Commune, NtmRecognition, ReportingPeriod, Village
from communes.scoping import CHANGE, VIEW


def visible_slugs(user, action=VIEW):
    return set(Commune.objects.restrict(user, action).values_list("slug", flat=True))


def test_officer_sees_and_changes_only_their_commune(officer):
    assert visible_slugs(officer) == {"ky-tay"}
    assert visible_slugs(officer, CHANGE) == {"ky-tay"}


def test_other_officer_does_not_see_ky_tay(other_officer):
    assert "ky-tay" not in visible_slugs(other_officer)
    assert not Village.objects.restrict(other_officer).filter(commune__slug="ky-tay").exists()


KY_ANH_21 = 21
NGHI_XUAN = {"xuan-hoi", "dan-truong", "tien-dien"}


@pytest.mark.parametrize("cast", ["staff", "committee"])
def test_district_readers_see_all_21_of_their_district_only(request, cast):
    slugs = visible_slugs(request.getfixturevalue(cast))
    assert len(slugs) == KY_ANH_21
    assert not slugs & NGHI_XUAN


def test_admin_and_province_see_both_districts(admin_user):
    from communes.models import User

    for user in (admin_user, User.objects.get(username="province")):
        slugs = visible_slugs(user)
        assert len(slugs) == KY_ANH_21 + 3 and NGHI_XUAN <= slugs


def test_province_account_changes_nothing(province_user):
    assert visible_slugs(province_user, CHANGE) == set()


def test_second_district_sees_only_itself(demo):
    from communes.models import District, User
    from criteria.models import Target

    for name in ("nx-staff", "nx-committee"):
        user = User.objects.get(username=name)
        assert visible_slugs(user) == NGHI_XUAN
        assert set(District.objects.restrict(user).values_list("slug", flat=True)) == {"nghi-xuan"}
        assert not Target.objects.restrict(user).filter(district__slug="ky-anh").exists()
    assert visible_slugs(User.objects.get(username="nx-staff"), CHANGE) == NGHI_XUAN


def test_a_staff_account_without_a_unit_sees_no_commune(demo):
    from communes.choices import Role
    from communes.models import User

    user = User.objects.create(username="no-unit", role=Role.STAFF)
    assert visible_slugs(user) == set()


def test_a_unit_role_needs_a_unit_and_only_one(demo):
    from django.core.exceptions import ValidationError

    from communes.choices import Role
    from communes.models import District, Province, User

    with pytest.raises(ValidationError) as error:
        User(username="x", role=Role.COMMITTEE).clean()
    assert set(error.value.message_dict) == {"district"}
    with pytest.raises(ValidationError) as error:
        User(username="x", role=Role.STAFF, district=District.objects.get(slug="ky-anh"),
             province=Province.objects.get(slug="ha-tinh")).clean()
    assert set(error.value.message_dict) == {"province"}
    User(username="x", role=Role.STAFF, province=Province.objects.get(slug="ha-tinh")).clean()


def test_committee_changes_nothing(committee):
    assert visible_slugs(committee, CHANGE) == set()
    assert not ReportingPeriod.objects.restrict(committee, CHANGE).exists()


def test_staff_changes_everything_of_their_district(staff):
    assert len(visible_slugs(staff, CHANGE)) == 21
    assert not visible_slugs(staff, CHANGE) & NGHI_XUAN
    assert ReportingPeriod.objects.restrict(staff, CHANGE).exists()


def test_sponsor_reads_its_sponsored_commune_only(sponsor):
    assert visible_slugs(sponsor) == {"ky-tay"}
    assert visible_slugs(sponsor, CHANGE) == set()


def test_related_models_follow_the_commune(officer):
    assert set(NtmRecognition.objects.restrict(officer).values_list("commune__slug", flat=True)) <= {"ky-tay"}
    assert Village.objects.restrict(officer).count() == Village.objects.filter(commune__slug="ky-tay").count()


def test_anonymous_and_inactive_users_see_nothing(officer):
    from django.contrib.auth.models import AnonymousUser

    assert visible_slugs(AnonymousUser()) == set()
    officer.is_active = False
    assert visible_slugs(officer) == set()


def test_officer_reads_district_wide_records_but_cannot_change_them(officer):
    assert ReportingPeriod.objects.restrict(officer).exists()
    assert not ReportingPeriod.objects.restrict(officer, CHANGE).exists()
