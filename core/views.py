"""Kernel views: the health check (no login)."""

import time

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .heartbeat import Freshness, beat_freshness


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001  (any failure means "not reachable")
        return False


def _broker_ok() -> bool:
    # The project's Celery app (config/celery.py), current once Django's settings are loaded; the
    # kernel does not import config (DESIGN.md, Layers).
    from celery import current_app as app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
        return True
    except Exception:  # noqa: BLE001
        return False


def _beat(database_ok: bool) -> Freshness:
    if not database_ok:
        return Freshness(ok=False, last_seen=None)
    try:
        return beat_freshness()
    except Exception:  # noqa: BLE001  (a missing table or a dropped connection: not known to be alive)
        return Freshness(ok=False, last_seen=None)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the Celery broker answer, 503 otherwise (JSON either way).

    The periodic jobs' freshness (``beat``) is reported but does not fail the check: a stopped
    scheduler delays reminders, it does not stop people working, so a load balancer must keep the
    host. Then the status is "degraded" with 200, for monitoring to alert on.
    """
    started = time.monotonic()
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    beat = _beat(checks["database"])
    status = "unavailable" if not healthy else "ok" if beat.ok else "degraded"
    return JsonResponse(
        {
            "status": status,
            "checks": checks,
            "beat": {"ok": beat.ok, "last_seen": beat.last_seen.isoformat() if beat.last_seen else None},
            "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
        },
        status=200 if healthy else 503,
    )
