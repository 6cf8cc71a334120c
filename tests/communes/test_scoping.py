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


@pytest.mark.parametrize("cast", ["staff", "committee", "admin_user"])
def test_district_readers_see_all_21(request, cast):
    assert len(visible_slugs(request.getfixturevalue(cast))) == 21


def test_committee_changes_nothing(committee):
    assert visible_slugs(committee, CHANGE) == set()
    assert not ReportingPeriod.objects.restrict(committee, CHANGE).exists()


def test_staff_changes_everything(staff):
    assert len(visible_slugs(staff, CHANGE)) == 21
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
