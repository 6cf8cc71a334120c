"""A gunicorn worker's memory around district workbooks: does it return to its size?

    python manage.py collectstatic --noinput
    DATABASE_URL=postgres://…/ntm_speed_bench python tests/perf/export_memory.py --exports 5

Starts gunicorn with the repository's settings (gunicorn.conf.py) and one worker, so that
every request lands in the same process; signs in as the administrator (who sees the
synthetic district); warms the worker with the demo's dashboard and workbook; then
downloads ``--exports`` workbooks of the ``--communes`` district and prints the worker's
resident memory (VmRSS and VmHWM from /proc/<pid>/status) before, ``--settle`` seconds
after each export (the worker's ``post_request`` hook runs after the response is sent),
and at the end, and the largest peak (VmHWM) of the short-lived processes the worker
forked to write them (``EXPORT_IN_CHILD``, ntm_portal/child.py), sampled every 50 ms.
Not collected by pytest.
"""

import argparse
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--port", type=int, default=8732)
PARSER.add_argument("--exports", type=int, default=5)
PARSER.add_argument("--communes", type=int, default=10000)
PARSER.add_argument("--settle", type=float, default=1.0,
                    help="seconds to wait after each export before reading the worker's size")
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
    client.force_login(User.objects.get(username="admin"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def memory(pid):
    """(VmRSS, VmHWM) of ``pid`` in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _colon, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


class ChildPeak:
    """The largest VmHWM of ``pid``'s children while it runs (sampled in a thread)."""

    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, 0.0, True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self):
        while self.running:
            try:
                children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
                for child in children:
                    self.peak = max(self.peak, memory(int(child))[1])
            except (OSError, KeyError, ValueError):
                pass  # a child that has just ended
            time.sleep(0.05)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak


def worker_pid(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise SystemExit(f"expected one worker, found {children}")
    return int(children[0])


def get(path, cookie):
    connection = http.client.HTTPConnection("127.0.0.1", ARGS.port, timeout=600)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    size = len(response.read())
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    return size


def main():
    from communes.models import District

    big = District.objects.get(name=f"Huyện đo {ARGS.communes}")
    cookie = session_cookie()
    env = {**os.environ, "WEB_CONCURRENCY": "1", "GUNICORN_BIND": f"127.0.0.1:{ARGS.port}",
           "GUNICORN_ACCESS_LOG": "/dev/null", "GUNICORN_TIMEOUT": "600"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                               "ntm_portal.wsgi"], cwd=ROOT, env=env)
    try:
        for _ in range(200):
            try:
                get("/accounts/login/", "")
                break
            except OSError:
                time.sleep(0.2)
        pid = worker_pid(server.pid)
        print(f"worker {pid}, started: RSS {memory(pid)[0]:.0f} MB")
        get("/reports/2021/q1/?unit=ky-anh", cookie)
        get("/reports/2021/q1/export.xlsx?unit=ky-anh", cookie)
        before = memory(pid)[0]
        print(f"after the demo's dashboard and workbook: RSS {before:.0f} MB")
        url = f"/reports/2021/q1/export.xlsx?unit={big.slug}"
        for n in range(1, ARGS.exports + 1):
            started = time.perf_counter()
            children = ChildPeak(pid)
            size = get(url, cookie)
            child_peak = children.stop()
            seconds = time.perf_counter() - started
            # The worker gives its memory back after sending the response (post_request):
            # read its size once that is done.
            time.sleep(ARGS.settle)
            rss, peak = memory(pid)
            print(f"export {n} ({size / 2**20:.1f} MB, {seconds:.1f} s): RSS {rss:.0f} MB "
                  f"({rss - before:+.0f} MB), peak so far {peak:.0f} MB"
                  + (f"; the child's peak {child_peak:.0f} MB" if child_peak else ""),
                  flush=True)
        time.sleep(1)
        after = memory(pid)[0]
        assert worker_pid(server.pid) == pid, "the worker was replaced during the run"
        print(f"after {ARGS.exports} exports: RSS {after:.0f} MB ({after - before:+.0f} MB "
              f"against the warm worker); load average {os.getloadavg()[0]:.1f}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
