"""Fixtures of the core tests."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from affairs.services import matter_create, matter_report_progress
from core.models import Attachment


@pytest.fixture
def attachment(settings, tmp_path, leader, user):
    """A file attached to a progress report on a matter the leader raised and ``user`` leads."""
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        matter = matter_create(
            actor=leader, title="完善应急值班制度", description="修订", priority="key", lead=user,
            assisting=[], due_on=date(2026, 3, 6),
        )  # fmt: skip
        upload = SimpleUploadedFile("值班表.txt", "值班安排".encode(), content_type="text/plain")
        matter_report_progress(actor=user, matter=matter, text="附件", files=[upload])
    return Attachment.objects.get()
