"""Shared fixtures: the demo district and a fixed cast of users (healthchecks' style).

The demo data is loaded once per test database; tests run in transactions that roll
back, so each test sees the same district. Browser tests (transactional) restore it
after their flush, see tests/e2e/conftest.py.
"""

from io import StringIO

import pytest
from django.core.management import call_command


def load_demo():
    from communes.models import District

    if not District.objects.filter(slug="ky-anh").exists():
        call_command("seed_demo", "--until", "2021", stdout=StringIO())


def load_reform_demo():
    """The 2026 demo on top of the 2021 one: 2024–2026 and the reform of 1 July 2025."""
    load_demo()
    call_command("seed_demo", "--until", "2026", stdout=StringIO())


@pytest.fixture
def reform_demo(db):
    """The 2026 demo (rolled back after the test); the province's post-reform record."""
    load_reform_demo()
    from communes.models import District

    return District.objects.get(slug="ha-tinh-2025")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: tests roll their data back, the cache not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def restore_demo(django_db_blocker):
    """For transactional tests: put the demo data back after Django's flush.

    List it before ``transactional_db``/``live_server`` so that it is torn down after them.
    """
    yield
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db):
    """The demo district (already loaded; reloaded if a transactional test flushed it)."""
    load_demo()
    from communes.models import District

    return District.objects.get(slug="ky-anh")


def open_latest_period():
    """The latest period, its entry deadline moved ten days ahead, whatever today is."""
    import datetime

    from django.utils import timezone

    from communes.models import ReportingPeriod

    period = ReportingPeriod.objects.order_by("-year", "-quarter").first()
    period.entry_deadline = timezone.localdate() + datetime.timedelta(days=10)
    period.save()
    return period


@pytest.fixture
def open_period(demo):
    """The latest period, open for entry (see ``open_latest_period``)."""
    return open_latest_period()


def _get_user(username):
    from communes.models import User

    return User.objects.get(username=username)


@pytest.fixture
def officer(demo):
    """Commune officer of Kỳ Tây."""
    return _get_user("ky-tay")


@pytest.fixture
def other_officer(demo):
    """Commune officer of Kỳ Lạc: an outsider to Kỳ Tây."""
    return _get_user("ky-lac")


@pytest.fixture
def staff(demo):
    return _get_user("staff")


@pytest.fixture
def committee(demo):
    return _get_user("committee")


@pytest.fixture
def sponsor(demo):
    """Member of the unit that sponsors Kỳ Tây."""
    return _get_user("sponsor")


@pytest.fixture
def province_user(demo):
    """Hà Tĩnh's steering committee: reads both demo districts."""
    return _get_user("province")


@pytest.fixture
def nx_staff(demo):
    """Staff of Nghi Xuân, the second demo district."""
    return _get_user("nx-staff")


@pytest.fixture
def admin_user(demo):
    return _get_user("admin")


@pytest.fixture
def ky_tay(demo):
    from communes.models import Commune

    return Commune.objects.get(slug="ky-tay")


@pytest.fixture
def ky_lac(demo):
    from communes.models import Commune

    return Commune.objects.get(slug="ky-lac")


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a test client signed in as ``user``."""

    def make(user):
        client.force_login(user)
        return client

    return make
