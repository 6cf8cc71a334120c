"""The district's workbook written in a child process or in the worker: time seen by a client.

    python manage.py collectstatic --noinput
    DATABASE_URL=postgres://…/ntm_speed_bench CACHE_URL=redis://127.0.0.1:6379/13 \
        python tests/perf/export_child_speed.py 7

Starts two gunicorn servers (gunicorn.conf.py, one sync worker each), one with
``EXPORT_IN_CHILD=1``, one with ``0``; asks each in turn (the order alternating by round)
for the workbook of the 10,000-commune district, first with its dashboard viewed just
before (cached), then with the cache emptied before each export; prints the medians and
their ratio. Not collected by pytest.
"""
import http.client
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "0"); os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0"); os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")
import django; django.setup()
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from communes.models import District, User
settings.ALLOWED_HOSTS = ["*"]
client = Client(); client.force_login(User.objects.get(username="admin"))
cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
big = District.objects.get(name="Huyện đo 10000")
url = f"/reports/2021/q1/export.xlsx?unit={big.slug}"
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5

def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    c.request("GET", path, headers={"Cookie": cookie}); r = c.getresponse(); body = r.read(); c.close()
    assert r.status == 200, (port, r.status)
    return body

servers = {}
for port, in_child in ((8741, "1"), (8742, "0")):
    env = {**os.environ, "WEB_CONCURRENCY": "1", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_ACCESS_LOG": "/dev/null", "GUNICORN_TIMEOUT": "600", "EXPORT_IN_CHILD": in_child}
    servers[port] = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "ntm_portal.wsgi"],
                                     cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
try:
    for port in servers:
        for _ in range(200):
            try:
                get(port, "/accounts/login/"); break
            except (OSError, AssertionError):
                time.sleep(0.2)
        get(port, "/reports/2021/q1/?unit=ky-anh"); get(port, "/reports/2021/q1/export.xlsx?unit=ky-anh")
    for clear in (False, True):
        times = {8741: [], 8742: []}
        bodies = {}
        for r in range(rounds + 1):
            for port in (8741, 8742) if r % 2 == 0 else (8742, 8741):
                if clear:
                    cache.clear()
                else:
                    get(port, f"/reports/2021/q1/?unit={big.slug}")  # the dashboard cached
                t = time.perf_counter(); bodies[port] = get(port, url); s = time.perf_counter() - t
                if r:
                    times[port].append(s)
        c, p = statistics.median(times[8741]), statistics.median(times[8742])
        print(f"cache {'empty' if clear else 'warm (dashboard viewed first)'}: in a child {c:.3f} s, "
              f"in the worker {p:.3f} s, ratio {c / p:.3f} ({rounds} rounds each); "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
finally:
    for s in servers.values():
        s.send_signal(signal.SIGTERM)
    for s in servers.values():
        s.wait(timeout=30)
