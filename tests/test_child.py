"""Large work in a short-lived child process (ntm_portal/child.py): the district workbook."""

import os
import tempfile
import threading

import pytest
from django.db import connection

from ntm_portal import child


@pytest.fixture
def one_thread(monkeypatch):
    """The test run may hold other threads (a live server of the browser tests): the
    guard against forking beside them is tested on its own, below."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def _run_writing(work):
    """``child.run(work(out))`` and what ``work`` wrote to the shared file ``out``."""
    with tempfile.TemporaryFile(mode="w+") as out:
        def write():
            out.write(work())
            out.flush()
        child.run(write)
        out.seek(0)
        return out.read()


def test_the_work_runs_in_a_child_that_writes_to_the_parents_file(one_thread):
    assert child.can_fork()
    assert int(_run_writing(lambda: str(os.getpid()))) != os.getpid()


def test_a_failure_in_the_child_is_raised_in_the_parent_with_its_traceback(one_thread):
    def fail():
        raise ValueError("no such commune")

    with pytest.raises(child.ChildFailed, match="ValueError: no such commune"):
        child.run(fail)


def test_the_work_stays_here_inside_a_transaction(db, one_thread):
    """A new connection cannot read a transaction's uncommitted rows (a test's, as here,
    or ATOMIC_REQUESTS')."""
    assert not child.can_fork()
    assert _run_writing(lambda: str(os.getpid())) == str(os.getpid())


def test_the_work_stays_here_beside_other_threads_or_when_turned_off(settings, monkeypatch):
    """Forking beside other threads may copy a lock one of them holds into the child."""
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert not child.can_fork()
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    settings.EXPORT_IN_CHILD = False
    assert not child.can_fork()
    assert _run_writing(lambda: str(os.getpid())) == str(os.getpid())


@pytest.mark.postgres
def test_the_child_reads_on_its_own_connection_and_leaves_the_parents_alone(
        restore_demo, transactional_db, one_thread):
    from communes.models import Commune

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        session = cursor.fetchone()[0]
    kept = connection.connection

    def count():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != session
        return str(Commune.objects.count())

    assert int(_run_writing(count)) == Commune.objects.count() > 0
    assert connection.connection is kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == session


@pytest.mark.postgres
def test_the_workbook_written_in_a_child_is_the_one_written_here(
        restore_demo, transactional_db, one_thread, client_for, committee, settings):
    from django.utils import timezone

    from ntm_portal.formats import format_date
    from tests.reports.test_export_golden import fingerprint

    client = client_for(committee)
    workbooks = []
    for in_child in (True, False):
        settings.EXPORT_IN_CHILD = in_child
        response = client.get("/reports/2021/q1/export.xlsx")
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            'attachment; filename="bao-cao-ky-anh-2021-q1.xlsx"')
        workbooks.append(b"".join(response.streaming_content))
    today = format_date(timezone.localdate())
    assert fingerprint(workbooks[0], today) == fingerprint(workbooks[1], today)
