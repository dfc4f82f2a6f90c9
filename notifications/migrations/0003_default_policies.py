"""Sensible default reminder policies (administrators edit them in the admin)."""

from django.db import migrations

DEFAULTS = [
    # kind, urgency, hours before due, head after days, office after days
    ("", "", 8, 2, 4),  # 平件: a working day ahead; head after 2 working days overdue, office after 4
    ("", "urgent", 4, 1, 2),  # 加急: half a day ahead; escalate sooner
    ("", "extra_urgent", 2, 1, 1),  # 特急: two hours ahead; head and office on the first day overdue
]


def create(apps, schema_editor):
    policy = apps.get_model("notifications", "ReminderPolicy")
    for kind, urgency, hours, head_days, office_days in DEFAULTS:
        policy.objects.get_or_create(
            kind=kind,
            urgency=urgency,
            defaults={
                "remind_before_hours": hours,
                "escalate_to_head_after_days": head_days,
                "escalate_to_office_after_days": office_days,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_reminders_delivery")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
