import datetime
from io import StringIO

from django.apps import apps
from django.core.management import call_command

from communes.models import Commune, ReportingPeriod, User, Village


def counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ("communes", "criteria", "ocop", "auth")
    }


def test_seed_demo_twice_changes_nothing(demo):
    before = counts()
    passwords = dict(User.objects.values_list("username", "password"))
    out = StringIO()
    call_command("seed_demo", "--until", "2021", stdout=out)
    assert counts() == before
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "demo-ntm-2021" in out.getvalue()


def test_seed_has_the_district_and_its_users(demo):
    assert Commune.objects.filter(district__slug="ky-anh").count() == 21
    assert set(Commune.objects.filter(district__slug="nghi-xuan").values_list("slug", flat=True)) \
        == {"xuan-hoi", "dan-truong", "tien-dien"}
    assert not Village.objects.filter(is_invented=False).exists()
    usernames = set(User.objects.values_list("username", flat=True))
    assert {"admin", "staff", "committee", "sponsor", "ky-tay", "ky-lac", "ky-dong", "nx-staff",
            "nx-committee", "xuan-hoi", "dan-truong", "tien-dien", "province"} <= usernames
    units = {u.username: (u.district and u.district.slug, u.province and u.province.slug)
             for u in User.objects.filter(username__in=[
                 "staff", "committee", "sponsor", "nx-staff", "nx-committee", "province"])}
    assert units == {"staff": ("ky-anh", None), "committee": ("ky-anh", None),
                     "sponsor": ("ky-anh", None), "nx-staff": ("nghi-xuan", None),
                     "nx-committee": ("nghi-xuan", None), "province": (None, "ha-tinh")}
    assert User.objects.get(username="ky-tay").check_password("demo-ntm-2021")
    first = ReportingPeriod.objects.order_by("year", "quarter").first()
    assert (first.year, first.quarter) == (2021, 1)


def test_seed_catalogue_and_targets(demo):
    from criteria.models import CriteriaSet, Indicator, Target

    assert CriteriaSet.objects.get(code="xa-ntm-2016-2020").criteria.count() == 19
    assert CriteriaSet.objects.get(code="xa-ntm-2021-2025").criteria.count() == 19
    assert CriteriaSet.objects.get(code="huyen-ntm-2021-2025").criteria.count() == 9
    assert CriteriaSet.in_force("commune_standard", datetime.date(2021, 3, 31)).all_criteria().count() == 20
    assert CriteriaSet.in_force("commune_standard", datetime.date(2023, 3, 31)).code == "xa-ntm-2021-2025"
    advanced = Target.objects.get(indicator__code="ntm-communes-advanced", year=2021)
    assert (advanced.low, advanced.high, advanced.value_text) == (2, 3, "2–3")
    assert Target.objects.get(indicator__code="ntm-model-areas-new", year=2021).low == 37
    assert Indicator.objects.filter(code="ntm-houses-renovated", kind="flow").exists()


def test_no_migration_creates_users(django_db_blocker):
    import pathlib

    for path in pathlib.Path(".").glob("*/migrations/*.py"):
        assert "create_user" not in path.read_text() and "User.objects" not in path.read_text()
