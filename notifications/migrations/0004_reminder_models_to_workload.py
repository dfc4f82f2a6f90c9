from django.db import migrations


class Migration(migrations.Migration):
    """ReminderPolicy, Urge and ScheduledReminder now belong to workload (the reminder engine).

    Only Django's state changes: the tables and their rows stay (workload's models name them).
    """

    dependencies = [
        ("notifications", "0003_default_policies"),
        ("workload", "0004_reminder_models_from_notifications"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ReminderPolicy"),
                migrations.RemoveField(model_name="urge", name="by"),
                migrations.RemoveField(model_name="urge", name="work_item"),
                migrations.DeleteModel(name="ScheduledReminder"),
                migrations.DeleteModel(name="Urge"),
            ],
            database_operations=[],
        ),
    ]
