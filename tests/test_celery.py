"""Celery wiring: the beat schedule names real tasks, and the broker follows REDIS_URL."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from celery.schedules import crontab, schedule

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover <app>/tasks.py
    assert app.conf.beat_schedule, "the beat schedule is declared in config/celery.py"
    for entry_name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"beat entry {entry_name!r} names an unknown task {entry['task']!r}"
        assert isinstance(entry["schedule"], schedule | crontab)


@pytest.mark.django_db
def test_scheduled_tasks_run(settings):
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        result = app.tasks[entry["task"]].apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
        assert result.successful(), result.traceback


def broker_settings(**env: str) -> dict[str, object]:
    """The broker a fresh process configures from the given environment, with the real settings
    (the test settings swap in an in-memory broker)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    environment.update(
        env, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50)
    )
    code = (
        "import json, django; django.setup()\n"
        "from django.conf import settings\n"
        "from config.celery import app\n"
        "print(json.dumps({'url': app.conf.broker_url, 'transport': app.connection_for_write().transport_cls,"
        " 'cache': settings.CACHES['default']['BACKEND']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_file_system_broker_without_redis_url():
    # REDIS_URL set but empty counts as unset (the environment wins over .env).
    found = broker_settings(REDIS_URL="")
    assert found["url"] == "filesystem://localhost/"
    assert found["transport"] == "filesystem"
    assert found["cache"].endswith("LocMemCache")


def test_redis_broker_and_cache_with_redis_url():
    found = broker_settings(REDIS_URL="redis://127.0.0.1:6379/15")
    assert found["url"] == "redis://127.0.0.1:6379/15"
    assert found["transport"] == "redis"
    assert found["cache"].endswith("RedisCache")
