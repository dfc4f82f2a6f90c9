"""Request ids (X-Request-ID in and out, into Celery tasks), JSON logs, slow-request warnings."""

import io
import json
import logging
import re

import pytest
from celery import shared_task
from celery.signals import before_task_publish
from django.conf import settings as django_settings
from django.urls import reverse

from core import observability
from core.observability import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")
task_logger = logging.getLogger("xietong.test.task")


@shared_task
def log_inside_a_task() -> str | None:
    task_logger.info("inside the task")
    return observability.current_request_id()


@pytest.fixture
def json_log():
    """The root logger also writes through the configured filter and JSON formatter into a buffer;
    returns a function giving the parsed lines."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def _request_lines(lines):
    return [line for line in lines if line["logger"] == "xietong.request"]


def test_an_incoming_request_id_is_echoed_and_logged(client, json_log):
    response = client.get(reverse("healthz") + "?token=secret", HTTP_X_REQUEST_ID="lb-7f3a.42")

    assert response["X-Request-ID"] == "lb-7f3a.42"
    [line] = _request_lines(json_log())
    assert line["request_id"] == "lb-7f3a.42"
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"  # never the query string
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)
    assert line["user_id"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


@pytest.mark.parametrize("forged", ["", "has spaces", "x" * 65, "<script>", "id\nInjected: yes", "中文"])
def test_an_unusable_request_id_is_replaced(client, forged):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID=forged)

    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_each_request_gets_its_own_id(client):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    second = client.get(reverse("healthz"))["X-Request-ID"]

    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second
    assert observability.current_request_id() is None  # nothing left behind after the request


def test_the_signed_in_user_is_logged(client, user, json_log):
    client.force_login(user)

    client.get(reverse("workload:desk"), HTTP_X_REQUEST_ID="desk-1")

    [line] = _request_lines(json_log())
    assert line["user_id"] == user.pk
    assert line["status"] == 200


def test_a_calendar_feed_token_in_the_path_is_not_logged(client, json_log):
    client.get(reverse("meetings:calendar_feed", kwargs={"token": "s3cr3t-feed-token"}))

    [line] = _request_lines(json_log())
    assert "s3cr3t-feed-token" not in json.dumps(line)
    assert "[redacted]" in line["path"]


def test_a_slow_request_is_a_warning_with_method_path_status_and_duration(client, settings, json_log):
    settings.SLOW_REQUEST_MS = 0

    client.get(reverse("healthz") + "?q=1", HTTP_X_REQUEST_ID="slow-1")

    [line] = _request_lines(json_log())
    assert line["level"] == "WARNING"
    assert line["message"].startswith("Slow request: GET /healthz ")
    assert (line["method"], line["path"], line["request_id"]) == ("GET", "/healthz", "slow-1")
    assert line["status"] in (200, 503) and line["duration_ms"] >= 0


def test_a_quick_request_is_not_a_warning(client, settings, json_log):
    settings.SLOW_REQUEST_MS = 60_000

    client.get(reverse("healthz"))

    assert [line["level"] for line in _request_lines(json_log())] == ["INFO"]


def test_a_task_published_during_a_request_carries_its_id():
    seen = {}

    def spy(headers=None, **kwargs):
        seen.update(headers)

    before_task_publish.connect(spy)
    tokens = observability.bind("req-42")
    try:
        before_task_publish.send(sender="core.tasks.beat_heartbeat", headers={"id": "t1"}, body=None)
    finally:
        observability.unbind(tokens)
        before_task_publish.disconnect(spy)

    assert seen["request_id"] == "req-42"


def test_the_worker_logs_a_task_under_the_request_id_it_carries(json_log):
    result = log_inside_a_task.apply(headers={"request_id": "req-42"})

    assert result.get() == "req-42"
    [line] = [line for line in json_log() if line["logger"] == "xietong.test.task"]
    assert line["request_id"] == "req-42"
    assert line["message"] == "inside the task"
    assert observability.current_request_id() is None  # restored when the task ended


def test_a_task_run_in_the_request_keeps_the_request_id():
    tokens = observability.bind("req-7")
    try:
        assert log_inside_a_task.apply().get() == "req-7"
    finally:
        observability.unbind(tokens)


def test_a_forged_task_header_is_ignored():
    assert log_inside_a_task.apply(headers={"request_id": "bad id\n"}).get() is None


def test_the_json_formatter_writes_one_parseable_object_with_the_exception():
    record = logging.LogRecord("xietong.x", logging.ERROR, __file__, 1, "failed %s", ("转办",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RequestContextFilter().filter(record)

    entry = json.loads(JsonFormatter().format(record))

    assert entry["message"] == "failed 转办"
    assert entry["level"] == "ERROR" and entry["logger"] == "xietong.x"
    assert entry["request_id"] == "-"
    assert "ValueError: boom" in entry["exception"]


def test_the_text_format_shows_the_request_id():
    formatter = logging.Formatter(django_settings.LOGGING["formatters"]["text"]["format"])
    record = logging.LogRecord("xietong.x", logging.INFO, __file__, 1, "hello", (), None)
    tokens = observability.bind("abc")
    try:
        RequestContextFilter().filter(record)
    finally:
        observability.unbind(tokens)

    assert formatter.format(record).endswith("INFO xietong.x [abc] hello")


def test_the_console_handler_adds_the_request_context():
    handler = django_settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["request_context"]
    assert handler["formatter"] in ("text", "json")
    assert django_settings.MIDDLEWARE[0] == "core.middleware.RequestLogMiddleware"
