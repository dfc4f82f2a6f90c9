"""Celery tasks of relations: thin, take ids or nothing, call services, idempotent."""

from celery import shared_task

from . import services_coordination


@shared_task(ignore_result=True)
def coordination_deadlines() -> tuple[int, int]:
    """Hourly (beat): coordination matters unanswered past their date go to the office; those whose
    follow-up matter is done are done."""
    return services_coordination.coordinations_escalate_overdue(), services_coordination.coordinations_mark_done()
