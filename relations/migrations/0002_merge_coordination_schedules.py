"""Coordination matters and leaders' schedules were built side by side: one graph again."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0001_coordination"),
        ("relations", "0001_schedules"),
    ]

    operations = []
