"""Every URL of the quarterly entry × every role of the cast, on Kỳ Tây's submission.

Out of scope → 404 (existence does not leak); in scope but read-only → 403;
allowed → anything else (200, 302, or 400 for a refused transition).
"""

import pytest

from communes import workflow
from communes.models import ModelArea

from .conftest import url

CAST = ["officer", "other_officer", "staff", "committee", "sponsor", "admin_user"]
OK, DENIED, HIDDEN = "ok", 403, 404

# (method, suffix) → expected outcome per role
MATRIX = {
    ("get", ""): dict(officer=OK, other_officer=HIDDEN, staff=OK, committee=OK, sponsor=OK, admin_user=OK),
    ("get", "history/"): dict(officer=OK, other_officer=HIDDEN, staff=OK, committee=OK, sponsor=OK, admin_user=OK),
    ("post", ""): dict(officer=OK, other_officer=HIDDEN, staff=DENIED, committee=DENIED, sponsor=DENIED, admin_user=DENIED),
    ("post", "submit/"): dict(officer=DENIED, other_officer=HIDDEN, staff=DENIED, committee=DENIED, sponsor=DENIED, admin_user=DENIED),
    ("post", "approve/"): dict(officer=DENIED, other_officer=HIDDEN, staff=OK, committee=DENIED, sponsor=DENIED, admin_user=OK),
    ("post", "return/"): dict(officer=DENIED, other_officer=HIDDEN, staff=OK, committee=DENIED, sponsor=DENIED, admin_user=OK),
    ("post", "reopen/"): dict(officer=DENIED, other_officer=HIDDEN, staff=OK, committee=DENIED, sponsor=DENIED, admin_user=OK),
}
REGISTRY = {
    "get": dict(officer=OK, other_officer=HIDDEN, staff=OK, committee=DENIED, sponsor=DENIED, admin_user=OK),
    "post": dict(officer=OK, other_officer=HIDDEN, staff=OK, committee=DENIED, sponsor=DENIED, admin_user=OK),
}
BOARD = dict(officer=DENIED, other_officer=DENIED, staff=OK, committee=DENIED, sponsor=DENIED, admin_user=OK)


def check(response, expected):
    if expected == OK:
        assert response.status_code not in (403, 404, 405, 500), response.status_code
    else:
        assert response.status_code == expected


@pytest.fixture
def submission(open_period, ky_tay):
    return workflow.get_or_create_submission(ky_tay, open_period)


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("method, suffix", list(MATRIX))
def test_submission_urls(request, client_for, submission, open_period, role, method, suffix):
    client = client_for(request.getfixturevalue(role))
    path = url("ky-tay", open_period, suffix)
    data = {"version": submission.version, "comment": "lý do"}
    response = client.get(path) if method == "get" else client.post(path, data)
    check(response, MATRIX[(method, suffix)][role])


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("which", ["new", "existing"])
def test_registry_urls(request, client_for, demo, role, method, which):
    client = client_for(request.getfixturevalue(role))
    if which == "new":
        path = "/communes/ky-tay/registries/areas/new/"
    else:
        record = ModelArea.objects.filter(village__commune__slug="ky-tay").first()
        path = f"/communes/ky-tay/registries/areas/{record.pk}/"
    response = client.get(path) if method == "get" else client.post(path, {})
    check(response, REGISTRY[method][role])


@pytest.mark.parametrize("role", CAST)
def test_review_board(request, client_for, open_period, role):
    client = client_for(request.getfixturevalue(role))
    check(client.get(f"/review/{open_period.year}/q{open_period.quarter}/"), BOARD[role])


@pytest.mark.parametrize("suffix", ["", "history/", "approve/"])
def test_anonymous_is_sent_to_login(client, open_period, suffix):
    response = client.get(url("ky-tay", open_period, suffix))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
