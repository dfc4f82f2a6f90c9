"""Production settings: Django's deployment checklist passes, and an insecure key refuses to start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="xietong.example.org",
        CSRF_TRUSTED_ORIGINS="https://xietong.example.org",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_passes_with_zero_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_wsgi_application_loads_under_production_settings():
    # What `gunicorn config.wsgi` imports.
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi; print(config.wsgi.application.__class__.__name__)"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "WSGIHandler" in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [
        None,  # not set at all
        "",
        "django-insecure-" + "x7#k2m9q" * 7,  # Django's placeholder prefix
        "short-key",
        "abcde" * 10,  # 50 characters, but only five different ones
        "abcdefghij" * 6,  # enough different characters, but a repeated pattern
        "a" * 45 + "bcdefghij",
    ],
    ids=["missing", "empty", "django-insecure", "weak", "five-letters", "repeated", "mostly-one-letter"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    dotenv = ROOT / ".env"
    if secret_key is None and dotenv.exists() and "SECRET_KEY" in dotenv.read_text():
        pytest.skip("this working copy's .env sets SECRET_KEY, so it cannot be missing here")
    env = production_env(SECRET_KEY=secret_key)
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_generated_keys_pass_the_strength_check():
    from django.core.management.utils import get_random_secret_key

    from config.settings import _secret_key_weakness

    for _ in range(2000):
        assert _secret_key_weakness(secrets.token_urlsafe(50)) is None
        assert _secret_key_weakness(secrets.token_hex(32)) is None
        assert _secret_key_weakness(get_random_secret_key()) is None
    assert _secret_key_weakness("abcde" * 10) is not None


def test_the_refusal_says_why():
    result = manage("check", env=production_env(SECRET_KEY="abcde" * 10))
    assert result.returncode != 0
    assert "low entropy" in result.stderr


def test_gunicorn_workers_are_sized_to_the_cores_unless_set(monkeypatch):
    import multiprocessing
    import runpy

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["bind"] == ["127.0.0.1:8000"]  # the loopback, behind nginx
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:8000")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert (config["workers"], config["bind"]) == (3, ["0.0.0.0:8000"])


def test_a_new_web_worker_loads_the_search_dictionary_before_its_first_request(monkeypatch):
    import runpy

    from workload import search

    monkeypatch.setattr(search, "_jieba", None)  # as in a freshly forked worker
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    config["post_worker_init"](worker=None)
    assert search._jieba is not None


def test_deploy_holds_what_an_operator_needs():
    deploy = ROOT / "deploy"
    for name in ("gunicorn.conf.py", "nginx.conf", "xietong.env.example", "Procfile"):
        assert (deploy / name).is_file(), name
    units = {p.name for p in (deploy / "systemd").glob("*.service")}
    assert units == {"xietong-web.service", "xietong-worker@.service", "xietong-beat.service"}
    nginx = (deploy / "nginx.conf").read_text()
    env_example = (deploy / "xietong.env.example").read_text()
    # The internal location nginx serves attachments from is the prefix the application hands over.
    prefix = next(line.split("=", 1)[1] for line in env_example.splitlines() if line.startswith("ATTACHMENT_ACCEL"))
    assert f"location {prefix} {{\n        internal;" in nginx
    assert "DEBUG=false" in env_example
