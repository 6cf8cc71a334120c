"""Large work (a district's workbook) in a short-lived child process, so that the worker
that serves the request keeps its size.

Python gives the memory of freed objects back to the system only by whole 1 MiB arenas
(pymalloc), and an arena stays as long as one object in it lives. A workbook of 10,000
communes makes millions of short-lived objects; the few that outlive it (the request's
own objects, entries of CPython's and Django's small caches) pin arenas that are
otherwise empty, so a gunicorn worker stayed 15 to 30 MB larger after a district workbook
until it was recycled (docs/BENCHMARKS.md). ``run`` forks: the child does the work and
exits, and everything it allocated goes with it, whatever started the worker.

The child shares the parent's open files: the work writes its result to a file the
parent opened before (a temporary file, which the parent then streams). It never uses
nor closes the parent's database connections (their sockets are the parent's: a query
or a close from the child, even a connection freed by the garbage collector, would break
the parent's session): they stay referenced until the child ends with ``os._exit``, and
the child opens its own on demand, from the very settings of the connection it inherits
(``settings_dict``: the test database when pytest-django switched to it), not from
``settings.DATABASES``. So the child reads what is committed, and ``run`` works in the
process itself when that is not what the request sees: inside a transaction
(``ATOMIC_REQUESTS``, most tests), whose uncommitted rows a new connection cannot read,
or on an in-memory SQLite database, which a new connection would find empty.

It works in the process itself too where forking is unsafe or impossible: other threads
running (the development server, gunicorn's ``--threads``: a lock one of them holds would
stay held in the child), no ``os.fork`` (Windows), a fork refused by the system, or
``EXPORT_IN_CHILD`` off. A process runs one child at a time (a second ``run`` while one
waits, which only a thread could start, works in the process), so there are never more
children than sync workers, however often the button is clicked.
"""

import copy
import ctypes
import ctypes.util
import gc
import logging
import os
import signal
import threading
import traceback

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# The parent's database connections, kept referenced in the child until it exits:
# freeing one would close its socket, which the parent still uses.
_INHERITED = []
# Signals the worker handles (gunicorn's stop, reload, abort): the child's defaults.
_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH",
            "SIGABRT", "SIGCHLD")
_PR_SET_PDEATHSIG = 1
# One child at a time in a process.
_ONE_CHILD = threading.Lock()


class ChildFailed(RuntimeError):
    """The child process failed; the message holds its traceback."""


def _reads_what_the_request_sees(connection):
    if connection.in_atomic_block:
        return False  # a new connection would not see the transaction's rows
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return False  # a new connection would open another, empty database
    return True


def can_fork():
    """Whether ``run`` works in a child process (see the module)."""
    return (getattr(settings, "EXPORT_IN_CHILD", True) and hasattr(os, "fork")
            and threading.active_count() == 1
            and all(_reads_what_the_request_sees(connection)
                    for connection in connections.all()))


def run(work):
    """Call ``work()`` in a forked child and wait for it to end, or here (``can_fork``).

    ``work`` returns nothing: what it makes goes to a file opened before (flushed by
    ``work``). An exception in the child raises ``ChildFailed`` here with its traceback.
    """
    if not can_fork() or not _ONE_CHILD.acquire(blocking=False):
        work()
        return
    try:
        _run_in_child(work)
    finally:
        _ONE_CHILD.release()


def _run_in_child(work):
    wrappers = connections.all()
    read_end, write_end = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError as error:  # no memory, too many processes: the work is done here
        os.close(read_end)
        os.close(write_end)
        logger.warning("Could not fork for the work (%s): done in the process itself", error)
        work()
        return
    if pid == 0:  # the child: never returns
        _INHERITED.extend(wrappers)
        status = 1
        try:
            os.close(read_end)
            _become_child(parent)
            work()
            status = 0
        except BaseException:  # everything is reported to the parent
            try:
                os.write(write_end, traceback.format_exc().encode(errors="replace")[-60000:])
            except BaseException:  # the exit status says it anyway
                pass
        finally:
            try:
                for connection in connections.all(initialized_only=True):
                    if not any(connection is inherited for inherited in _INHERITED):
                        connection.close()  # the child's own connections
            finally:
                os._exit(status)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            report = pipe.read()
        _pid, status = os.waitpid(pid, 0)
    except BaseException:
        # The worker is being stopped while it waits: the child's work is for nobody.
        _stop(pid)
        raise
    if status != 0:
        raise ChildFailed(report.decode(errors="replace")
                          or f"the child process ended with status {status}")


def _become_child(parent):
    # The objects inherited from the worker are never freed here: out of the collector's
    # sight, its full collections do not walk them (writing to each object's header,
    # which would copy every page of the worker's memory into the child).
    gc.freeze()
    for name in _SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _die_with(parent)
    # New connections, opened on first use, with the settings of the ones inherited (the
    # test database in the tests), never with the inherited sockets.
    for inherited in _INHERITED:
        connections[inherited.alias] = type(inherited)(
            copy.deepcopy(inherited.settings_dict), inherited.alias)


def _die_with(parent):
    """Linux: the child is killed if the worker is (a timeout's SIGKILL); elsewhere it
    finishes its work for nothing."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the worker died before the line above
        os._exit(1)


def _stop(pid):
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
