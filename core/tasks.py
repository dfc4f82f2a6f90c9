"""Kernel Celery tasks: the beat's heartbeat."""

from celery import shared_task

from .heartbeat import heartbeat_record


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    """Every minute (beat): shows /healthz that the scheduler and a worker are running."""
    heartbeat_record()
