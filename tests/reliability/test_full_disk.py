"""The file store fails under an upload (issue 12, item d): the disk is full, or the media folder is
not writable. The person gets a clear refusal (503, not a 500), and nothing is half-saved: no
progress report, no attachment row, no file, not even the part of a file written before the disk
filled up, nor the earlier files of the same request. Once the store works again, the same upload
succeeds, once.

The store is made to fail for real where the test may: as root it mounts a tmpfs of 64 KiB as
MEDIA_ROOT (full after the first few kilobytes; remounted read-only for "not writable"). Where
mounting is not permitted, it falls back on what an unprivileged process can do: a folder without
write permission, and a storage whose writes stop with ENOSPC after part of the file is written.
"""

import errno
import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from affairs.models import MatterEvent, MatterEventKind
from affairs.services import matter_create
from core.models import Attachment
from tests.api import as_, assert_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STORE_BYTES = 64 * 1024


class MediaStore:
    """MEDIA_ROOT for one test, which can be made full or read-only."""

    def __init__(self, root: Path, *, mounted: bool, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.mounted = mounted
        self.monkeypatch = monkeypatch
        self.writable_save = FileSystemStorage._save

    def _mount(self, options: str) -> None:
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(self.root)], check=True)

    def make_read_only(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(self.root)], check=True)
            return
        self.root.chmod(0o555)
        if os.geteuid() == 0:  # root writes whatever the permissions say: refuse as the kernel would

            def refuse(storage, name, content):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), storage.path(name))

            self.monkeypatch.setattr(FileSystemStorage, "_save", refuse)

    def make_writable(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,rw", str(self.root)], check=True)
            return
        self.root.chmod(0o755)
        self.monkeypatch.setattr(FileSystemStorage, "_save", self.writable_save)

    def files(self) -> list[Path]:
        return [path for path in self.root.rglob("*") if path.is_file()]


def _can_mount(root: Path) -> bool:
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={STORE_BYTES}", "tmpfs", str(root)], capture_output=True, check=False
    )
    return done.returncode == 0


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    root = tmp_path / "media"
    root.mkdir()
    mounted = _can_mount(root)
    settings.MEDIA_ROOT = str(root)
    if not mounted:
        # No tmpfs: a storage that writes part of a file and then finds the disk full, like ENOSPC does.
        real_save = FileSystemStorage._save

        def save_until_full(self, name, content):
            if content.size <= STORE_BYTES:
                return real_save(self, name, content)
            with open(self.path(name), "wb") as partial:
                partial.write(content.read(STORE_BYTES))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(FileSystemStorage, "_save", save_until_full)
    store = MediaStore(root, mounted=mounted, monkeypatch=monkeypatch)
    try:
        yield store
    finally:
        if mounted:
            subprocess.run(["umount", str(root)], check=False)
        else:
            root.chmod(0o755)


@pytest.fixture
def matter(leader, user, department):
    return matter_create(
        actor=leader,
        title="完善应急值班制度",
        description="修订值班表并报局领导",
        priority="key",
        lead=user,
        assisting=[UserFactory(username="assistant", name="陈协办", department=department)],
        due_on=timezone.localdate() + timedelta(days=7),
    )


def small(name="值班表.txt"):
    return SimpleUploadedFile(name, "值班安排\n".encode() * 100, content_type="text/plain")  # 1.3 KB


def too_big(name="全年台账.txt"):
    return SimpleUploadedFile(name, "台账记录\n".encode() * 20_000, content_type="text/plain")  # 260 KB


def page_post(client, matter, files):
    return client.post(
        reverse("affairs:matter_progress", args=[matter.pk]), {"progress-text": "已完成初稿", "progress-files": files}
    )


def api_post(person, matter, files):
    return as_(person).post(
        f"/api/v1/matters/{matter.pk}/progress/", {"text": "已完成初稿", "files": files}, format="multipart"
    )


def progress_reports(matter):
    return MatterEvent.objects.filter(matter=matter, kind=MatterEventKind.PROGRESS)


def assert_nothing_saved(matter, media):
    assert not progress_reports(matter).exists()
    assert not Attachment.objects.exists()
    assert media.files() == []


def test_the_page_refuses_an_upload_the_full_disk_cannot_hold_and_keeps_nothing(client_of, matter, user, media):
    # The first file fits, the second fills the disk half-way through: both are given up.
    response = page_post(client_of(user), matter, [small(), too_big()])

    assert response.status_code == 503
    assert response.templates[0].name == "affairs/matter_detail.html"  # the page, with the form's error
    assert response.context["progress_form"].errors["files"]
    refusal = response.context["refusal"]
    assert refusal.code == "storage_unavailable"
    assert "全年台账.txt" in refusal.message  # says which file could not be saved
    assert f'id="refusal">{escape(refusal.message)}</div>' in response.content.decode()
    assert_nothing_saved(matter, media)

    # Space again (a smaller file): the report goes through once, with its file.
    response = page_post(client_of(user), matter, [small()])
    assert response.status_code == 302
    assert progress_reports(matter).count() == 1
    assert Attachment.objects.count() == 1
    assert len(media.files()) == 1


def test_the_api_refuses_an_upload_the_full_disk_cannot_hold_and_keeps_nothing(matter, user, media):
    body = assert_error(api_post(user, matter, [small(), too_big()]), 503, "storage_unavailable")

    assert body["fields"]["file"]
    assert_nothing_saved(matter, media)

    assert api_post(user, matter, [small()]).status_code == 200
    assert progress_reports(matter).count() == 1
    assert Attachment.objects.count() == 1
    assert len(media.files()) == 1


def test_an_unwritable_media_folder_refuses_uploads_on_the_page_and_in_the_api(client_of, matter, user, media):
    media.make_read_only()

    assert page_post(client_of(user), matter, [small()]).status_code == 503
    assert_error(api_post(user, matter, [small()]), 503, "storage_unavailable")
    assert_nothing_saved(matter, media)

    media.make_writable()
    assert api_post(user, matter, [small()]).status_code == 200
    assert Attachment.objects.count() == 1
    assert len(media.files()) == 1


def test_a_refused_file_takes_the_files_stored_before_it_in_the_same_request_along(client_of, matter, user, media):
    program = SimpleUploadedFile("说明.txt", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, content_type="text/plain")

    response = page_post(client_of(user), matter, [small(), program])

    assert response.status_code == 400
    assert_nothing_saved(matter, media)
