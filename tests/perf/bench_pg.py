"""Benchmarks on PostgreSQL: the project beside its reference, in the same rounds.

    createdb -h 127.0.0.1 -U postgres ntm_speed_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm_speed_bench \\
        python tests/perf/bench_pg.py --setup          # migrate, demo, 10,000 × 20 (once)
    DATABASE_URL=… python tests/perf/bench_pg.py --rounds 7

Not collected by pytest. Each row of docs/BENCHMARKS.md is measured here: the project
and its reference alternate round by round (so that other load on the machine hits
both alike) and the medians are printed with their ratio. References: hand-written SQL
in ``tests/perf/reference_sql.py``; for the export, xlsxwriter (constant memory) and
openpyxl (write-only) writing the same cell values with nothing else. The export is
timed as it is deployed, written in a short-lived child process (``EXPORT_IN_CHILD``,
ntm_portal/child.py; ``EXPORT_IN_CHILD=0`` times it in this process); its peak of Python
memory is traced with the work done in this process, where tracemalloc sees it.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from io import BytesIO, StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--setup", action="store_true", help="migrate, seed the demo, generate")
PARSER.add_argument("--communes", type=int, default=10000)
PARSER.add_argument("--quarters", type=int, default=20)
PARSER.add_argument("--rounds", type=int, default=7)
PARSER.add_argument("--only", default="", help="comma-separated row names to run")
ARGS = PARSER.parse_args()

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database of your own (see the docstring).")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from tests.perf import reference_sql  # noqa: E402
from tests.perf.measure import count_queries, interleaved  # noqa: E402


def ky_anh():
    """The demo district (its catalogue choices apply to its communes' forms)."""
    from communes.models import District

    return District.objects.get(slug="ky-anh").pk

NAME = "Huyện đo {n}"


ROWS = []


def row(name, project_s, reference_s, reference_name, note=""):
    ROWS.append((name, project_s, reference_s, reference_name, note))
    print(f"{name:<44} {project_s * 1000:>9.1f} ms  {reference_name:<26} "
          f"{reference_s * 1000:>9.1f} ms  ratio {project_s / reference_s:>5.2f}  {note}",
          flush=True)


def setup():
    from communes.models import District
    from reports.scale import generate

    call_command("migrate", verbosity=0)
    if not District.objects.filter(slug="ky-anh").exists():
        call_command("seed_demo", "--until", "2021", stdout=StringIO())
    name = NAME.format(n=ARGS.communes)
    if not District.objects.filter(name=name).exists():
        started = time.perf_counter()
        generate(ARGS.communes, ARGS.quarters, name=name, batch=2000)
        print(f"generate_scale --communes {ARGS.communes} --quarters {ARGS.quarters}: "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)


def wanted(name):
    return not ARGS.only or name in ARGS.only.split(",")


def trend_quarters(year, quarter):
    return [(y, q) for y in (year - 1, year) for q in range(1, 5) if (y, q) <= (year, quarter)]


def dashboards(client, big):
    from communes.models import District

    demo = District.objects.get(slug="ky-anh")
    cases = [("demo dashboard, 21 communes, 2021 Q1", demo, 2021, 1),
             (f"{big.communes.count():,} communes, 2021 Q1", big, 2021, 1),
             (f"{big.communes.count():,} communes, 2025 Q4 (8 quarters)", big, 2025, 4)]
    for name, district, year, quarter in cases:
        url = f"/reports/{year}/q{quarter}/?district={district.slug}"

        def cold(url=url):
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        def warm(url=url):
            assert client.get(url).status_code == 200

        def reference(district=district, year=year, quarter=quarter):
            reference_sql.dashboard(district.pk, year, quarter, trend_quarters(year, quarter))

        project_s, reference_s = interleaved(cold, reference, ARGS.rounds)
        cache.clear()
        queries = count_queries(cold)
        row(name, project_s, reference_s, "bare SQL", f"{queries} queries, cache empty")
        if district.slug == "ky-anh":
            warm()
            warm_s, reference_s = interleaved(warm, reference, ARGS.rounds)
            row(name + ", repeat view", warm_s, reference_s, "bare SQL", "cache read")


def year_dashboard(client, big):
    """The dashboard of the whole year 2021 (a span of four quarters and the same span of
    the year before) at 10,000 communes, beside its bare SQL."""
    url = f"/reports/2021/year/?district={big.slug}"

    def cold():
        cache.clear()
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def reference():
        reference_sql.year_dashboard(big.pk, 2021, trend_quarters(2021, 4))

    project_s, reference_s = interleaved(cold, reference, ARGS.rounds)
    cache.clear()
    queries = count_queries(cold)
    row(f"{big.communes.count():,} communes, year 2021", project_s, reference_s, "bare SQL",
        f"{queries} queries, cache empty")


def trend20(big):
    from communes.models import ReportingPeriod
    from criteria.aggregates import trend
    from reports.dashboard import TREND_CODES

    periods = list(ReportingPeriod.objects.filter(year__gte=2021).order_by("year", "quarter")[:20])
    quarters = [(p.year, p.quarter) for p in periods]
    communes = big.communes.all()
    project_s, reference_s = interleaved(
        lambda: trend(periods, TREND_CODES, communes),
        lambda: reference_sql.trend(big.pk, quarters), ARGS.rounds)
    row(f"{len(periods)}-quarter trend, {communes.count():,} communes", project_s, reference_s,
        "bare SQL")


def export(client, big):
    import xlsxwriter
    from openpyxl import Workbook, load_workbook

    url = f"/reports/2021/q1/export.xlsx?district={big.slug}"

    def project():
        cache.clear()
        response = client.get(url)
        assert response.status_code == 200
        return b"".join(response.streaming_content)

    xlsx = project()
    source = load_workbook(BytesIO(xlsx), read_only=True)
    sheets = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in source]
    cells = sum(1 for _t, rows in sheets for r in rows for v in r if v is not None)

    def with_xlsxwriter():
        buffer = BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
        for title, rows in sheets:
            ws = workbook.add_worksheet(title)
            for r, values in enumerate(rows):
                for c, value in enumerate(values):
                    if isinstance(value, str):
                        ws.write_string(r, c, value)
                    elif value is not None:
                        ws.write_number(r, c, value)
        workbook.close()

    def with_openpyxl():
        workbook = Workbook(write_only=True)
        for title, rows in sheets:
            ws = workbook.create_sheet(title)
            for values in rows:
                ws.append(values)
        workbook.save(BytesIO())

    rounds = max(3, ARGS.rounds // 2)
    project_s, xw_s = interleaved(project, with_xlsxwriter, rounds)
    _project_s, op_s = interleaved(project, with_openpyxl, rounds)
    writing = writing_only(big)
    writing_s, writing_xw_s = interleaved(writing, with_xlsxwriter, rounds)
    _writing_s, cells_s = interleaved(writing, cell_by_cell(writing), rounds)
    # The peak of Python memory, traced in this process: the export's work is done here,
    # not in a child (EXPORT_IN_CHILD off), for tracemalloc to see it.
    in_child, settings.EXPORT_IN_CHILD = settings.EXPORT_IN_CHILD, False
    tracemalloc.start()
    project()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    settings.EXPORT_IN_CHILD = in_child
    name = f"export, {big.communes.count():,} communes ({cells:,} cells)"
    row(name, project_s, xw_s, "xlsxwriter constant-memory",
        f"peak {peak / 2**20:.0f} MB (tracemalloc, in one process); "
        f"timed {'in a child process' if in_child else 'in this process'}")
    row(name, project_s, op_s, "openpyxl write-only")
    row("export, writing alone (dashboard built)", writing_s, writing_xw_s,
        "xlsxwriter constant-memory", "reports.export.workbook_bytes")
    row("export, writing alone (dashboard built)", writing_s, cells_s,
        "the same, cell by cell", "reports/xlsxrows.py off")


def cell_by_cell(write):
    """``write`` with the rows of XML switched off (reports/xlsxrows.py: as for an
    xlsxwriter version it was not checked against)."""
    from reports import xlsxrows

    def run():
        versions, xlsxrows.VERSIONS = xlsxrows.VERSIONS, ()
        try:
            write()
        finally:
            xlsxrows.VERSIONS = versions
    return run


def writing_only(big):
    """The workbook's writing alone: the dashboard and the figures by commune are built
    once beforehand (the reference writes cells that are already known, too)."""
    from django.test import RequestFactory

    from communes.models import User
    from reports.export import commune_columns, workbook_bytes
    from reports.views import _dashboard

    request = RequestFactory().get(f"/reports/2021/q1/export.xlsx?district={big.slug}")
    request.user = User.objects.get(username="admin")
    cache.clear()
    dashboard = _dashboard(request, 2021, 1)
    values = dashboard.by_commune(commune_columns(dashboard))
    dashboard.by_commune = lambda columns: values
    return lambda: workbook_bytes(dashboard)


def save_form():
    from communes.models import Commune, ReportingPeriod, Submission, User
    from criteria.entry import entered_indicators, save_figures
    from criteria.models import Indicator

    with transaction.atomic():
        existing = Indicator.objects.filter(is_active=True, source="entered").count()
        Indicator.objects.bulk_create([
            Indicator(code=f"bench-{n}", name_vi=f"Chỉ tiêu đo {n}", unit_vi="cái",
                      programme="NTM", kind="flow") for n in range(213 - existing)])
        indicators = entered_indicators(ky_anh())
        officer = User.objects.get(username="staff")
        period = ReportingPeriod.objects.order_by("-year", "-quarter").first()
        commune = Commune.objects.get(slug="ky-tay")
        submission, _created = Submission.objects.get_or_create(commune=commune, period=period)
        submission = Submission.objects.select_related("period", "commune").get(pk=submission.pk)
        flip = [0]

        def project():
            flip[0] += 1
            submission.refresh_from_db(fields=["version"])
            inputs = {i.pk: (str(10 + flip[0] % 2), "") for i in indicators}
            checked = save_figures(submission, officer, indicators, inputs, submission.version,
                                   check_edit=lambda *a: None)
            assert not any(c.errors for c in checked.values())

        def reference():
            flip[0] += 1
            submission.refresh_from_db(fields=["version"])
            rows = [(i.pk, 10 + flip[0] % 2, "") for i in indicators]
            reference_sql.save_figures(submission.pk, submission.version, rows, officer.pk)

        project_s, reference_s = interleaved(project, reference, ARGS.rounds)
        queries = count_queries(project)
        row(f"saving a full form, {len(indicators)} indicators", project_s, reference_s,
            "bare SQL", f"{queries} queries")
        transaction.set_rollback(True)


def first_request():
    """A fresh process: the first dashboard request with and without the warm-up that
    gunicorn.conf.py does in the master (``when_ready``), against the second request."""
    script = ROOT / "tests" / "perf" / "first_request.py"
    results = {}
    for warm in ("0", "1"):
        times = []
        for _ in range(max(3, ARGS.rounds // 2)):
            out = subprocess.run([sys.executable, str(script), warm], capture_output=True,
                                 text=True, env=os.environ, check=True).stdout.split()
            times.append((float(out[0]), float(out[1])))
        results[warm] = (statistics.median(t[0] for t in times),
                         statistics.median(t[1] for t in times))
    row("first request, fresh process, no warm-up", results["0"][0], results["0"][1],
        "the next request (warm)")
    row("first request, fresh process, preloaded", results["1"][0], results["1"][1],
        "the next request (warm)", "gunicorn.conf.py when_ready")


def main():
    from communes.models import District, User

    if ARGS.setup:
        setup()
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    big = District.objects.filter(name=NAME.format(n=ARGS.communes)).first()
    if big is None:
        sys.exit("Run with --setup first.")
    client = Client()
    # The administrator: the committee's account sees its own district only, not the
    # synthetic one (another province).
    client.force_login(User.objects.get(username="admin"))
    print(f"PostgreSQL {connection.pg_version}; medians of {ARGS.rounds} interleaved rounds; "
          f"load average {os.getloadavg()[0]:.1f}")
    if wanted("dashboard"):
        dashboards(client, big)
    if wanted("year"):
        year_dashboard(client, big)
    if wanted("trend"):
        trend20(big)
    if wanted("save"):
        save_form()
    if wanted("first"):
        first_request()
    if wanted("export"):
        export(client, big)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
