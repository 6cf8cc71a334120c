"""Throughput under gunicorn (gunicorn.conf.py): the dashboard beside the login page.

    python manage.py collectstatic --noinput     # DEBUG off serves the collected files
    DATABASE_URL=postgres://…/ntm_speed_bench python tests/perf/bench_http.py --seconds 10

Starts gunicorn with the repository's settings (``--workers``, default 2), signs a
session in as ``committee``, then keeps ``--clients`` keep-alive connections busy for
``--seconds`` on each URL in turn, alternating rounds, and prints requests per second
(medians) and the dashboard's share of the login page's rate. The clients run on the
same machine as the server: both URLs pay that alike.
"""

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--port", type=int, default=8731)
PARSER.add_argument("--workers", type=int, default=2)
PARSER.add_argument("--clients", type=int, default=4)
PARSER.add_argument("--seconds", type=float, default=10)
PARSER.add_argument("--rounds", type=int, default=3)
ARGS = PARSER.parse_args()

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402


def session_cookie():
    from communes.models import User

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username="committee"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def hammer(path, cookie, seconds, clients):
    """Requests per second over ``clients`` keep-alive connections."""
    counts = [0] * clients
    errors = []
    stop = time.perf_counter() + seconds

    def run(n):
        connection = http.client.HTTPConnection("127.0.0.1", ARGS.port, timeout=30)
        while time.perf_counter() < stop:
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
                return
            counts[n] += 1
        connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{path} answered {errors[0]}")
    return sum(counts) / (time.perf_counter() - started)


def main():
    cookie = session_cookie()
    env = {**os.environ, "WEB_CONCURRENCY": str(ARGS.workers),
           "GUNICORN_BIND": f"127.0.0.1:{ARGS.port}", "GUNICORN_ACCESS_LOG": "/dev/null"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                               "ntm_portal.wsgi"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", ARGS.port, timeout=2)
                connection.request("GET", "/accounts/login/")
                connection.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        urls = {"login page": "/accounts/login/", "demo dashboard": "/reports/2021/q1/"}
        for path in urls.values():
            hammer(path, cookie, 1, ARGS.clients)  # warm
        rates = {name: [] for name in urls}
        for _ in range(ARGS.rounds):
            for name, path in urls.items():
                rates[name].append(hammer(path, cookie, ARGS.seconds, ARGS.clients))
        medians = {name: statistics.median(values) for name, values in rates.items()}
        print(f"gunicorn, {ARGS.workers} workers, {ARGS.clients} keep-alive clients, "
              f"{ARGS.rounds} rounds of {ARGS.seconds:g} s; load average {os.getloadavg()[0]:.1f}")
        for name, rate in medians.items():
            print(f"{name:<16} {rate:>8.0f} req/s")
        print(f"dashboard / login page: {medians['demo dashboard'] / medians['login page']:.0%}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
