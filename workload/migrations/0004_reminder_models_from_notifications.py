import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ["reminderpolicy", "scheduledreminder", "urge"]


def _relabel(apps, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(content_type.objects.filter(app_label=target, model__in=MOVED).values_list("model", flat=True))
    content_type.objects.filter(app_label=source, model__in=[m for m in MOVED if m not in taken]).update(
        app_label=target
    )


def move_content_types(apps, schema_editor):
    """Permissions and admin history follow the models: their content types change app."""
    _relabel(apps, "notifications", "workload")


def restore_content_types(apps, schema_editor):
    _relabel(apps, "workload", "notifications")


class Migration(migrations.Migration):
    """The reminder engine's models move from notifications to the ledger (workload).

    Only Django's state changes: the tables keep their names (``db_table``) and their rows.
    """

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('workload', '0003_api_list_indexes'),
        ('notifications', '0003_default_policies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReminderPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(blank=True, help_text='Blank: every kind.', max_length=32, verbose_name='work item kind')),
                        ('urgency', models.CharField(blank=True, choices=[('normal', 'Normal'), ('urgent', 'Urgent'), ('extra_urgent', 'Extra urgent')], help_text='Blank: every urgency.', max_length=16, verbose_name='urgency')),
                        ('remind_before_hours', models.PositiveSmallIntegerField(default=8, verbose_name='remind this many working hours before due')),
                        ('remind_at_due', models.BooleanField(default=True, verbose_name='remind when due')),
                        ('remind_daily_overdue', models.BooleanField(default=True, verbose_name='remind every working day while overdue')),
                        ('escalate_to_head_after_days', models.PositiveSmallIntegerField(default=2, verbose_name='tell the department head after this many working days overdue')),
                        ('escalate_to_office_after_days', models.PositiveSmallIntegerField(default=4, verbose_name='tell the office and the assigner after this many working days overdue')),
                    ],
                    options={
                        'verbose_name': 'reminder policy',
                        'verbose_name_plural': 'reminder policies',
                        'db_table': 'notifications_reminderpolicy',
                        'ordering': ['kind', 'urgency'],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'urgency'), name='reminder_policy_unique'), models.CheckConstraint(condition=models.Q(('escalate_to_office_after_days__gte', models.F('escalate_to_head_after_days'))), name='reminder_policy_office_after_head')],
                    },
                ),
                migrations.CreateModel(
                    name='ScheduledReminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('target_id', models.PositiveBigIntegerField()),
                        ('remind_at', models.DateTimeField()),
                        ('title', models.CharField(max_length=300)),
                        ('body', models.TextField(blank=True)),
                        ('key', models.CharField(max_length=200, unique=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('cancelled', models.BooleanField(default=False)),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('target_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
                    ],
                    options={
                        'verbose_name': 'scheduled reminder',
                        'verbose_name_plural': 'scheduled reminders',
                        'db_table': 'notifications_scheduledreminder',
                        'indexes': [models.Index(condition=models.Q(('cancelled', False), ('sent_at__isnull', True)), fields=['remind_at'], name='scheduled_reminder_due'), models.Index(fields=['target_type', 'target_id'], name='scheduled_reminder_target')],
                    },
                ),
                migrations.CreateModel(
                    name='Urge',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('message', models.TextField(blank=True, verbose_name='message')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='time')),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='urged by')),
                        ('work_item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='urges', to='workload.workitem')),
                    ],
                    options={
                        'verbose_name': 'urge',
                        'verbose_name_plural': 'urges',
                        'db_table': 'notifications_urge',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['work_item', '-created_at'], name='urge_item')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
