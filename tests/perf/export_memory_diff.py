"""What stays in a process after district workbooks: tracemalloc snapshots between exports.

    DATABASE_URL=postgres://…/ntm_speed3_bench CACHE_URL=redis://127.0.0.1:6379/13 \\
        python tests/perf/export_memory_diff.py --exports 3

One process, Django's test client signed in as the administrator (as bench_pg.py). Warms
up with the demo's dashboard and workbook and one workbook of the ``--communes`` district,
then downloads ``--exports`` more. After each: ``gc.collect()``, the memory traced by
``tracemalloc`` (live Python allocations) or, with ``--no-trace``, pymalloc's arenas and
the used and free blocks in them (``sys._debugmallocstats``, silent while tracemalloc
runs), the resident size, and the resident size after glibc's ``malloc_trim(0)``, as the
worker's ``post_request`` hook does (``ntm_portal/memory.py``). At the end, the biggest
differences between the snapshot after the warm-up export and after the last one, by
line. Without ``CACHE_URL`` the cache is in the process, and the district's dashboard is
kept there by design: set it to measure as a gunicorn worker does. The workbooks are
written in a short-lived child process (``EXPORT_IN_CHILD``, ntm_portal/child.py), so this
process keeps its size; ``EXPORT_IN_CHILD=0`` writes them here, to see what they leave.
Not collected by pytest.
"""

import argparse
import ctypes
import ctypes.util
import gc
import os
import re
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--exports", type=int, default=3)
PARSER.add_argument("--communes", type=int, default=10000)
PARSER.add_argument("--top", type=int, default=15)
PARSER.add_argument("--frames", type=int, default=1, help="traceback depth of tracemalloc")
PARSER.add_argument("--no-trace", action="store_true",
                    help="without tracemalloc: pymalloc's own statistics (hidden while tracing)")
ARGS = PARSER.parse_args()

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20
TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim


def rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_MB


def pymalloc():
    """pymalloc's arenas in use (1 MiB each in Python 3.10+) and the MB in their used and
    free blocks, from its own statistics (``sys._debugmallocstats``)."""
    with tempfile.TemporaryFile(mode="w+") as out:
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read()

    def field(name):
        match = re.search(rf"# {name}\s*=\s*([\d,]+)", text)
        return int(match.group(1).replace(",", "")) if match else -1

    return (field("arenas allocated current"), field("bytes in allocated blocks") / 2**20,
            field("bytes in available blocks") / 2**20)


def state(label):
    gc.collect()
    rss = rss_mb()
    if ARGS.no_trace:
        arenas, used, free = pymalloc()
        measured = f"pymalloc arenas {arenas:4d} (blocks used {used:5.1f}, free {free:5.1f} MB)"
    else:
        measured = f"traced {tracemalloc.get_traced_memory()[0] / 2**20:6.1f} MB"
    TRIM(0)
    print(f"{label:<36} RSS {rss:6.1f} MB  {measured}  RSS after malloc_trim {rss_mb():6.1f} MB",
          flush=True)
    return None if ARGS.no_trace else tracemalloc.take_snapshot()


def main():
    from communes.models import District, User

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    big = District.objects.get(name=f"Huyện đo {ARGS.communes}")
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    print(f"cache: {settings.CACHES['default']['BACKEND']}; tracemalloc frames {ARGS.frames}; "
          f"workbooks written in a child: {settings.EXPORT_IN_CHILD}")

    def export(unit):
        response = client.get(f"/reports/2021/q1/export.xlsx?unit={unit}")
        assert response.status_code == 200, response.status_code
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return size

    if not ARGS.no_trace:
        tracemalloc.start(ARGS.frames)
    state("started")
    assert client.get("/reports/2021/q1/?unit=ky-anh").status_code == 200
    export("ky-anh")
    state("after the demo's dashboard, workbook")
    export(big.slug)
    warm = state("after the first district workbook")
    last = warm
    for n in range(2, ARGS.exports + 2):
        export(big.slug)
        last = state(f"after district workbook {n}")
    if ARGS.no_trace:
        return
    print(f"\nbiggest differences, after workbook {ARGS.exports + 1} against after the first:")
    for stat in last.compare_to(warm, "lineno")[:ARGS.top]:
        print(f"  {stat}")
    tracemalloc.stop()


if __name__ == "__main__":
    main()
