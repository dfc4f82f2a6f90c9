"""Celery tasks of meetings: thin, take ids or nothing, call services, idempotent."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def lapse_invitations() -> int:
    """Every minute (beat): close the reply items of meetings that have started ("no reply")."""
    return services.invitations_lapse()
