"""Send coordination matters unanswered past their date to the office (run daily, e.g. from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from relations.services_coordination import coordinations_escalate_overdue


class Command(BaseCommand):
    help = "Send coordination matters whose answers are overdue to the office for a ruling."

    def handle(self, *args: Any, **options: Any) -> None:
        count = coordinations_escalate_overdue()
        self.stdout.write(f"{count}")
