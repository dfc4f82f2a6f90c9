"""``/healthz``: database and broker reachability for load balancers, 200 or 503, JSON, no login;
the beat's freshness reported beside them ("degraded", still 200, when it is stale)."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from core import views
from core.heartbeat import heartbeat_record
from core.models import Heartbeat
from core.tasks import beat_heartbeat

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_broker_answer(client):
    heartbeat_record()

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": True, "broker": True}
    assert "no-cache" in response["Cache-Control"]


def test_unavailable_when_the_broker_is_unreachable(client, monkeypatch):
    # Nothing listens on port 1: the connection is refused at once.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": True, "broker": False}


def test_unavailable_when_the_database_fails(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "connection", BrokenConnection())

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["database"] is False


def test_answers_get_only(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_the_beat_heartbeat_task_makes_the_beat_fresh(client):
    beat_heartbeat.apply()

    body = client.get(reverse("healthz")).json()

    assert body["status"] == "ok"
    assert body["beat"]["ok"] is True
    seen = Heartbeat.objects.get(name="beat").seen_at
    assert body["beat"]["last_seen"] == seen.isoformat()


def test_a_stale_beat_is_degraded_but_still_200(client, settings):
    settings.BEAT_STALE_SECONDS = 180
    Heartbeat.objects.create(name="beat", seen_at=timezone.now() - timedelta(minutes=4))

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": True, "broker": True}
    assert body["beat"]["ok"] is False
    assert body["beat"]["last_seen"] is not None


def test_a_beat_never_seen_is_degraded(client):
    body = client.get(reverse("healthz")).json()

    assert body["status"] == "degraded"
    assert body["beat"] == {"ok": False, "last_seen": None}


def test_the_beat_schedule_records_the_heartbeat_every_minute():
    entry = celery_app.conf.beat_schedule["beat-heartbeat"]
    assert entry["task"] == "core.tasks.beat_heartbeat"
    assert entry["schedule"].run_every == timedelta(seconds=60)


def test_the_query_count_does_not_grow_with_heartbeats(client, django_assert_num_queries):
    """SELECT 1, then the beat's row: the same two queries however many heartbeats are stored."""
    heartbeat_record()
    with django_assert_num_queries(2):
        client.get(reverse("healthz"))
    for n in range(6):
        heartbeat_record(name=f"other-{n}")
    with django_assert_num_queries(2):
        client.get(reverse("healthz"))
