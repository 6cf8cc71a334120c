"""While the database is unreachable: 503, a short Vietnamese page or JSON; then recovery by
itself (issue 12, failure 5)."""

from contextlib import contextmanager, nullcontext
from unittest import mock

import pytest

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


def _refuse(self, *args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


@contextmanager
def database_down(connecting=True):
    """Every query fails as when the server is gone, and (``connecting``) so does opening a
    connection. A live server shares the test's open connection: there, only queries fail."""
    patches = [mock.patch.object(BaseDatabaseWrapper, "cursor", _refuse)]
    if connecting:
        patches.append(mock.patch.object(BaseDatabaseWrapper, "ensure_connection", _refuse))
    with patches[0], (patches[1] if connecting else nullcontext()):
        yield


@pytest.fixture
def staff_client(client_for, staff):
    """Signed in; an exception in a view answers like in production instead of being raised."""
    client = client_for(staff)
    client.raise_request_exception = False
    return client


def test_pages_answer_503_in_vietnamese_and_recover(staff_client):
    client = staff_client
    with database_down():
        response = client.get("/communes/")
    assert response.status_code == 503
    assert "Cổng thông tin tạm thời gián đoạn" in response.text
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert client.get("/communes/").status_code == 200


def test_the_api_answers_503_in_json_and_recovers(staff_client):
    client = staff_client
    with database_down():
        response = client.get("/api/periods/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "cơ sở dữ liệu" in response.json()["detail"]
    assert client.get("/api/periods/").status_code == 200


def test_anonymous_pages_too(demo):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.post("/accounts/login/", {"username": "ky-tay", "password": "x"})
    assert response.status_code == 503


def test_other_errors_stay_500(staff_client):
    """Only a connection failure is an outage: a bug must not hide behind a 503."""
    from django.db import ProgrammingError

    client = staff_client

    def broken(*args, **kwargs):
        raise ProgrammingError("relation does not exist")

    with mock.patch("communes.views.render", broken):
        response = client.get("/communes/")
    assert response.status_code == 500


def test_connections_are_health_checked_before_reuse(settings):
    from django.db import connection

    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_the_outage_is_logged_in_one_line_not_a_traceback_per_request():
    import logging
    import sys

    from ntm_portal.outage import NotDatabaseOutage

    def record(exc):
        try:
            raise exc
        except Exception:
            info = sys.exc_info()
        return logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error",
                                 (), info)

    keep = NotDatabaseOutage().filter
    assert not keep(record(OperationalError("server closed the connection unexpectedly")))
    assert keep(record(ValueError("a bug")))
