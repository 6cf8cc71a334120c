"""Accounts: password change, staff reset with first-login change, idle limit, logout
everywhere (issue 12, failure 7)."""

import re
import time

import pytest
from django.test import Client

from communes.accounts import can_reset_password, reset_password
from communes.models import User
from communes.sessions import SEEN_KEY

RIGHT = "demo-ntm-2021"
NEW = "Lua-chin-vang-2026"


def _signed_in(username, password=RIGHT):
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.status_code
    return client


def test_every_user_changes_their_password_and_other_sessions_end(demo):
    here, elsewhere = _signed_in("committee"), _signed_in("committee")
    response = here.post("/accounts/password/", {
        "old_password": RIGHT, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert here.get("/").status_code == 200                # this session goes on
    assert elsewhere.get("/").status_code == 302           # the other one ended
    _signed_in("committee", NEW)


def test_a_wrong_old_password_is_refused_in_vietnamese_and_nothing_changes(demo):
    client = _signed_in("committee")
    response = client.post("/accounts/password/", {
        "old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    assert "Mật khẩu cũ không chính xác" in response.text
    assert User.objects.get(username="committee").check_password(RIGHT)


def test_staff_reset_an_officer_who_must_then_choose_a_new_password(demo):
    officer_session = _signed_in("ky-tay")
    staff = _signed_in("staff")
    officer = User.objects.get(username="ky-tay")
    response = staff.post("/admin/communes/user/", {
        "action": "reset_passwords", "_selected_action": [officer.pk]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    temporary = re.search(r'class="temporary-password">([^<]+)<', response.text).group(1)
    assert len(temporary) >= 12
    # The officer's open session ended; the old password no longer works.
    assert officer_session.get("/").status_code == 302
    assert Client().post("/accounts/login/", {"username": "ky-tay", "password": RIGHT}).status_code == 200
    # Signed in with the temporary password, every page leads to the password change.
    client = _signed_in("ky-tay", temporary)
    response = client.get("/communes/ky-tay/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/api/periods/").status_code == 403
    assert "đặt lại" in client.get("/accounts/password/").text
    response = client.post("/accounts/password/", {
        "old_password": temporary, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert client.get("/communes/ky-tay/").status_code == 200
    assert not User.objects.get(pk=officer.pk).must_change_password


@pytest.mark.parametrize("actor, target, allowed", [
    ("admin", "staff", True), ("admin", "ky-tay", True), ("staff", "ky-tay", True),
    ("staff", "committee", True), ("staff", "admin", False), ("ky-tay", "ky-lac", False),
    ("committee", "ky-tay", False), ("admin", "admin", False),
])
def test_who_may_reset_whom(demo, actor, target, allowed):
    actor, target = User.objects.get(username=actor), User.objects.get(username=target)
    assert can_reset_password(actor, target) is allowed


def test_a_refused_reset_changes_nothing(demo):
    from django.core.exceptions import PermissionDenied

    staff, admin = User.objects.get(username="staff"), User.objects.get(username="admin")
    with pytest.raises(PermissionDenied):
        reset_password(staff, admin)
    admin.refresh_from_db()
    assert admin.check_password(RIGHT) and not admin.must_change_password


def test_an_idle_session_ends(demo, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = _signed_in("ky-tay")
    assert client.get("/").status_code == 200
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/communes/ky-tay/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302
    page = client.get("/accounts/login/")
    assert "không hoạt động" in page.text


def test_an_active_session_goes_on(demo, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = _signed_in("ky-tay")
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/communes/ky-tay/").status_code == 200
    assert client.session[SEEN_KEY] >= int(time.time()) - 5   # activity pushed the limit on


def test_the_session_cookie_lasts_the_idle_limit(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60


def test_logout_everywhere_ends_every_session(demo):
    phone, office = _signed_in("ky-tay"), _signed_in("ky-tay")
    response = phone.post("/accounts/logout-everywhere/")
    assert response.status_code == 302
    assert phone.get("/").status_code == 302 and office.get("/").status_code == 302
    assert phone.get("/accounts/logout-everywhere/").status_code in (302, 405)
    _signed_in("ky-tay")  # signing in again works
