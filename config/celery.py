"""The Celery application: autodiscovers ``<app>/tasks.py``; the beat schedule is declared here."""

import os

from celery import Celery
from celery.schedules import crontab, schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("xietong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs live in code, not in a database table, so every deployment runs the same schedule.
app.conf.beat_schedule = {
    "beat-heartbeat": {
        # The timestamp /healthz reports as the beat's freshness (core.heartbeat).
        "task": "core.tasks.beat_heartbeat",
        "schedule": schedule(run_every=60),
        "options": {"expires": 55},
    },
    "scan-reminders": {
        # Reminders, escalations, scheduled reminders and lost e-mail nudges: one indexed scan.
        "task": "workload.tasks.scan_reminders",
        "schedule": schedule(run_every=60),
        "options": {"expires": 55},
    },
    "lapse-meeting-invitations": {
        # Reply items of meetings that have started close as "no reply" (meetings.services).
        "task": "meetings.tasks.lapse_invitations",
        "schedule": schedule(run_every=60),
        "options": {"expires": 55},
    },
    "sweep-robot-deliveries": {
        # Chat-robot posts whose nudge was lost or whose back-off has passed (least-tried first).
        "task": "notifications.tasks.sweep_robot_deliveries",
        "schedule": schedule(run_every=60),
        "options": {"expires": 55},
    },
    "send-digests": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(minute=0),
        "options": {"expires": 3000},
    },
    "coordination-deadlines": {
        # Coordination matters unanswered past their date go to the office (relations); settled
        # ones whose follow-up matter is done are marked done.
        "task": "relations.tasks.coordination_deadlines",
        "schedule": crontab(minute=5),
        "options": {"expires": 3000},
    },
    "refresh-dashboards": {
        # The dashboards' pre-aggregated figures of the current month (workload.dashboard_snapshots).
        "task": "workload.tasks.refresh_dashboards",
        "schedule": schedule(run_every=600),
        "options": {"expires": 540},
    },
    "calendar-gap-check": {
        # Tell administrators when a coming year has no holiday data yet (daily, early morning).
        "task": "notifications.tasks.check_calendar_years",
        "schedule": crontab(hour=7, minute=30),
    },
}
