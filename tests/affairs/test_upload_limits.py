"""The number of files one request may carry: the same cap on the page form as in the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from affairs.models import MatterEvent, MatterEventKind
from core.attachments import MAX_FILES_PER_REQUEST
from core.models import Attachment
from tests.api import as_, assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _files(n):
    return [SimpleUploadedFile(f"第{i}页.txt", f"第{i}页内容".encode(), content_type="text/plain") for i in range(n)]


def _page_post(client, matter, n):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client.post(
        reverse("affairs:matter_progress", args=[matter.pk]),
        {"progress-text": "附件", "progress-files": _files(n)},
    )


def test_the_page_takes_as_many_files_as_the_cap(client_of, matter, user):
    response = _page_post(client_of(user), matter, MAX_FILES_PER_REQUEST)
    assert response.status_code == 302
    assert Attachment.objects.count() == MAX_FILES_PER_REQUEST


def test_the_page_refuses_one_file_more_than_the_cap(client_of, matter, user):
    response = _page_post(client_of(user), matter, MAX_FILES_PER_REQUEST + 1)
    assert response.status_code == 400
    assert f"Attach at most {MAX_FILES_PER_REQUEST} files at a time." in response.content.decode()
    assert not MatterEvent.objects.filter(kind=MatterEventKind.PROGRESS).exists()
    assert not Attachment.objects.exists()


def test_the_api_refuses_one_file_more_than_the_cap(matter, user):
    response = as_(user).post(
        f"/api/v1/matters/{matter.pk}/progress/",
        {"text": "附件", "files": _files(MAX_FILES_PER_REQUEST + 1)},
        format="multipart",
    )
    assert "files" in assert_error(response, 400)["fields"]
    assert not Attachment.objects.exists()
