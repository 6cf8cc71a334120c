"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py ntm_portal.wsgi``.

Every value can be overridden by gunicorn's own environment variables or flags;
the ones read here (``WEB_CONCURRENCY``, ``GUNICORN_*``) are documented in the README.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the pages wait on PostgreSQL and the CPU, not on slow clients (a reverse
# proxy buffers them). One worker per core; the cores are the limit, not the workers.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
# Import the project (settings, apps, models, the URL configuration below) once in the
# master, before forking: workers share that memory and answer their first request warm.
preload_app = True
# A district workbook of 10,000 communes takes seconds; nothing legitimate takes a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker after this many requests (with jitter, so they do not all restart at
# once): whatever memory a worker has grown to is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"


def post_request(worker, req, environ, resp):
    """After a large response, give the worker's grown memory back (ntm_portal/memory.py)."""
    from ntm_portal.memory import give_back_memory

    give_back_memory()


def when_ready(server):
    """Import every view, compile every template, load the translations, before forking."""
    from ntm_portal.warmup import warm_up

    warm_up()
