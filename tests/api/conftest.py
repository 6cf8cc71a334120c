import io

import pytest
from openpyxl import load_workbook

from communes import workflow


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    """Rate limits have their own test; elsewhere they would make results depend on order."""
    settings.API_RATE_ANON = None
    settings.API_RATE_USER = None


@pytest.fixture
def submissions(open_period, ky_tay, ky_lac):
    """Drafts of Kỳ Tây and Kỳ Lạc in the open period: {slug: Submission}."""
    return {c.slug: workflow.get_or_create_submission(c, open_period) for c in (ky_tay, ky_lac)}


@pytest.fixture
def api(client):
    """``api(user)``: a JSON client signed in as ``user`` (the session)."""

    class Api:
        def __init__(self, user):
            client.force_login(user)

        def get(self, url, **params):
            return client.get(url, params)

        def put(self, url, data):
            return client.put(url, data, content_type="application/json")

        def post(self, url, data=None):
            return client.post(url, data or {}, content_type="application/json")

    return Api


def workbook(content):
    return load_workbook(io.BytesIO(content))
