"""``{{ item.due_at|working_overdue }}``: how far past a deadline, in working time ("1 个工作日 20 小时").

Counts on the working-day calendar (``core.calendar.working_elapsed``): weekends, statutory holidays
and local days off do not count, a 调休 working Saturday does.
"""

from datetime import datetime

from django import template
from django.utils import timezone

from core import calendar
from workload.reminders import overdue_words

register = template.Library()


@register.filter
def working_overdue(due_at: datetime | None) -> str:
    if due_at is None:
        return ""
    return overdue_words(calendar.working_elapsed(due_at, timezone.now()))
