"""Tokens for scripts: created and revoked on the profile page, stored only as a hash."""

import hashlib
import re

from communes.models import ApiToken


def create(client, name="script"):
    response = client.post("/accounts/profile/", {"name": name})
    assert response.status_code == 200
    return re.search(r"(ntm_[A-Za-z0-9_-]{20,})", response.text).group(1)


def test_a_token_is_shown_once_and_stored_as_a_hash(client_for, officer):
    client = client_for(officer)
    key = create(client)
    token = ApiToken.objects.get(user=officer)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in client.get("/accounts/profile/").text
    assert token.prefix in client.get("/accounts/profile/").text


def test_a_token_authenticates_scripts_with_its_owners_scope(client_for, client, officer):
    key = create(client_for(officer))
    client.logout()
    response = client.get("/api/communes/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["results"]] == ["ky-tay"]
    assert ApiToken.objects.get(user=officer).last_used is not None
    assert client.get("/api/communes/", HTTP_AUTHORIZATION="Token ntm_wrong").status_code == 401


def test_a_revoked_token_is_refused(client_for, client, officer):
    session = client_for(officer)
    key = create(session)
    token = ApiToken.objects.get(user=officer)
    session.post("/accounts/profile/", {"revoke": token.pk})
    session.logout()
    assert client.get("/api/communes/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_nobody_revokes_someone_elses_token(client_for, officer, other_officer):
    create(client_for(officer))
    token = ApiToken.objects.get(user=officer)
    client_for(other_officer).post("/accounts/profile/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is None


def test_rate_limits_answer_429(settings, client_for, client, officer):
    settings.API_RATE_USER = "3/minute"
    settings.API_RATE_ANON = "1/minute"
    from django.core.cache import cache

    cache.clear()
    session = client_for(officer)
    codes = [session.get("/api/periods/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    session.logout()
    # Anonymous users are refused (401) before any limit; the schema is theirs to read.
    assert client.get("/api/periods/").status_code == 401
    codes = [client.get("/api/schema/").status_code for _ in range(2)]
    assert codes == [200, 429]
    cache.clear()


def test_guessing_tokens_is_throttled(settings, client, demo):
    settings.API_RATE_ANON = "3/minute"
    from django.core.cache import cache

    cache.clear()
    codes = [client.get("/api/periods/", HTTP_AUTHORIZATION=f"Token ntm_guess{n}").status_code
             for n in range(4)]
    assert codes == [401, 401, 401, 429]
    cache.clear()


def test_an_oversize_request_is_refused_before_it_is_read(client_for, officer, settings):
    from communes import workflow
    from communes.models import ReportingPeriod

    settings.API_RATE_USER = None
    period = ReportingPeriod.objects.order_by("-year", "-quarter").first()
    sub = workflow.get_or_create_submission(officer.commune, period)
    period.entry_deadline = __import__("django.utils.timezone", fromlist=["x"]).localdate()
    period.save()
    response = client_for(officer).post(f"/api/submissions/{sub.pk}/import/", {"file": ""},
                                        CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 400 and "MB" in response.json()["errors"]["file"][0]

