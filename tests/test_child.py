"""Large work in a short-lived child process (ntm_portal/child.py): the district workbook."""

import io
import logging
import os
import tempfile
import threading
import zipfile

import pytest
from django.db import connection

from ntm_portal import child


@pytest.fixture
def one_thread(monkeypatch):
    """The test run holds other threads (pytest-xdist's, a live server's): the guard
    against forking beside them is tested on its own, below."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


@pytest.fixture
def forkable(one_thread, monkeypatch):
    """For work that reads no database: the guard against the tests' in-memory SQLite
    (where the tests run without PostgreSQL) is tested on its own, below."""
    monkeypatch.setattr(child, "_reads_what_the_request_sees", lambda connection: True)
    assert child.can_fork()


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: the child cannot open the tests' in-memory SQLite.")


def _run_writing(work):
    """``child.run(work(out))`` and what ``work`` wrote to the shared file ``out``."""
    with tempfile.TemporaryFile(mode="w+") as out:
        def write():
            out.write(work())
            out.flush()
        child.run(write)
        out.seek(0)
        return out.read()


def test_the_work_runs_in_a_child_that_writes_to_the_parents_file(forkable):
    assert int(_run_writing(lambda: str(os.getpid()))) != os.getpid()


def test_a_failure_in_the_child_is_raised_in_the_parent_with_its_traceback(forkable):
    def fail():
        raise ValueError("no such commune")

    with pytest.raises(child.ChildFailed, match="ValueError: no such commune"):
        child.run(fail)


def test_a_child_that_dies_without_a_word_is_a_failure_too(forkable):
    with pytest.raises(child.ChildFailed, match="status"):
        child.run(lambda: os._exit(3))


def test_the_work_stays_here_inside_a_transaction(db, one_thread):
    """A new connection cannot read a transaction's uncommitted rows (a test's, as here,
    or ATOMIC_REQUESTS')."""
    assert not child.can_fork()
    assert _run_writing(lambda: str(os.getpid())) == str(os.getpid())


def test_the_work_stays_here_beside_other_threads_or_when_turned_off(settings, monkeypatch):
    """Forking beside other threads may copy a lock one of them holds into the child."""
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert not child.can_fork()
    assert _run_writing(lambda: str(os.getpid())) == str(os.getpid())
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    settings.EXPORT_IN_CHILD = False
    assert not child.can_fork()
    assert _run_writing(lambda: str(os.getpid())) == str(os.getpid())


def test_the_work_stays_here_on_an_in_memory_sqlite_database():
    """A new connection to ``:memory:`` would open another, empty database."""

    class InMemory:
        vendor, in_atomic_block = "sqlite", False

        def is_in_memory_db(self):
            return True

    class OnDisk(InMemory):
        def is_in_memory_db(self):
            return False

    assert not child._reads_what_the_request_sees(InMemory())
    assert child._reads_what_the_request_sees(OnDisk())


def test_a_refused_fork_does_the_work_here(forkable, monkeypatch):
    def refuse():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    assert _run_writing(lambda: str(os.getpid())) == str(os.getpid())


def test_one_child_at_a_time(forkable):
    """While a child is being waited for, another ``run`` (only a thread could start it)
    works in the process: never more children than workers."""
    assert child._ONE_CHILD.acquire(blocking=False)
    try:
        assert _run_writing(lambda: str(os.getpid())) == str(os.getpid())
    finally:
        child._ONE_CHILD.release()
    assert int(_run_writing(lambda: str(os.getpid()))) != os.getpid()


def test_a_failed_workbook_is_an_error_page_with_the_traceback_in_the_log(
        db, client_for, committee, one_thread, monkeypatch, caplog):
    """The child's failure answers at once with a page, and the log holds its traceback."""
    from reports import export, views

    monkeypatch.setattr(child, "can_fork", lambda: True)  # the test's transaction aside
    monkeypatch.setattr(views.Scope, "dashboard", lambda self: None)  # no database in the child

    def fail(dashboard, output):
        raise ValueError("the sheet exploded")

    monkeypatch.setattr(export, "write_workbook", fail)
    with caplog.at_level(logging.ERROR, logger="reports.views"):
        response = client_for(committee).get("/reports/2021/q1/export.xlsx")
    assert response.status_code == 500
    assert "reports/export_failed.html" in [t.name for t in response.templates]
    assert response["Content-Type"].startswith("text/html")
    assert 'href="/reports/2021/q1/"' in response.content.decode()
    assert "ValueError: the sheet exploded" in caplog.text


@pytest.mark.postgres
def test_the_child_reads_the_test_database_on_its_own_connection(
        restore_demo, transactional_db, one_thread):
    """The child's connection is opened with the inherited connection's settings (the
    test database), never on the parent's socket, which keeps working afterwards."""
    _needs_postgres()
    from communes.models import Commune

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        session = cursor.fetchone()[0]
    kept = connection.connection

    def count():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), current_database()")
            backend, database = cursor.fetchone()
        assert backend != session
        return f"{database} {Commune.objects.count()}"

    database, count_there = _run_writing(count).split()
    assert database == connection.settings_dict["NAME"]
    assert int(count_there) == Commune.objects.count() > 0
    assert connection.connection is kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == session


def _members(xlsx):
    """The workbook's parts, but its creation time (docProps/core.xml)."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name != "docProps/core.xml"}


@pytest.mark.postgres
def test_the_workbook_written_in_a_child_is_the_one_written_here(
        restore_demo, transactional_db, one_thread, client_for, committee, settings,
        monkeypatch):
    _needs_postgres()
    from django.utils import timezone

    from ntm_portal.formats import format_date
    from tests.reports.test_export_golden import fingerprint

    forks = []
    fork = os.fork

    def counted_fork():
        forks.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", counted_fork)
    client = client_for(committee)
    workbooks = []
    for in_child in (True, False):
        settings.EXPORT_IN_CHILD = in_child
        response = client.get("/reports/2021/q1/export.xlsx")
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            'attachment; filename="bao-cao-ky-anh-2021-q1.xlsx"')
        workbooks.append(b"".join(response.streaming_content))
    assert len(forks) == 1  # the first workbook in a child, the second here
    today = format_date(timezone.localdate())
    assert fingerprint(workbooks[0], today) == fingerprint(workbooks[1], today)
    assert _members(workbooks[0]) == _members(workbooks[1])
