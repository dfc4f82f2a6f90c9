"""The chat-robot channel: routed kinds posted once per notification and robot, after commit, by a
worker, in each platform's markdown shape, signed, masked when classified; tested against a local server."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.models import Department
from core.audit import AuditEvent
from core.enums import Classification
from notifications import robots
from notifications.models import DeliveryStatus, NotificationKind, RobotDelivery, RobotRoute, RobotWebhook
from notifications.presentation import masked_title
from notifications.services import notification_create
from notifications.tasks import deliver_robot, sweep_robot_deliveries
from tests.factories import UserFactory
from workload import targets

pytestmark = pytest.mark.django_db

SECRET = "SECexample-signing-secret"


class Recorder(BaseHTTPRequestHandler):
    """A robot's server: records each post, answers what the test queued (default: success)."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        self.server.requests.append({"path": self.path, "body": body})
        status, answer = self.server.answers.pop(0) if self.server.answers else (200, {"errcode": 0, "errmsg": "ok"})
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    httpd.requests, httpd.answers = [], []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/robot/send?access_token=abc"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def linked(monkeypatch):
    # Any URL that takes an id stands in for a coordination app's detail page.
    monkeypatch.setitem(targets._url_names, "accounts.department", "accounts:person")


def robot(server, platform="wecom", secret="", **routes):
    webhook = RobotWebhook.objects.create(name=f"{platform} 群", platform=platform, url=server.url, secret=secret)
    return webhook


def route(webhook, kinds=("reminder", "overdue"), **who):
    return RobotRoute.objects.create(webhook=webhook, kinds=list(kinds), **who)


def tell(person, target, *, kind=NotificationKind.REMINDER, title="报送季度统计", classification="internal"):
    return notification_create(
        recipient=person,
        kind=kind,
        message="reminder.before_due",
        params={"title": title, "due": "2026-03-13 17:30"},
        target_ref=(ContentType.objects.get_for_model(Department).pk, target.pk),
        classification=classification,
    )


def run(delivery):
    return deliver_robot.apply(args=(delivery.pk,))


# --- recording ----------------------------------------------------------------------------------


def test_a_routed_kind_is_recorded_with_the_notification_and_sent_after_commit(
    server, user, department, django_capture_on_commit_callbacks
):
    route(robot(server), user=user)
    with mock.patch.object(robots, "enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=False) as hooks:
            note = tell(user, department)
            row = RobotDelivery.objects.get(notification=note)
            enqueue.assert_not_called()  # never in the request: only after commit
        for hook in hooks:
            hook()
    enqueue.assert_called_once_with(row.pk)
    assert not server.requests


def test_nothing_is_recorded_when_the_action_rolls_back(server, user, department):
    route(robot(server), user=user)

    def act_then_fail():
        with transaction.atomic():
            tell(user, department)
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        act_then_fail()
    assert not RobotDelivery.objects.exists()


def test_only_chosen_kinds_of_routed_people_and_departments_go_out(server, user, head, department):
    webhook = robot(server)
    other = robot(server, platform="dingtalk")
    route(webhook, kinds=["reminder"], user=user)
    route(webhook, kinds=["reminder"], department=department)  # user is in it too: still one post
    route(other, kinds=["urge"], department=department)
    outsider = UserFactory()
    tell(user, department)
    tell(head, department)  # a member of the routed department
    tell(user, department, kind=NotificationKind.ESCALATION)  # a kind nobody chose
    tell(outsider, department)
    assert sorted(RobotDelivery.objects.values_list("notification__recipient__username", "webhook_id")) == sorted(
        [(user.username, webhook.pk), (head.username, webhook.pk)]
    )


def test_an_inactive_robot_gets_nothing(server, user, department):
    webhook = robot(server)
    route(webhook, user=user)
    webhook.active = False
    webhook.save()
    tell(user, department)
    assert not RobotDelivery.objects.exists()


def test_one_delivery_per_notification_and_robot_is_enforced_by_the_database(server, user, department):
    route(robot(server), user=user)
    row = RobotDelivery.objects.get(notification=tell(user, department))
    with pytest.raises(IntegrityError), transaction.atomic():
        RobotDelivery.objects.create(notification=row.notification, webhook=row.webhook)


# --- sending: shapes, signatures, masking --------------------------------------------------------


def test_wecom_markdown_with_a_link_back_to_the_portal(server, user, department, linked, settings):
    settings.SITE_URL = "https://oa.example.gov.cn"
    route(robot(server, "wecom"), user=user)
    row = RobotDelivery.objects.get(notification=tell(user, department))

    assert run(row).get() == "sent"

    [request] = server.requests
    assert request["path"] == "/robot/send?access_token=abc"
    assert request["body"]["msgtype"] == "markdown"
    content = request["body"]["markdown"]["content"]
    assert "报送季度统计" in content and "2026-03-13 17:30" in content
    assert f"(https://oa.example.gov.cn{reverse('accounts:person', args=[department.pk])})" in content
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.sent_at is not None


def test_dingtalk_is_signed_with_timestamp_and_hmac(server, user, department):
    route(robot(server, "dingtalk", secret=SECRET), user=user)
    row = RobotDelivery.objects.get(notification=tell(user, department))

    assert run(row).get() == "sent"

    [request] = server.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    assert query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]  # parse_qs undoes the URL encoding
    body = request["body"]
    assert body["msgtype"] == "markdown"
    assert set(body["markdown"]) == {"title", "text"}
    assert "报送季度统计" in body["markdown"]["title"] and "报送季度统计" in body["markdown"]["text"]


def test_feishu_card_signed_in_the_body(server, user, department):
    route(robot(server, "feishu", secret=SECRET), user=user)
    server.answers.append((200, {"code": 0, "msg": "success"}))
    row = RobotDelivery.objects.get(notification=tell(user, department))

    assert run(row).get() == "sent"

    body = server.requests[0]["body"]
    expected = base64.b64encode(
        hmac.new(f"{body['timestamp']}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected
    assert body["msg_type"] == "interactive"
    assert "报送季度统计" in body["card"]["elements"][0]["content"]


@pytest.mark.parametrize("classification", [Classification.SECRET, Classification.CONFIDENTIAL])
def test_a_classified_item_names_only_its_kind_and_the_link(server, user, department, linked, classification):
    # The recipient may see it, but a group is not the recipient: never the title in a group.
    route(robot(server, "wecom"), user=user)
    row = RobotDelivery.objects.get(
        notification=tell(user, department, title="人事调整方案", classification=classification)
    )

    assert run(row).get() == "sent"

    content = server.requests[0]["body"]["markdown"]["content"]
    assert "人事调整方案" not in content and "2026-03-13" not in content
    # The recipient reads Chinese (the default language): the level is named, nothing else.
    with translation.override("zh-hans"):
        assert masked_title(classification) in content
    assert {"secret": "秘密", "confidential": "机密"}[classification] in content
    assert reverse("accounts:person", args=[department.pk]) in content


def test_a_target_the_recipient_may_not_see_is_not_linked(server, user, department, hidden_targets):
    hidden_targets.add((ContentType.objects.get_for_model(Department).pk, department.pk))
    route(robot(server, "wecom"), user=user)
    row = RobotDelivery.objects.get(notification=tell(user, department, title="内部事项"))
    assert run(row).get() == "sent"
    content = server.requests[0]["body"]["markdown"]["content"]
    assert "内部事项" not in content and "/notifications/" in content


def test_markdown_in_a_title_does_not_become_a_link(server, user, department):
    route(robot(server, "wecom"), user=user)
    row = RobotDelivery.objects.get(notification=tell(user, department, title="[点我](http://evil.example)"))
    run(row).get()
    assert "[点我](http://evil.example)" not in server.requests[0]["body"]["markdown"]["content"]


# --- exactly once, retries, failure --------------------------------------------------------------


def test_exactly_once_under_repeated_task_runs(server, user, department):
    route(robot(server), user=user)
    row = RobotDelivery.objects.get(notification=tell(user, department))
    results = [run(row).get() for _ in range(3)]
    assert results == ["sent", "skipped", "skipped"]
    assert len(server.requests) == 1


def test_a_failing_robot_is_retried_with_back_off_then_failed_with_the_reason(server, user, department, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    route(robot(server), user=user)
    row = RobotDelivery.objects.get(notification=tell(user, department))
    server.answers.extend([(500, {}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"}), (502, {})])
    assert deliver_robot.autoretry_for == (robots.RobotSendError, OSError)
    assert deliver_robot.retry_backoff

    waits = []
    for attempt in (1, 2):
        with pytest.raises(robots.RobotSendError):
            robots.send_one(row.pk)
        row.refresh_from_db()
        assert (row.status, row.attempts) == (DeliveryStatus.PENDING, attempt)
        waits.append(row.next_attempt_at - row.claimed_at)
    assert "93000" in row.last_error and waits[1] > waits[0]
    assert robots.send_one(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and row.last_error == "RobotSendError: HTTP 502"
    assert len(server.requests) == 3


def test_an_unreachable_robot_is_a_passing_error(user, department):
    webhook = RobotWebhook.objects.create(name="停用的群", platform="wecom", url="http://127.0.0.1:9/nothing")
    route(webhook, user=user)
    row = RobotDelivery.objects.get(notification=tell(user, department))
    with pytest.raises(OSError, match="refused"):
        robots.send_one(row.pk)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING and row.next_attempt_at is not None


def test_the_sweep_resends_pending_posts_least_tried_first(server, user, department):
    route(robot(server), user=user)
    rows = [RobotDelivery.objects.get(notification=tell(user, department, title=f"事项{i}")) for i in range(3)]
    RobotDelivery.objects.filter(pk=rows[0].pk).update(attempts=4)
    later = rows[-1].created_at + timedelta(minutes=5)
    with mock.patch.object(robots, "enqueue", return_value=True) as enqueue:
        assert robots.dispatch_unsent(now=later) == 3
    assert [c.args[0] for c in enqueue.call_args_list] == [rows[1].pk, rows[2].pk, rows[0].pk]
    # The periodic task sends them for real (the test broker runs tasks eagerly through enqueue).
    with mock.patch.object(robots, "enqueue", side_effect=lambda pk: robots.send_one(pk) == "sent"):
        assert sweep_robot_deliveries.apply().get() == 0  # created just now: left to their own nudge
        with mock.patch.object(robots.timezone, "now", return_value=later):
            assert robots.dispatch_unsent() == 3
    assert len(server.requests) == 3


# --- administration -----------------------------------------------------------------------------


def test_administrators_set_robots_and_routes_in_the_admin(client_of, admin_user, user, department):
    client = client_of(admin_user)
    response = client.post(
        reverse("admin:notifications_robotwebhook_add"),
        {"name": "办公室群", "platform": "dingtalk", "url": "https://robot.example/send?access_token=x",
         "secret": SECRET, "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    webhook = RobotWebhook.objects.get()
    event = AuditEvent.objects.get(verb="notifications.robot_create")
    assert SECRET not in json.dumps(event.data)

    both = client.post(
        reverse("admin:notifications_robotroute_add"),
        {"webhook": webhook.pk, "user": user.pk, "department": department.pk, "kinds": ["reminder"]},
        headers={"accept-language": "en"},
    )
    assert both.status_code == 200 and "Choose either a person or a department." in both.content.decode()
    ok = client.post(
        reverse("admin:notifications_robotroute_add"),
        {"webhook": webhook.pk, "department": department.pk, "kinds": ["reminder", "overdue"]},
    )
    assert ok.status_code == 302
    assert RobotRoute.objects.get().kinds == ["reminder", "overdue"]
    assert AuditEvent.objects.filter(verb="notifications.route_create").exists()


def test_staff_cannot_reach_the_robot_admin(client_of, user):
    response = client_of(user).get(reverse("admin:notifications_robotwebhook_changelist"))
    assert response.status_code == 302  # to the admin login


def test_robot_admin_lists_cost_the_same_at_any_size(client_of, admin_user, server, user, department):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    webhook = robot(server)
    client = client_of(admin_user)

    def add(n):
        for i in range(n):
            person = UserFactory(department=department)
            route(webhook, user=person)
            tell(person, department, title=f"事项{i}")

    def counts():
        measured = {}
        for name in ("robotroute", "robotdelivery", "robotwebhook"):
            url = reverse(f"admin:notifications_{name}_changelist")
            client.get(url)  # warm caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            measured[name] = len(queries)
        return measured

    add(3)
    few = counts()
    add(27)
    # Session, user, counts, the page with its webhook/user/department (or notification) joined,
    # date hierarchy and filter choices: the same number at 3 rows as at 30.
    assert counts() == few
    assert max(few.values()) <= 12


# --- a person's own routes ------------------------------------------------------------------------

ROBOTS = reverse("notifications:robots")


def test_a_person_routes_their_own_kinds_to_an_offered_robot(client_of, server, user, department):
    offered = RobotWebhook.objects.create(name="科室群", platform="wecom", url=server.url, offered=True)
    RobotWebhook.objects.create(name="领导群", platform="wecom", url=server.url)  # not offered
    client = client_of(user)
    page = client.get(ROBOTS, headers={"accept-language": "en"}).content.decode()
    assert "科室群" in page and "领导群" not in page

    response = client.post(ROBOTS, {"webhook": offered.pk, "kinds": ["reminder", "overdue"]})
    assert response.status_code == 302
    route = RobotRoute.objects.get(user=user)
    assert (route.webhook, route.kinds) == (offered, ["reminder", "overdue"])
    assert AuditEvent.objects.filter(verb="notifications.route_create").exists()
    tell(user, department)
    assert RobotDelivery.objects.filter(webhook=offered).count() == 1

    # Choosing again changes the kinds; choosing none stops it.
    client.post(ROBOTS, {"webhook": offered.pk, "kinds": ["urge"]})
    assert RobotRoute.objects.get(user=user).kinds == ["urge"]
    client.post(ROBOTS, {"webhook": offered.pk})
    assert not RobotRoute.objects.filter(user=user).exists()


def test_a_robot_not_offered_or_a_bad_kind_is_refused(client_of, server, user):
    hidden = RobotWebhook.objects.create(name="领导群", platform="wecom", url=server.url)
    offered = RobotWebhook.objects.create(name="科室群", platform="wecom", url=server.url, offered=True)
    client = client_of(user)
    assert client.post(ROBOTS, {"webhook": hidden.pk, "kinds": ["reminder"]}).status_code == 400
    assert client.post(ROBOTS, {"webhook": offered.pk, "kinds": ["nonsense"]}).status_code == 400
    assert client.post(ROBOTS, {"webhook": "99999999999999999999", "kinds": ["reminder"]}).status_code == 400
    assert not RobotRoute.objects.exists()


def test_stopping_a_route_is_only_for_its_owner(client_of, server, user, head):
    offered = RobotWebhook.objects.create(name="科室群", platform="wecom", url=server.url, offered=True)
    mine = route(offered, user=user)
    theirs = route(offered, user=head)
    client = client_of(user)
    assert client.post(reverse("notifications:robot_remove", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:robot_remove", args=[mine.pk])).status_code == 405
    assert client.post(reverse("notifications:robot_remove", args=[mine.pk])).status_code == 302
    assert list(RobotRoute.objects.values_list("user", flat=True)) == [head.pk]


def test_department_routes_are_not_listed_or_changed_on_the_personal_page(client_of, server, user, department):
    offered = RobotWebhook.objects.create(name="科室群", platform="wecom", url=server.url, offered=True)
    by_admin = route(offered, department=department)
    client = client_of(user)
    assert f'id="robot-route-{by_admin.pk}"' not in client.get(ROBOTS).content.decode()
    assert client.post(reverse("notifications:robot_remove", args=[by_admin.pk])).status_code == 404


def test_without_offered_robots_the_page_says_so(client_of, user):
    html = client_of(user).get(ROBOTS, headers={"accept-language": "en"}).content.decode()
    assert 'id="no-robots"' in html and 'id="robot-routes-empty"' in html


def test_the_personal_page_costs_the_same_at_any_size(client_of, server, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(user)

    def add(n):
        for i in range(n):
            webhook = RobotWebhook.objects.create(name=f"群{i}", platform="wecom", url=server.url, offered=True)
            route(webhook, user=user)

    def count():
        client.get(ROBOTS)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ROBOTS).status_code == 200
        return len(queries)

    add(2)
    few = count()
    add(20)
    # 1 session, 2 user, 3 my routes with their robots, 4 whether any robot is offered,
    # 5 the offered robots for the choice, 6 the unread badge.
    assert count() == few == 6
