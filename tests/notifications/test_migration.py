"""Existing notifications keep their text when messages are stored by key (the data migration)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

BEFORE = [("notifications", "0005_notification_subject")]
AFTER = [("notifications", "0006_notification_message_params")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_old_rows_keep_rendering_as_written():
    person = UserFactory(username="old", name="老用户")  # people are not touched by this migration
    executor = migrate(BEFORE)
    Old = executor.loader.project_state(BEFORE).apps.get_model("notifications", "Notification")
    Old.objects.create(recipient_id=person.pk, kind="info", title="旧通知", body="旧正文")

    executor = migrate(AFTER)
    row = executor.loader.project_state(AFTER).apps.get_model("notifications", "Notification").objects.get()
    assert (row.message, row.params) == ("legacy", {"title": "旧通知", "body": "旧正文"})

    # Back to the latest schema for the rest of the suite; the model renders the row as before.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    from notifications.models import Notification

    assert Notification.objects.get().render("en") == ("旧通知", "旧正文")
