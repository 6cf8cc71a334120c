"""The registry workbook at a real district's size: 265 model areas and 1,807 gardens.

    createdb -h 127.0.0.1 -U postgres ntm_loading
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm_loading \\
        python tests/perf/bench_registry_import.py --setup      # migrate and seed (once)
    DATABASE_URL=… python tests/perf/bench_registry_import.py --rounds 5

Not collected by pytest. Each round builds the workbook (Kỳ Anh's 21 communes, 13 new
villages each), then times the whole upload as a request (``POST
/communes/registries/import/`` by district staff: reading, checking every cell, saving
with history) for the first load and for the same file again (matching, nothing to
write); the rows are removed again after each round, in a transaction rolled back.
"""

import argparse
import os
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--setup", action="store_true", help="migrate and seed the demo")
PARSER.add_argument("--rounds", type=int, default=5)
ARGS = PARSER.parse_args()

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from communes.models import Commune, ModelArea, ModelGarden, User  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def workbook():
    slugs = list(Commune.objects.filter(district__slug="ky-anh").values_list("slug", flat=True))
    villages = [(slug, f"Thôn Nạp {i}", f"N{i}") for slug in slugs for i in range(13)]
    wb = Workbook()
    wb.remove(wb.active)
    sheets = [wb.create_sheet(t) for t in ("Thôn", "Khu dân cư mẫu", "Vườn mẫu")]
    for ws in sheets:
        ws.append(["header"] * 9)
    for row in villages:
        sheets[0].append(list(row))
    for n, v in zip(range(265), villages):
        sheets[1].append([v[0], v[1], "01/02/2021", "01/03/2021", "01/06/2021", f"{n}/QĐ",
                          None, ""])
    for n in range(1807):
        v = villages[n % len(villages)]
        sheets[2].append([v[0], v[1], f"Hộ số {n}", "Cấp huyện", "01/02/2021", "01/06/2021",
                          f"G{n}", None, ""])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


class Rollback(Exception):
    pass


def main():
    if ARGS.setup:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", "--until", "2021")
        return
    data = workbook()
    client = Client()
    client.force_login(User.objects.get(username="staff"))
    first, again = [], []
    for _round in range(ARGS.rounds):
        try:
            with transaction.atomic():
                areas, gardens = ModelArea.objects.count(), ModelGarden.objects.count()
                for times in (first, again):
                    upload = BytesIO(data)
                    upload.name = "registries.xlsx"
                    started = time.perf_counter()
                    response = client.post("/communes/registries/import/", {"file": upload})
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 302, response.status_code
                assert ModelArea.objects.count() == areas + 265
                assert ModelGarden.objects.count() == gardens + 1807
                raise Rollback
        except Rollback:
            pass
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"first load (265 areas, 1,807 gardens, 273 villages): median "
          f"{statistics.median(first):.2f} s, min {min(first):.2f} s over {ARGS.rounds} rounds")
    print(f"same file again (all matched, nothing written): median "
          f"{statistics.median(again):.2f} s, min {min(again):.2f} s")


if __name__ == "__main__":
    main()
