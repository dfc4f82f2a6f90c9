"""A notification names what it is part of generically (``subject``), not the ledger's work item:
notifications know nothing of work items (DESIGN.md, Layers). Existing rows keep their work item
as the subject."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def copy_work_items(apps, schema_editor):
    notification = apps.get_model("notifications", "Notification")
    content_type = apps.get_model("contenttypes", "ContentType")
    if not notification.objects.filter(work_item__isnull=False).exists():
        return
    work_item_type, _created = content_type.objects.get_or_create(app_label="workload", model="workitem")
    notification.objects.filter(work_item__isnull=False).update(
        subject_type=work_item_type, subject_id=F("work_item_id")
    )


def copy_back(apps, schema_editor):
    notification = apps.get_model("notifications", "Notification")
    notification.objects.filter(subject_type__app_label="workload", subject_type__model="workitem").update(
        work_item_id=F("subject_id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0004_reminder_models_to_workload"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="subject id"),
        ),
        migrations.AddField(
            model_name="notification",
            name="subject_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="subject type",
            ),
        ),
        migrations.RunPython(copy_work_items, copy_back),
        migrations.RemoveField(model_name="notification", name="work_item"),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["subject_type", "subject_id"], name="notif_subject"),
        ),
    ]
