"""gunicorn settings of Xietong (``gunicorn -c deploy/gunicorn.conf.py config.wsgi``), from the environment.

GUNICORN_BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (worker processes, default 2 x cores + 1,
gunicorn's own rule of thumb), GUNICORN_THREADS (threads per worker, default 1: sync workers),
GUNICORN_TIMEOUT (seconds, default 60: PDF rendering and exports take a few seconds).
https://docs.gunicorn.org/en/stable/settings.html
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (plus jitter, so they do not all restart at once):
# a slow leak in a library cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The application logs each request itself (core.middleware.RequestLogMiddleware, with the request
# id); gunicorn's access log would say it twice. Errors go to stderr, i.e. the journal.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# Trust X-Forwarded-* only from the proxy in front (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Worker temporary files in memory, not on a possibly slow disk (gunicorn's FAQ on heartbeats).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
proc_name = "xietong-web"


def post_worker_init(worker):
    """Before a new worker takes requests: the search segmenter's dictionary, which takes seconds to
    load, so that the first approval or search a worker serves is not the one that waits for it."""
    from workload.search import warm_up

    warm_up()
