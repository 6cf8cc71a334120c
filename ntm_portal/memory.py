"""Giving a worker's memory back after a large request (a district workbook, say).

Python frees the objects of a request when it ends, but the C allocator keeps the pages
it grew into, so a gunicorn worker that wrote a workbook of 10,000 communes stays at its
high-water mark until it is recycled (``max_requests``). After a request that left the
worker more than ``GROWTH_MB`` above its resident size after earlier requests, a full
garbage collection and glibc's ``malloc_trim`` return the free pages to the system.
Called from gunicorn's ``post_request`` hook (gunicorn.conf.py), after the response has
been sent; costs one read of /proc/self/statm otherwise.

Before collecting, CPython's type attribute cache is emptied (``sys._clear_type_cache``).
pymalloc returns a 1 MiB arena to the system only when every object in it is freed, and
that cache keeps a reference to the attribute names it was last asked for: names built
during the request (xlsxwriter's ``"set_" + key`` for every format, Django's
``"as_" + vendor``) are a few hundred small strings scattered among the request's
millions of temporary objects, each pinning an otherwise empty arena. Emptied, the
cache fills again from the next attribute lookups (docs/BENCHMARKS.md, "The worker's
memory after exports").
"""

import ctypes
import ctypes.util
import gc
import os
import sys

GROWTH_MB = 32
_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 0
_state = {"baseline": None}


def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc: gc.collect alone
        return None


_TRIM = _malloc_trim()


def resident_mb():
    """This process's resident memory in MB, or None where /proc is not available."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE_MB
    except (OSError, ValueError, IndexError):
        return None


def give_back_memory():
    """After a request: collect and trim when the worker grew beyond its usual size."""
    rss = resident_mb()
    if rss is None:
        return
    baseline = _state["baseline"]
    if baseline is None:
        _state["baseline"] = rss
        return
    if rss <= baseline + GROWTH_MB:
        return
    clear_type_cache = getattr(sys, "_clear_type_cache", None)  # CPython only
    if clear_type_cache is not None:
        clear_type_cache()
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)
    after = resident_mb()
    if after is not None and after > baseline + GROWTH_MB:
        # What could not be given back (say, a cache kept in the process) is the worker's
        # size from now on: no collection after every request for it.
        _state["baseline"] = after
