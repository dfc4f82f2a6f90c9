"""Send coordination matters unanswered past their date to the office and mark done those whose
follow-up matter is done (beat runs the same hourly: relations.tasks)."""

from typing import Any

from django.core.management.base import BaseCommand

from relations.services_coordination import coordinations_escalate_overdue, coordinations_mark_done


class Command(BaseCommand):
    help = "Send coordination matters whose answers are overdue to the office for a ruling."

    def handle(self, *args: Any, **options: Any) -> None:
        escalated, done = coordinations_escalate_overdue(), coordinations_mark_done()
        self.stdout.write(f"{escalated} {done}")
