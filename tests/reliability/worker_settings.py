"""Settings of the Celery worker subprocesses the reliability tests start: the test settings,
sending e-mail through ``tests.reliability.mailbox.FileBackend`` so that the test can count it."""

from config.test_settings import *  # noqa: F403

EMAIL_BACKEND = "tests.reliability.mailbox.FileBackend"
