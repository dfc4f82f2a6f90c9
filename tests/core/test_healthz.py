"""``/healthz``: database and broker reachability for load balancers, 200 or 503, JSON, no login."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from config.celery import app as celery_app
from core import views

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_broker_answer(client):
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
