"""What a newcomer meets: SITE_URL follows `make run`'s address, one PostgreSQL test database per
checkout, and no kombu "No hostname was supplied" warning."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def settings_value(expression: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    """Evaluate ``expression`` with the real settings in a fresh process and the given environment."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "RUN_")) and k != "SITE_URL"
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", REDIS_URL="")
    for key, value in env.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    code = f"import django; django.setup()\nfrom django.conf import settings\nprint({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_site_url_follows_make_runs_port_and_host_in_development():
    found = settings_value("settings.SITE_URL", DEBUG="true", RUN_HOST="127.0.0.1", RUN_PORT="8123")
    assert found.stdout.strip() == "http://127.0.0.1:8123", found.stderr
    found = settings_value("settings.SITE_URL", DEBUG="true", RUN_HOST="0.0.0.0", RUN_PORT="8124")  # noqa: S104
    assert found.stdout.strip() == "http://127.0.0.1:8124", found.stderr
    found = settings_value("settings.SITE_URL, 'intranet' in settings.ALLOWED_HOSTS", DEBUG="true", RUN_HOST="intranet")
    assert found.stdout.strip() == "http://intranet:8000 True", found.stderr


def test_an_explicit_site_url_wins():
    found = settings_value("settings.SITE_URL", DEBUG="true", RUN_PORT="8123", SITE_URL="https://xt.example.org")
    assert found.stdout.strip() == "https://xt.example.org", found.stderr


def test_no_hostname_warning_from_the_file_system_broker():
    found = settings_value(
        "__import__('config.celery').celery.app.connection_for_write().as_uri()", DEBUG="true", REDIS_URL=""
    )
    assert found.returncode == 0, found.stderr
    assert "filesystem://" in found.stdout
    assert "No hostname" not in found.stdout + found.stderr


def test_no_hostname_warning_from_the_test_broker(caplog):
    from config.celery import app

    app.connection_for_write().as_uri()
    assert "No hostname" not in caplog.text


make = shutil.which("make")


def make_dry_run(*args: str) -> str:
    """``make -n`` here, free of an outer make's flags and of a PG_URL in the environment."""
    environment = {
        k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PG_URL", "REDIS_TEST_URL")
    }
    result = subprocess.run(
        [make or "make", "-n", "--no-print-directory", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout


@pytest.mark.skipif(make is None, reason="GNU make is not installed")
def test_the_postgresql_test_database_is_named_after_the_checkout():
    dry_run = make_dry_run("test")
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
    assert f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/xietong_{digest} " in dry_run
    assert f"'postgres://postgres@127.0.0.1:5432/xietong_{digest}'" in dry_run  # created if missing

    override = "postgres://postgres@127.0.0.1:5432/xietong_elsewhere"
    assert f"DATABASE_URL={override} " in make_dry_run("test", f"PG_URL={override}")


@pytest.mark.skipif(make is None, reason="GNU make is not installed")
def test_make_run_passes_its_address_on_and_takes_ctrl_c_as_a_normal_stop():
    dry_run = make_dry_run("run", "PORT=8321", "HOST=0.0.0.0")
    assert "RUN_HOST=0.0.0.0 RUN_PORT=8321" in dry_run
    assert "[ $rc -eq 130 ]" in dry_run  # honcho's exit status after Ctrl-C is not an error
    procfile = (ROOT / "Procfile").read_text()
    commands = [line.split(":", 1)[1].strip() for line in procfile.splitlines() if line and not line.startswith("#")]
    assert commands and all(command.startswith("exec ") for command in commands)
    assert "--pool threads" in procfile  # no forked pool children for honcho's SIGTERM to kill mid-task
