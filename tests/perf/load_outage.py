"""Load test with a PostgreSQL restart in the middle: 503 while the database is down, never 500,
recovery by itself, no lost or duplicated write.

    python tests/perf/load_outage.py --setup-cluster      # once: a private cluster on 5433
    python tests/perf/load_outage.py                      # 60 s, restart at 25 s for 5 s

Not collected by pytest. Loopback only and bounded: the portal runs under gunicorn on
127.0.0.1, against a PRIVATE PostgreSQL cluster (``15/loadtest`` on port 5433, never the shared
one on 5432) that this script alone stops and starts, with Redis at 127.0.0.1:6379 as the shared
cache. At most 180 s and 16 clients.

Clients (threads, plain HTTP on loopback):
- readers, signed in to the web pages (the commune list, a commune, the dashboard) and
  reading the API with a token (submissions, a quarter's figures);
- writers, one per commune officer, each saving one figure of its own submission again and
  again through ``PUT /api/submissions/<id>/values/`` with the version it read; every value
  is unique, so the history shows each write that happened.

After the run, each writer's acknowledged values are looked up in the history: an
acknowledged value missing is a lost write; a value present twice is a duplicated one.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
CLUSTER = ("15", "loadtest")
PORT_DB = 5433
HOST = "127.0.0.1"
INDICATOR = "ntm-houses-renovated"
PASSWORD = "demo-ntm-2021"


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup-cluster", action="store_true",
                        help="create and start the private cluster 15/loadtest on port 5433, then exit")
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--restart-at", type=int, default=25)
    parser.add_argument("--down", type=int, default=5, help="seconds the database stays stopped")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--json", help="write the figures to this file too")
    parser.add_argument("--throttle-check", action="store_true",
                        help="instead: 1,300 API requests by one user against API_RATE_USER=600/minute "
                             "over the gunicorn workers; then 200 wrong tokens with a changing "
                             "X-Forwarded-For against API_RATE_ANON=30/minute")
    args = parser.parse_args()
    if not (10 <= args.duration <= 180) or args.writers + args.readers > 16:
        parser.error("bounded: 10 to 180 seconds, at most 16 clients")
    if not 0 < args.restart_at < args.duration - args.down:
        parser.error("--restart-at must leave the database time to come back within --duration")
    return args


def run(cmd, env=None, check=True, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, env=env, check=check, capture_output=True, text=True,
                          timeout=600, **kwargs)


def setup_cluster():
    clusters = run(["pg_lsclusters", "--no-header"]).stdout
    if not re.search(r"^15\s+loadtest\s", clusters, re.M):
        run(["pg_createcluster", *CLUSTER, "--port", str(PORT_DB)])
        hba = Path("/etc/postgresql/15/loadtest/pg_hba.conf")
        hba.write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n"
                       "host all all ::1/128 trust\n")
    run(["pg_ctlcluster", *CLUSTER, "start"], check=False)
    print(run(["pg_lsclusters"]).stdout)


def cluster(action):
    # Only the private cluster: never the shared one on 5432.
    assert CLUSTER == ("15", "loadtest")
    run(["pg_ctlcluster", *CLUSTER, action, *(["-m", "fast"] if action == "stop" else [])])


def portal_env():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env.update({
        "DEBUG": "0", "SECRET_KEY": "load-test-only-" + "k" * 40, "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"postgres://postgres@{HOST}:{PORT_DB}/ntm_load",
        "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0", "SECURE_HSTS_PRELOAD": "0",
        "REDIS_URL": f"redis://{HOST}:6379/0", "CACHE_KEY_PREFIX": f"ntm-load-{os.getpid()}",
        "API_RATE_USER": "off", "API_RATE_ANON": "off", "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    })
    return env


SETUP = """
import json
from communes.models import User, Commune
from communes.tokens import create_token
from tests.conftest import open_latest_period
period = open_latest_period()
officers = list(User.objects.filter(role="officer").order_by("username")[:{writers}])
out = {{"period": period.pk, "writers": [], "reader": create_token(User.objects.get(username="committee"), "load")[1]}}
for user in officers:
    out["writers"].append({{"username": user.username, "commune": user.commune_id,
                           "token": create_token(user, "load")[1]}})
print("JSON" + json.dumps(out))
"""

CHECK = """
import json
from criteria.models import IndicatorValue
from communes.models import Submission
ids = {ids}
out = {{}}
for sid in ids:
    rows = IndicatorValue.history.filter(submission_id=sid, indicator__code="{code}").order_by("history_date")
    out[sid] = {{"values": [None if r.value is None else str(int(r.value)) for r in rows],
                "version": Submission.objects.get(pk=sid).version}}
print("JSON" + json.dumps(out))
"""


def shell(env, code):
    result = run([PY, "manage.py", "shell", "-c", code], env=env)
    line = next(line for line in result.stdout.splitlines() if line.startswith("JSON"))
    return json.loads(line[4:])


class Recorder:
    def __init__(self, start):
        self.start = start
        self.lock = threading.Lock()
        self.events = []  # (t, kind, status)

    def add(self, kind, status):
        with self.lock:
            self.events.append((time.monotonic() - self.start, kind, status))


def call(session, recorder, kind, method, url, **kwargs):
    try:
        response = session.request(method, url, timeout=15, allow_redirects=False, **kwargs)
    except requests.RequestException:
        recorder.add(kind, "conn")
        return None
    recorder.add(kind, response.status_code)
    return response


def web_login(base, username):
    """A signed-in session over plain HTTP on loopback (the cookies are marked Secure, so they
    are sent by hand)."""
    page = requests.get(f"{base}/accounts/login/", timeout=15)
    csrf = page.cookies.get("csrftoken") or re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
    response = requests.post(f"{base}/accounts/login/", allow_redirects=False, timeout=15,
                             headers={"Cookie": f"csrftoken={csrf}"},
                             data={"username": username, "password": PASSWORD,
                                   "csrfmiddlewaretoken": csrf})
    session_id = re.search(r"sessionid=([^;]+)", response.headers["Set-Cookie"]).group(1)
    return f"sessionid={session_id}; csrftoken={csrf}"


def reader(base, token, cookie, period, recorder, stop):
    api = requests.Session()
    api.headers["Authorization"] = f"Token {token}"
    web = requests.Session()
    web.headers["Cookie"] = cookie
    urls = [(web, "page", "/communes/"), (web, "page", "/communes/ky-tay/"),
            (web, "page", "/reports/2021/q1/"), (api, "api-read", f"/api/submissions/?period={period}"),
            (api, "api-read", f"/api/periods/{period}/figures/")]
    n = 0
    while not stop.is_set():
        session, kind, path = urls[n % len(urls)]
        call(session, recorder, kind, "GET", base + path)
        n += 1


def writer(base, spec, period, number, recorder, stop, acked):
    api = requests.Session()
    api.headers["Authorization"] = f"Token {spec['token']}"
    submission = version = None
    seq = 0
    while not stop.is_set():
        if submission is None or version is None:
            response = call(api, recorder, "api-write", "POST", f"{base}/api/submissions/",
                            json={"commune": spec["commune"], "period": period})
            if response is None or response.status_code not in (200, 201):
                time.sleep(0.2)
                continue
            body = response.json()
            submission, version = body["id"], body["version"]
        seq += 1
        value = str(number * 100000 + seq)
        response = call(api, recorder, "api-write", "PUT",
                        f"{base}/api/submissions/{submission}/values/",
                        json={"version": version, "values": [{"indicator": INDICATOR, "value": value}]})
        if response is not None and response.status_code == 200:
            version = response.json()["version"]
            acked[submission].append(value)
        else:
            version = None  # read it again: the write may or may not have happened
            if response is None or response.status_code >= 500:
                time.sleep(0.2)


def throttle_check(args, env, setup):
    """Issue 12, failure 2, against gunicorn: do the workers share the count?"""
    env = {**env, "API_RATE_USER": "600/minute", "API_RATE_ANON": "30/minute",
           "CACHE_KEY_PREFIX": f"ntm-throttle-{os.getpid()}-{time.time():.0f}"}
    base = f"http://{HOST}:{args.port}"
    server = subprocess.Popen([GUNICORN, "ntm_portal.wsgi", "-b", f"{HOST}:{args.port}",
                               "-w", str(args.workers)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/accounts/login/", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        counts, lock = Counter(), threading.Lock()
        token = setup["reader"]

        def burst(n):
            session = requests.Session()
            session.headers["Authorization"] = f"Token {token}"
            for _ in range(n):
                status = session.get(f"{base}/api/periods/", timeout=15).status_code
                with lock:
                    counts[status] += 1

        start = time.monotonic()
        threads = [threading.Thread(target=burst, args=(325,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        seconds = time.monotonic() - start
        guesses = Counter(
            requests.get(f"{base}/api/periods/", timeout=15,
                         headers={"Authorization": f"Token ntm_guess{n}",
                                  "X-Forwarded-For": f"203.0.113.{n % 250}"}).status_code
            for n in range(200))
    finally:
        server.terminate()
        server.wait(30)
    figures = {"workers": args.workers, "user_requests": sum(counts.values()),
               "seconds": round(seconds, 1), "user_statuses": dict(counts),
               "wrong_token_statuses": dict(guesses)}
    print(json.dumps(figures, indent=1))


def main():
    args = parse()
    if args.setup_cluster:
        setup_cluster()
        return
    if not re.search(r"^15\s+loadtest\s+5433\s+online", run(["pg_lsclusters", "--no-header"]).stdout, re.M):
        sys.exit("The private cluster 15/loadtest is not online on 5433: run with --setup-cluster.")
    env = portal_env()
    run(["dropdb", "-h", HOST, "-p", str(PORT_DB), "-U", "postgres", "--if-exists", "ntm_load"])
    run(["createdb", "-h", HOST, "-p", str(PORT_DB), "-U", "postgres", "ntm_load"])
    run([PY, "manage.py", "migrate", "--noinput"], env=env)
    run([PY, "manage.py", "seed_demo", "--until", "2021"], env=env)
    run([PY, "manage.py", "collectstatic", "--noinput"], env=env)
    setup = shell(env, SETUP.format(writers=args.writers))
    if args.throttle_check:
        throttle_check(args, env, setup)
        return

    base = f"http://{HOST}:{args.port}"
    log = open("/tmp/ntm-load-gunicorn.log", "w")
    server = subprocess.Popen([GUNICORN, "ntm_portal.wsgi", "-b", f"{HOST}:{args.port}",
                               "-w", str(args.workers), "--timeout", "30"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        cookie = web_login(base, "committee")
        start = time.monotonic()
        recorder, stop = Recorder(start), threading.Event()
        acked = defaultdict(list)
        threads = [threading.Thread(target=reader, args=(base, setup["reader"], cookie, setup["period"],
                                                         recorder, stop))
                   for _ in range(args.readers)]
        threads += [threading.Thread(target=writer, args=(base, spec, setup["period"], n + 1, recorder,
                                                          stop, acked))
                    for n, spec in enumerate(setup["writers"])]
        for thread in threads:
            thread.start()
        time.sleep(args.restart_at)
        t_stop = time.monotonic() - start
        cluster("stop")
        t_down = time.monotonic() - start
        time.sleep(args.down)
        cluster("start")
        t_start = time.monotonic() - start
        time.sleep(max(0, args.duration - (time.monotonic() - start)))
        stop.set()
        for thread in threads:
            thread.join(30)
    finally:
        server.terminate()
        server.wait(30)
        log.close()

    history = shell(env, CHECK.format(ids=sorted(acked), code=INDICATOR))
    lost = duplicated = applied_unacked = 0
    for sid, values in acked.items():
        seen = Counter(history[str(sid)]["values"])
        lost += sum(1 for v in values if seen[v] == 0)
        duplicated += sum(1 for v, n in seen.items() if n > 1)
        applied_unacked += sum(1 for v in seen if v is not None and int(v) >= 100000 and v not in set(values))

    events = recorder.events
    after_start = [t for t, kind, status in events if t >= t_start and status in (200, 201, 302)]
    recovered = (min(after_start) if after_start else float("nan"))
    phases = {"before": (0, t_stop), "outage": (t_stop, recovered), "after": (recovered, 1e9)}
    figures = {"duration_s": args.duration, "stop_at_s": round(t_stop, 1), "down_at_s": round(t_down, 1),
               "start_at_s": round(t_start, 1),
               "recovered_at_s": round(recovered, 1), "requests": len(events),
               "by_phase": {}, "lost_writes": lost, "duplicated_writes": duplicated,
               "applied_but_unacknowledged": applied_unacked,
               "acknowledged_writes": sum(len(v) for v in acked.values())}
    for name, (low, high) in phases.items():
        counts = Counter(f"{kind}:{status}" for t, kind, status in events if low <= t < high)
        figures["by_phase"][name] = dict(sorted(counts.items()))
    figures["status_500"] = sum(1 for _t, _k, status in events if status == 500)
    print(json.dumps(figures, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
