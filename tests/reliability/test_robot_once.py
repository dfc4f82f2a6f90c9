"""The same robot delivery run by two workers at once is posted once (real PostgreSQL connections).

See ``conftest.py`` for how to run the reliability tests.
"""

import threading
from http.server import ThreadingHTTPServer

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import Department
from notifications.models import DeliveryStatus, RobotDelivery, RobotRoute, RobotWebhook
from notifications.services import notification_create
from notifications.tasks import deliver_robot
from tests.notifications.test_robots import Recorder
from tests.reliability.support import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def robot_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    httpd.requests, httpd.answers = [], []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_two_workers_running_the_same_post_send_it_once(robot_server, user, department):
    url = f"http://127.0.0.1:{robot_server.server_address[1]}/send"
    webhook = RobotWebhook.objects.create(name="办公室群", platform="dingtalk", url=url, secret="SECx")
    RobotRoute.objects.create(webhook=webhook, department=department, kinds=["reminder"])
    target = (ContentType.objects.get_for_model(Department).pk, department.pk)
    notes = [
        notification_create(recipient=user, kind="reminder", title=f"报送统计 {n}", target_ref=target) for n in range(4)
    ]
    rows = list(RobotDelivery.objects.filter(notification__in=notes).order_by("pk"))
    assert len(rows) == 4

    for row in rows:
        outcomes = run_together(
            lambda pk=row.pk: deliver_robot.apply(args=(pk,)).get(),
            lambda pk=row.pk: deliver_robot.apply(args=(pk,)).get(),
        )
        assert sorted(outcomes) == ["sent", "skipped"]

    assert len(robot_server.requests) == 4
    assert set(RobotDelivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
