"""One fresh process: prints the seconds of its first and second dashboard request.

    python tests/perf/first_request.py 1   # after gunicorn.conf.py's warm-up (preload)
    python tests/perf/first_request.py 0   # without it

Run by ``bench_pg.py``; the cache is emptied before each request, so both compute
the dashboard and differ only by what the process had not imported or built yet.
"""

import os
import runpy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")

import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

# As bench_pg.py runs: no collected static files, the test client's host.
settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
get_wsgi_application()  # what gunicorn loads in any case
if sys.argv[1:] == ["1"]:
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))["when_ready"](None)

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from communes.models import User  # noqa: E402

client = Client()
client.force_login(User.objects.get(username="committee"))
times = []
for _ in range(2):
    cache.clear()
    started = time.perf_counter()
    assert client.get("/reports/2021/q1/").status_code == 200
    times.append(time.perf_counter() - started)
print(f"{times[0]:.4f} {times[1]:.4f}")
