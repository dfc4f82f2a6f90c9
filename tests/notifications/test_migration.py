"""Existing notifications keep their text when messages are stored by key (the data migration)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("notifications", "0003_default_policies"), ("accounts", "0002_labels")]
AFTER = [("notifications", "0004_notification_message_params")]


@pytest.mark.django_db(transaction=True)
def test_old_rows_keep_rendering_as_written():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Notification = old.get_model("notifications", "Notification")
    person = User.objects.create(username="old", name="老用户")
    Notification.objects.create(recipient=person, kind="info", title="旧通知", body="旧正文")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    new = executor.loader.project_state(AFTER).apps
    row = new.get_model("notifications", "Notification").objects.get()
    assert (row.message, row.params) == ("legacy", {"title": "旧通知", "body": "旧正文"})

    # Back to the latest schema for the rest of the suite; the model renders the row as before.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from notifications.models import Notification as Current

    assert Current.objects.get().render("en") == ("旧通知", "旧正文")
