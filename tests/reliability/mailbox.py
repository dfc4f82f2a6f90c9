"""E-mail backends for the reliability tests.

``FileBackend`` is what the worker subprocesses send through: every message becomes one file in
``$RELIABILITY_MAIL_DIR``, so the test counts what really left. With ``$RELIABILITY_HANG_FIRST``
naming a file, the first send in any process creates that file and then hangs, which lets the test
``kill -9`` the worker in the middle of a task. ``SlowLocmemBackend`` is Django's in-memory outbox
with a pause, to widen the window in which a second run of the same task could slip in.
"""

import os
import time
from pathlib import Path
from uuid import uuid4

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

HANG_LIMIT_SECONDS = 120  # a hung worker that nobody killed gives up rather than lingering


class FileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["RELIABILITY_MAIL_DIR"])
        for message in email_messages:
            self._maybe_hang()
            (directory / f"{uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)

    @staticmethod
    def _maybe_hang():
        gate = os.environ.get("RELIABILITY_HANG_FIRST")
        if not gate:
            return
        try:
            fd = os.open(gate, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return  # someone already hung on the first send: this one goes through
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        deadline = time.monotonic() + HANG_LIMIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
        raise RuntimeError("the reliability test never killed this worker")


class SlowLocmemBackend(LocmemBackend):
    PAUSE_SECONDS = 0.3

    def send_messages(self, messages):
        time.sleep(self.PAUSE_SECONDS)
        return super().send_messages(messages)
