"""Benchmark of the quarter's dashboard and meeting report at 21, 1,000 and 10,000 communes.

    python tests/perf/bench_reports.py                      # 21, 1000, 10000 communes
    python tests/perf/bench_reports.py --sizes 21,1000      # a quicker run
    python tests/perf/bench_reports.py --db /tmp/b.sqlite3 --keep   # reuse a built database

Not collected by pytest (its name does not start with ``test_``). It builds its own
SQLite database (``--db``; DATABASE_URL is set from it), loads the demo (21 communes)
and one synthetic district per larger size (``reports.scale.generate``), then
reports for the 2021 Q2 dashboard (two quarters of trend) and its export:

- dashboard: server time through the Django test client (median of ``--repeat``),
  and its number of SQL queries;
- bare SQL: hand-written SQL (``connection.cursor()``) computing the same figures
  (entered sums, registry counts, NTM levels, criteria matrix, completeness, trend);
- export: time, and peak Python memory under tracemalloc (a separate run);
- openpyxl alone: writing the same cell values into a plain workbook and saving it.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="21,1000,10000")
    parser.add_argument("--db", default="/tmp/ntm-bench.sqlite3")
    parser.add_argument("--keep", action="store_true", help="reuse --db if it exists")
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


ARGS = parse()
if not ARGS.keep and os.path.exists(ARGS.db):
    os.remove(ARGS.db)
os.environ["DATABASE_URL"] = f"sqlite:///{ARGS.db}"
# Measured as in production: DEBUG off (no query logging), plain static storage (no
# collectstatic manifest needed), no HTTPS redirect for the test client.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")

import django  # noqa: E402

django.setup()

from io import BytesIO, StringIO  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from tests.perf import reference_sql  # noqa: E402
from tests.perf.measure import count_queries  # noqa: E402

YEAR, QUARTER = 2021, 2


def setup_database(sizes):
    from communes.models import District
    from reports.scale import generate

    call_command("migrate", verbosity=0)
    if not District.objects.filter(slug="ky-anh").exists():
        call_command("seed_demo", "--until", "2021", stdout=StringIO())
    slugs = {}
    for size in sizes:
        if size == 21:
            slugs[size] = "ky-anh"
            continue
        name = f"Huyện đo {size}"
        district = District.objects.filter(name=name).first()
        if district is None:
            started = time.perf_counter()
            district = generate(size, 2, name=name, batch=5000)
            print(f"generated {size} communes in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
        slugs[size] = district.slug
    return slugs


def cold(client, url):
    """A request computed afresh: the dashboards' cache emptied first."""
    cache.clear()
    return client.get(url)


def timed(function, repeat):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bare_sql(district_id):
    """The dashboard's figures in hand-written SQL (``tests/perf/reference_sql.py``)."""
    return reference_sql.dashboard(district_id, YEAR, QUARTER,
                                   [(YEAR - 1, q) for q in range(1, 5)] +
                                   [(YEAR, q) for q in range(1, QUARTER + 1)])


def openpyxl_alone(xlsx):
    """Write the workbook's cell values (no styles, no chart) into a new workbook and save."""
    source = load_workbook(BytesIO(xlsx))
    sheets = [(ws.title, [[c.value for c in row] for row in ws.iter_rows()]) for ws in source]

    def write():
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, rows in sheets:
            ws = workbook.create_sheet(title)
            for row in rows:
                ws.append(row)
        buffer = BytesIO()
        workbook.save(buffer)
        return sum(len(rows) * max((len(r) for r in rows), default=0) for _, rows in sheets)

    return write


def main():
    sizes = [int(s) for s in ARGS.sizes.split(",")]
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    slugs = setup_database(sizes)
    from communes.models import District, User

    client = Client()
    client.force_login(User.objects.get(username="committee"))
    print(f"database: {connection.vendor} ({ARGS.db}); dashboard and export of {YEAR} Q{QUARTER}; "
          f"median of {ARGS.repeat} runs")
    header = (f"{'communes':>8} | {'dashboard ms':>12} | {'queries':>7} | {'bare SQL ms':>11} | "
              f"{'ratio':>5} | {'export ms':>9} | {'export queries':>14} | {'peak MB':>7} | "
              f"{'openpyxl ms':>11} | {'cells':>7}")
    print(header)
    print("-" * len(header))
    for size in sizes:
        slug = slugs[size]
        district = District.objects.get(slug=slug)
        base = f"/reports/{YEAR}/q{QUARTER}/?district={slug}"
        export = f"/reports/{YEAR}/q{QUARTER}/export.xlsx?district={slug}"
        client.get(base)  # warm up
        dashboard_s, response = timed(lambda: cold(client, base), ARGS.repeat)
        assert response.status_code == 200, response.status_code
        assert b"chart-works" in response.content, response.content[:300]
        queries = count_queries(lambda: cold(client, base))
        sql_s, _ = timed(lambda: bare_sql(district.pk), ARGS.repeat)
        export_repeat = max(1, min(ARGS.repeat, 3 if size < 5000 else 1))
        export_s, response = timed(lambda: cold(client, export), export_repeat)
        assert response.status_code == 200, response.status_code
        xlsx = response.getvalue()
        export_queries = count_queries(lambda: cold(client, export))
        tracemalloc.start()
        cold(client, export)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        write = openpyxl_alone(xlsx)
        alone_s, cells = timed(write, export_repeat)
        print(f"{size:>8} | {dashboard_s * 1000:>12.0f} | {queries:>7} | "
              f"{sql_s * 1000:>11.1f} | {dashboard_s / sql_s:>5.1f} | {export_s * 1000:>9.0f} | "
              f"{export_queries:>14} | {peak / 2**20:>7.1f} | {alone_s * 1000:>11.0f} | "
              f"{cells:>7}", flush=True)


if __name__ == "__main__":
    main()
