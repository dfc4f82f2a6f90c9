"""Models of relations (关系协调)."""

# --- Leaders' schedules (领导日程) ---------------------------------------------------------------
from .schedule_models import ScheduleEntry, ScheduleKind, SchedulePrivacy  # noqa: F401
