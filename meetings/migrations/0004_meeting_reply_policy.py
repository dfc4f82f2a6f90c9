"""The reminder policy of meeting replies: remind before the meeting, nothing at or after its start.

A reply item is due at its meeting's start and closes then ("no reply", ``meetings.services.
invitations_lapse``): a "due now" notice at the start, daily overdue notices or escalation to the
department head and the office would be about a meeting that has begun or is over. Administrators
still edit the row like any other policy (the reminder before the start is kept).
"""

from django.db import migrations


def create(apps, schema_editor):
    policy = apps.get_model("workload", "ReminderPolicy")
    policy.objects.get_or_create(
        kind="meeting",
        urgency="",
        defaults={
            "remind_before_hours": 8,
            "remind_at_due": False,
            "remind_daily_overdue": False,
            "escalate_to_head_after_days": 2,
            "escalate_to_office_after_days": 4,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_merge_0002_calendar_feed_0002_followup"),
        ("workload", "0007_scheduled_reminder_message"),
    ]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
