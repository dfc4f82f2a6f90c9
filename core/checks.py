"""System checks: warn administrators when the calendar lacks a year.

It reads the database, so it is a database-tagged check: ``manage.py check --database default``.
"""

from typing import Any

from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError


@register(Tags.database)
def calendar_years_check(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    from . import calendar

    if not kwargs.get("databases"):  # only when asked to check databases (Django's convention)
        return []
    try:
        missing = calendar.years_missing_holidays()
    except DatabaseError:  # before the first migration there is no override table yet
        return []
    return [
        CheckWarning(
            f"The working-day calendar has no holiday data for {year}; Monday to Friday is assumed.",
            hint="Enter that year's statutory holidays and 调休 days under Admin › Calendar overrides.",
            id="core.W001",
        )
        for year in missing
    ]
