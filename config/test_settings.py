"""Settings for the test suite: the real settings with a fast password hasher and eager defaults.

The environment still chooses the database and Redis, so `make test` runs the same suite on
SQLite and again on PostgreSQL with Redis.
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-not-for-production-8frh6MFffllQULoiN9zrQHe5iNPDoUI-ZrNWk2HZ")

from config.settings import *  # noqa: F403
from config.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests use the plain test client over http.
SECURE_SSL_REDIRECT = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# The browser tests talk to the live server over plain http.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Serve static files straight from the app folders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks enqueued by tests go to an in-process broker unless Redis is configured (the PostgreSQL +
# Redis pass and the reliability tests use the real one); nothing lands in var/broker.
if not REDIS_URL:  # noqa: F405
    CELERY_BROKER_URL = "memory://localhost/"
