"""``manage.py backup`` and ``restore``: a full round trip into an emptied database and media root,
compared table by table and file by file; the refusals (data present, damaged or foreign archives)."""

import hashlib
import io
import json
import re
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from affairs.services import matter_create, matter_report_progress
from core.audit import audit_record
from core.backup import FORMAT_VERSION
from core.heartbeat import heartbeat_record
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

REPORT = "第一阶段已完成，值班表初稿见附件。".encode() * 40


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def varied_data(media, leader, user, head):
    """Users (one in a group with a permission: many-to-many rows), a matter with its history and
    work items, a progress report with an attachment in the media root, notifications, audit rows
    with JSON data, a heartbeat, and a file in media that no row names."""
    group = Group.objects.create(name="收发员")
    group.permissions.add(Permission.objects.get(codename="view_group"))
    user.groups.add(group)
    assistant = UserFactory(username="assistant", name="陈协办", department=user.department)
    matter = matter_create(
        actor=leader,
        title="完善应急值班制度",
        description="修订值班表并报局领导",
        priority="key",
        lead=user,
        assisting=[assistant],
        due_on=timezone.localdate() + timedelta(days=14),
    )
    matter_report_progress(
        actor=user,
        matter=matter,
        text="初稿已完成",
        percent=40,
        files=[SimpleUploadedFile("值班表.txt", REPORT, content_type="text/plain")],
    )
    for n in range(3):
        NotificationFactory(recipient=user, title=f"提醒 {n}")
    audit_record(actor=head, verb="test.note", target=matter, data={"键": "值", "list": [1, 2.5, None]})
    heartbeat_record()
    (media / "other").mkdir()
    (media / "other" / "说明.bin").write_bytes(bytes(range(256)) * 10)
    return matter


def _tables() -> dict[str, list[tuple]]:
    """Every managed table's rows, sorted, written independently of core.backup. Automatic
    many-to-many rows without their own id (restore numbers them afresh)."""
    snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        columns = [f.attname for f in meta.concrete_fields if not (meta.auto_created and f.primary_key)]
        rows = model._base_manager.values_list(*columns)
        snapshot[meta.label] = sorted(tuple(repr(value) for value in row) for row in rows)
    return snapshot


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _summary(tables: dict[str, list[tuple]]) -> dict[str, tuple[int, str]]:
    return {label: (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()) for label, rows in tables.items()}


def _empty_everything(media: Path) -> None:
    # PostgreSQL refuses to TRUNCATE tables with foreign-key checks still pending in the test's
    # transaction; running the checks now clears them.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    ContentType.objects.clear_cache()


def _rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with ``change(name, bytes) -> bytes`` applied to each member."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            body = source.extractfile(member).read()
            body = change(member.name, body)
            info = tarfile.TarInfo(member.name)
            info.size = len(body)
            out.addfile(info, io.BytesIO(body))
    return target


def _manifest_change(edit):
    def change(name, body):
        if name != "manifest.json":
            return body
        manifest = json.loads(body)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


@pytest.fixture
def archive(varied_data, tmp_path):
    path = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", output=path, stdout=out)
    assert "Backup written" in out.getvalue()
    return path


@pytest.mark.slow
def test_restore_into_an_empty_database_gives_back_every_row_and_file(varied_data, media, tmp_path):
    tables, files = _tables(), _files(media)
    assert len(files) == 2  # the attachment and the file no row names
    assert tables["core.Attachment"] and tables["accounts.User_groups"] and tables["auth.Group_permissions"]
    path = tmp_path / "backup.tar.gz"
    call_command("backup", output=path, stdout=io.StringIO())
    with tarfile.open(path, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert {"data.jsonl", "manifest.json"} <= set(names)
    assert {f"media/{name}" for name in files} <= set(names)
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["tables"]["affairs.Matter"]["rows"] == 1
    assert {name: entry["sha256"] for name, entry in manifest["media"].items()} == files
    assert oct(path.stat().st_mode & 0o777) == "0o600"

    _empty_everything(media)
    assert _tables()["accounts.User"] == [] and _files(media) == {}

    out = io.StringIO()
    call_command("restore", str(path), stdout=out)

    assert "Restore OK" in out.getvalue()
    restored = _tables()
    assert _summary(restored) == _summary(tables)
    assert restored == tables
    assert _files(media) == files


@pytest.mark.slow
def test_restore_refuses_a_database_with_data_unless_forced(archive, media, varied_data):
    tables = _tables()
    UserFactory(username="late")

    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive))
    assert "accounts.User" in _tables() and len(_tables()["accounts.User"]) == len(tables["accounts.User"]) + 1

    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert _tables() == tables


def test_a_corrupted_archive_is_refused_with_a_clear_error(archive, tmp_path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _empty_everything(Path(tmp_path / "media"))

    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(broken))
    not_gzip = tmp_path / "notes.tar.gz"
    not_gzip.write_text("hello")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(not_gzip))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


def test_a_tampered_media_file_fails_the_check(archive, media, tmp_path):
    tampered = _rewrite(
        archive,
        tmp_path / "tampered.tar.gz",
        lambda name, body: body + b"!" if name.startswith("media/other/") else body,
    )
    _empty_everything(media)

    with pytest.raises(CommandError, match=r"media files are damaged.*other/说明\.bin"):
        call_command("restore", str(tampered))
    assert _tables()["accounts.User"] == []  # refused before loading anything


def test_tampered_data_fails_the_check(archive, media, tmp_path):
    tampered = _rewrite(
        archive,
        tmp_path / "tampered.tar.gz",
        lambda name, body: body.replace(b"40", b"41") if name == "data.jsonl" else body,
    )
    _empty_everything(media)

    with pytest.raises(CommandError, match="database data is missing or damaged"):
        call_command("restore", str(tampered))


def test_verification_reports_what_differs_after_loading(archive, media, tmp_path):
    def edit(manifest):
        manifest["tables"]["affairs.Matter"]["sha256"] = "0" * 64
        manifest["tables"]["notifications.Notification"]["rows"] += 1

    tampered = _rewrite(archive, tmp_path / "tampered.tar.gz", _manifest_change(edit))
    _empty_everything(media)

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tampered))

    message = str(refused.value)
    assert "verification failed" in message
    assert "table affairs.Matter: checksum differs" in message
    counted = re.search(r"table notifications\.Notification: (\d+) rows, expected (\d+)", message)
    assert counted and int(counted[2]) == int(counted[1]) + 1


def test_an_archive_from_a_newer_format_is_refused(archive, tmp_path):
    newer = _rewrite(archive, tmp_path / "newer.tar.gz", _manifest_change(lambda m: m.update(format_version=99)))

    with pytest.raises(CommandError, match="format 99"):
        call_command("restore", str(newer))


def test_an_archive_with_a_malformed_manifest_is_refused(archive, tmp_path):
    broken = _rewrite(archive, tmp_path / "broken.tar.gz", _manifest_change(lambda m: m.pop("media")))

    with pytest.raises(CommandError, match="manifest is incomplete or malformed"):
        call_command("restore", str(broken))


def test_an_archive_with_migrations_this_code_lacks_is_refused(archive, tmp_path):
    newer = _rewrite(
        archive,
        tmp_path / "newer.tar.gz",
        _manifest_change(lambda m: m["migrations"]["core"].append("9999_from_the_future")),
    )

    with pytest.raises(CommandError, match=r"newer release.*core\.9999_from_the_future"):
        call_command("restore", str(newer))


def test_an_archive_missing_migrations_of_this_code_is_refused(archive, tmp_path):
    older = _rewrite(
        archive, tmp_path / "older.tar.gz", _manifest_change(lambda m: m["migrations"]["core"].remove("0004_heartbeat"))
    )

    with pytest.raises(CommandError, match=r"made before migrations.*core\.0004_heartbeat"):
        call_command("restore", str(older))


def test_an_archive_with_an_unsafe_path_is_refused(archive, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(evil, "w:gz") as out:
        for member in source:
            out.addfile(member, source.extractfile(member))
        info = tarfile.TarInfo("media/../../escape.txt")
        info.size = 2
        out.addfile(info, io.BytesIO(b"hi"))

    with pytest.raises(CommandError, match="unsafe path"):
        call_command("restore", str(evil))
    assert not (tmp_path / "escape.txt").exists()
