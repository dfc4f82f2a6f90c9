"""Kernel views: the health check (no login)."""

import time

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the Celery broker answer, 503 otherwise (JSON either way)."""
    started = time.monotonic()
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": checks,
            "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
        },
        status=200 if healthy else 503,
    )
