"""Notifications store a message key and parameters instead of finished text; old rows keep
their text under the ``legacy`` key (shown as written)."""

from django.db import migrations, models


def to_params(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    batch = []
    for row in Notification.objects.only("pk", "title", "body").iterator(chunk_size=2000):
        row.message = "legacy"
        row.params = {"title": row.title, "body": row.body}
        batch.append(row)
        if len(batch) >= 2000:
            Notification.objects.bulk_update(batch, ["message", "params"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["message", "params"])


def to_text(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.all().iterator(chunk_size=2000):
        params = row.params or {}
        row.title = str(params.get("title", ""))[:300]
        row.body = str(params.get("body", ""))
        row.save(update_fields=["title", "body"])


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0005_notification_subject'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='message',
            field=models.CharField(default='legacy', max_length=64, verbose_name='message'),
        ),
        migrations.AddField(
            model_name='notification',
            name='params',
            field=models.JSONField(blank=True, default=dict, verbose_name='parameters'),
        ),
        migrations.AddField(
            model_name='notification',
            name='classification',
            field=models.CharField(blank=True, choices=[('public', 'Public'), ('internal', 'Internal'), ('secret', 'Secret'), ('confidential', 'Confidential')], max_length=16, verbose_name='classification'),
        ),
        migrations.RunPython(to_params, to_text),
        migrations.RemoveField(
            model_name='notification',
            name='body',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='title',
        ),
    ]
