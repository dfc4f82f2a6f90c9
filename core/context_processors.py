"""Template context every page needs: site name, calendar warnings for administrators."""

from typing import Any

from django.http import HttpRequest

from . import calendar


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    missing: list[int] = []
    if user is not None and user.is_authenticated and user.is_superuser:
        missing = calendar.years_missing_holidays()
    return {"calendar_missing_years": missing}
