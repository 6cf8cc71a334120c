"""Login throttling (issue 12, failure 1) and the client address behind proxies (failure 2)."""

import time

import pytest
from django.core.cache import cache
from django.test import Client

from ntm_portal.client_ip import client_address

RIGHT = "demo-ntm-2021"


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return settings


def _login(client, username, password, url="/accounts/login/", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def test_wrong_passwords_lock_the_account_and_the_right_one_is_refused_then(limits, demo):
    client = Client()
    codes = [_login(client, "ky-tay", f"wrong-{n}").status_code for n in range(100)]
    assert codes[:4] == [200] * 4           # the form again, with its error
    assert set(codes[5:]) == {429}          # then locked
    response = _login(client, "ky-tay", RIGHT)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = response.text
    assert "Đăng nhập sai quá nhiều lần" in text and "Hãy thử lại sau" in text
    assert response["Retry-After"] == str(15 * 60)


def test_the_account_is_locked_from_any_address(limits, demo):
    for n in range(5):
        _login(Client(), "ky-lac", "wrong", REMOTE_ADDR=f"10.0.0.{n + 1}")
    assert _login(Client(), "ky-lac", RIGHT, REMOTE_ADDR="10.0.9.9").status_code == 429


def test_one_address_trying_many_accounts_is_locked(limits, demo):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for name in ["ky-bac", "ky-chau", "ky-dong", "ky-giang", "ky-hai"]:
        _login(client, name, "wrong")
    assert _login(client, "ky-hop", RIGHT).status_code == 429
    # Another address signs in to that account at once.
    assert _login(Client(REMOTE_ADDR="10.1.1.2"), "ky-hop", RIGHT).status_code == 302


def test_the_back_office_login_is_throttled_too(limits, demo):
    client = Client()
    codes = [_login(client, "admin", "wrong", url="/admin/login/").status_code for _ in range(8)]
    assert codes[-1] == 429
    response = _login(client, "admin", RIGHT, url="/admin/login/")
    assert response.status_code == 429
    assert "Hãy thử lại sau" in response.text


def test_a_changing_forwarded_for_header_does_not_escape_the_lock(limits, demo):
    client = Client()
    for n in range(6):
        _login(client, f"nobody-{n}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert _login(client, "ky-thu", RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


def test_a_right_password_before_the_limit_resets_the_count(limits, demo):
    client = Client(REMOTE_ADDR="10.2.2.2")
    for _ in range(4):
        _login(client, "ky-son", "wrong")
    assert _login(client, "ky-son", RIGHT).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "ky-son", "wrong")
    assert _login(client, "ky-son", RIGHT).status_code == 302


def test_failed_logins_and_lockouts_are_visible_to_administrators(limits, client_for, admin_user):
    for _ in range(6):
        _login(Client(REMOTE_ADDR="10.3.3.3"), "ky-tan", "wrong")
    client = client_for(admin_user)
    attempts = client.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200 and "ky-tan" in attempts.text
    failures = client.get("/admin/axes/accessfailurelog/")
    assert failures.status_code == 200 and "10.3.3.3" in failures.text


# ---------------------------------------------------------------- the client address

class _Request:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_address(_Request("192.0.2.10", "1.2.3.4")) == "192.0.2.10"


def test_with_one_trusted_proxy_the_address_it_appended_counts(settings):
    settings.TRUSTED_PROXIES = 1
    # The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
    assert client_address(_Request("127.0.0.1", "1.2.3.4, 198.51.100.20")) == "198.51.100.20"
    assert client_address(_Request("127.0.0.1")) == "127.0.0.1"
    assert client_address(_Request("127.0.0.1", "not-an-address")) == "127.0.0.1"


def test_with_two_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = 2
    forwarded = "1.2.3.4, 198.51.100.20, 10.0.0.5"
    assert client_address(_Request("10.0.0.6", forwarded)) == "198.51.100.20"


def test_wrong_tokens_with_a_changing_forwarded_header_are_throttled(settings, demo):
    settings.API_RATE_ANON = "5/minute"
    settings.TRUSTED_PROXIES = 0
    cache.clear()
    client = Client()
    codes = [client.get("/api/periods/", HTTP_AUTHORIZATION=f"Token ntm_guess{n}",
                        HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(200)]
    cache.clear()
    assert codes[:5] == [401] * 5
    assert codes.count(429) == 195


def test_the_production_cache_is_redis_and_sessions_use_it():
    import subprocess
    import sys

    from tests.test_settings import ROOT

    code = ("from django.conf import settings as s; "
            "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.TRUSTED_PROXIES)")
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/0",
           "BEHIND_PROXY": "1", "DJANGO_SETTINGS_MODULE": "ntm_portal.settings"}
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache",
                                     "django.contrib.sessions.backends.cached_db", "1"]


def test_two_processes_share_the_api_throttle_through_redis(settings, client_for, officer):
    """What several gunicorn workers do: each counts in the same Redis."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    import uuid

    from django.core.cache import caches

    prefix = f"ntm-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": prefix}}
    settings.API_RATE_USER = "4/minute"
    try:
        from rest_framework.throttling import SimpleRateThrottle

        SimpleRateThrottle.cache = caches["default"]
        session = client_for(officer)
        assert [session.get("/api/periods/").status_code for _ in range(2)] == [200, 200]
        # A second "worker": another connection to the same Redis records two more requests.
        other = caches.create_connection("default")
        key = f"throttle_user_{officer.pk}:w{int(time.time() // 60)}"
        assert other.get(key) == 2          # the second "worker" sees the first one's count
        other.incr(key, 2)                  # ...and adds its own two requests
        assert session.get("/api/periods/").status_code == 429
    finally:
        caches["default"].clear()
        SimpleRateThrottle.cache = caches["default"]


def test_the_limit_slides_across_the_boundary_of_two_windows(settings, client_for, officer, monkeypatch):
    """A fixed window would let a client make twice the rate around its boundary."""
    import ntm_portal.api_defaults as throttling

    settings.API_RATE_USER = "4/minute"
    cache.clear()
    session = client_for(officer)
    clock = [600 * 60 + 50.0]                       # 50 s into a minute
    monkeypatch.setattr(throttling.time, "time", lambda: clock[0])
    assert [session.get("/api/periods/").status_code for _ in range(5)] == [200] * 4 + [429]
    clock[0] += 15                                  # 5 s into the next minute
    assert session.get("/api/periods/").status_code == 429
    clock[0] += 50                  # 55 s into it: 4 × 5/60 of the old window still counts
    assert [session.get("/api/periods/").status_code for _ in range(3)] == [200] * 3
    response = session.get("/api/periods/")
    cache.clear()
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
