"""Celery tasks of the reminder engine: thin, take ids or nothing, call services, idempotent."""

from celery import shared_task

from notifications import delivery

from . import reminders


@shared_task(ignore_result=True)
def scan_reminders() -> dict[str, int]:
    """Every minute (beat): due work items, scheduled reminders, then e-mails whose nudge was lost."""
    handled = reminders.scan_work_items()
    scheduled = reminders.scan_scheduled()
    redispatched = delivery.dispatch_unsent()
    return {"work_items": handled, "scheduled": scheduled, "redispatched": redispatched}


@shared_task(ignore_result=True)
def refresh_dashboards() -> int:
    """Every ten minutes (beat): the dashboards' pre-aggregated figures of the current month."""
    from . import dashboard_snapshots

    return dashboard_snapshots.refresh()
