"""Hostile uploads: too large (413), the wrong kind by content (400), path and odd names, zip bombs.

Each refusal leaves nothing behind: no attachment row and no file under MEDIA_ROOT, also when the
refused file came after accepted ones in the same request.
"""

import io
import struct
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from affairs.models import MatterEvent, MatterEventKind
from affairs.services import matter_create
from core.attachments import DISPLAY_NAME_MAX, attachment_store, display_name
from core.errors import ValidationError
from core.models import Attachment
from tests.api import as_, assert_error

pytestmark = pytest.mark.django_db

# The start of a Windows program (MZ header, PE signature).
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00PE\x00\x00"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def matter(leader, user):
    return matter_create(
        actor=leader, title="完善应急值班制度", description="修订值班表", priority="key", lead=user,
        assisting=[], due_on=date(2026, 3, 6),
    )  # fmt: skip


def files_on_disk(media: Path) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()] if Path(media).exists() else []


def text(name: str = "说明.txt", size: int = 100) -> SimpleUploadedFile:
    body = ("通知" * (size // 6)).encode()  # UTF-8 text of exactly ``size`` bytes
    return SimpleUploadedFile(name, body + b"x" * (size - len(body)), content_type="text/plain")


def report(user, matter, files):
    return as_(user).post(
        f"/api/v1/matters/{matter.pk}/progress/", {"text": "附件", "files": files}, format="multipart"
    )


def assert_nothing_stored(media):
    assert not Attachment.objects.exists()
    assert not MatterEvent.objects.filter(kind=MatterEventKind.PROGRESS).exists()
    assert files_on_disk(media) == []


# --- Size ---------------------------------------------------------------------------------------


def test_an_oversize_file_is_413_in_the_api_and_nothing_is_left(settings, media, matter, user):
    settings.ATTACHMENT_MAX_BYTES = 1000
    body = assert_error(report(user, matter, [text(size=1001)]), 413, "too_large")
    assert "file" in body["fields"]
    assert_nothing_stored(media)


def test_an_oversize_file_after_accepted_ones_leaves_none_of_them_on_disk(settings, media, matter, user):
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = report(user, matter, [text("一.txt", 500), text("二.txt", 500), text("三.txt", 1001)])
    assert_error(response, 413, "too_large")
    assert_nothing_stored(media)


def test_an_oversize_file_is_413_on_the_page(settings, media, client_of, matter, user):
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = client_of(user).post(
        reverse("affairs:matter_progress", args=[matter.pk]),
        {"progress-text": "附件", "progress-files": [text(size=1001)]},
    )
    assert response.status_code == 413
    assert_nothing_stored(media)


def test_a_file_at_the_limit_is_accepted(settings, media, matter, user):
    settings.ATTACHMENT_MAX_BYTES = 1000
    assert report(user, matter, [text(size=1000)]).status_code in (200, 201)
    assert Attachment.objects.get().size == 1000


def test_the_upload_limits_are_set_explicitly(settings):
    # Big files spool to a temporary file, not memory; form fields are capped; so is the file count.
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES is not None
    assert settings.ATTACHMENT_MAX_BYTES == 20 * 1024 * 1024


# --- Kind by content --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["合同.pdf", "照片.jpg", "说明.txt", "报表.xlsx", "noextension"])
def test_a_program_renamed_as_a_document_is_400(media, matter, user, name):
    upload = SimpleUploadedFile(name, EXE + b"\x00" * 200, content_type="application/pdf")
    body = assert_error(report(user, matter, [upload]), 400, "file_type")
    assert "file" in body["fields"]
    assert_nothing_stored(media)


def test_a_program_renamed_pdf_is_400_on_the_page(media, client_of, matter, user):
    upload = SimpleUploadedFile("合同.pdf", EXE, content_type="application/pdf")
    response = client_of(user).post(
        reverse("affairs:matter_progress", args=[matter.pk]), {"progress-text": "附件", "progress-files": [upload]}
    )
    assert response.status_code == 400
    assert_nothing_stored(media)


def test_a_real_pdf_is_stored_with_its_sniffed_type(media, matter, user):
    pdf = SimpleUploadedFile("合同.exe", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", content_type="x/y")
    assert report(user, matter, [pdf]).status_code in (200, 201)
    assert Attachment.objects.get().content_type == "application/pdf"


# --- Names --------------------------------------------------------------------------------------


def _stored_safely(attachment: Attachment, media: Path) -> None:
    path = Path(attachment.file.path).resolve()
    assert path.is_relative_to(Path(media).resolve())
    assert path.is_file()
    # Server-generated: 32 hexadecimal digits, nothing of the uploaded name.
    assert len(path.name) == 32
    assert int(path.name, 16) >= 0
    name = attachment.original_name
    assert name
    assert len(name) <= DISPLAY_NAME_MAX
    assert "/" not in name
    assert "\\" not in name
    assert "\x00" not in name
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in name)


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("../../x.txt", "x.txt"),
        ("..\\..\\windows\\x.txt", "x.txt"),
        ("/etc/passwd", "passwd"),
        ("报告\x00.txt", "报告.txt"),
        ("报告\ud800.txt", "报告.txt"),  # a lone surrogate
        ("invoice\u202etxt.exe", "invoicetxt.exe"),  # a right-to-left override hiding the extension
    ],
)
def test_hostile_names_are_stored_safely(media, leader, matter, uploaded, shown):
    upload = SimpleUploadedFile("placeholder", "内容".encode(), content_type="text/plain")
    upload.name = uploaded  # set after construction: the test client and Django would clean some first
    stored = attachment_store(owner=matter, upload=upload, uploaded_by=leader)
    stored.refresh_from_db()  # it went through the database (PostgreSQL refuses NUL and surrogates)
    assert stored.original_name == shown
    _stored_safely(stored, media)


def test_a_300_character_name_is_shortened_keeping_its_extension(media, leader, matter):
    upload = SimpleUploadedFile("a.txt", "内容".encode(), content_type="text/plain")
    upload.name = "关" * 300 + ".txt"
    stored = attachment_store(owner=matter, upload=upload, uploaded_by=leader)
    stored.refresh_from_db()
    assert stored.original_name.endswith(".txt")
    assert len(stored.original_name) == DISPLAY_NAME_MAX
    _stored_safely(stored, media)


def test_a_path_name_through_the_api_lands_inside_media_root(media, matter, user):
    assert report(user, matter, [text("../../../../tmp/evil.txt")]).status_code in (200, 201)
    stored = Attachment.objects.get()
    assert stored.original_name == "evil.txt"
    _stored_safely(stored, media)


def test_a_long_name_through_the_api(media, matter, user):
    assert report(user, matter, [text("长" * 300 + ".txt")]).status_code in (200, 201)
    _stored_safely(Attachment.objects.get(), media)


@pytest.mark.parametrize("name", ["..", ".", "", None, "\x00\x01", "a/b/.."])
def test_a_name_with_nothing_left_is_shown_as_file(name):
    # Django's UploadedFile refuses most of these itself; the sanitiser does not rely on it.
    assert display_name(name) == "file"


def test_display_name_keeps_an_ordinary_chinese_name():
    name = "关于做好春节期间值班工作的通知（第2稿）.docx"
    assert display_name(name) == name


# --- Zip bombs ----------------------------------------------------------------------------------


def docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("关于做好春节期间值班工作的通知")
    document.save(buffer)
    return buffer.getvalue()


def declared_size_bomb() -> bytes:
    """A genuine DOCX whose central directory declares its document part as nearly 4 GB."""
    data = bytearray(docx_bytes())
    entry = data.find(b"PK\x01\x02")
    assert entry > 0
    while entry > 0:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        name = bytes(data[entry + 46 : entry + 46 + name_length])
        if name == b"word/document.xml":
            struct.pack_into("<I", data, entry + 24, 0xFFFF0000)  # uncompressed size
        entry = data.find(b"PK\x01\x02", entry + 4)
    return bytes(data)


def zeros_bomb(megabytes: int) -> bytes:
    """A real zip bomb: megabytes of zeros in an XLSX-named zip of a few hundred KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(megabytes):
                sheet.write(chunk)
    return buffer.getvalue()


def many_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(count):
            archive.writestr(f"word/media/{i}.xml", b"")
    return buffer.getvalue()


def test_a_genuine_docx_is_accepted(media, matter, user):
    upload = SimpleUploadedFile("通知.docx", docx_bytes(), content_type=DOCX)
    assert report(user, matter, [upload]).status_code in (200, 201)
    assert Attachment.objects.get().content_type == DOCX


def test_a_docx_declaring_gigabytes_is_refused(media, matter, user):
    upload = SimpleUploadedFile("通知.docx", declared_size_bomb(), content_type=DOCX)
    body = assert_error(report(user, matter, [upload]), 400, "zip_refused")
    assert "file" in body["fields"]
    assert_nothing_stored(media)


def test_an_xlsx_of_zeros_expanding_past_the_limit_is_refused(settings, media, matter, user):
    data = zeros_bomb(settings.ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES // (1024 * 1024) + 1)
    assert len(data) < 2 * 1024 * 1024  # small on the wire
    upload = SimpleUploadedFile("报表.xlsx", data, content_type="application/octet-stream")
    assert_error(report(user, matter, [upload]), 400, "zip_refused")
    assert_nothing_stored(media)


def test_a_docx_with_thousands_of_entries_is_refused(settings, media, matter, user):
    upload = SimpleUploadedFile("通知.docx", many_entries(settings.ATTACHMENT_ZIP_MAX_ENTRIES + 1), content_type=DOCX)
    assert_error(report(user, matter, [upload]), 400, "zip_refused")
    assert_nothing_stored(media)


def test_a_plain_zip_bomb_is_refused_too(media, leader, matter):
    upload = SimpleUploadedFile("资料.zip", many_entries(5000), content_type="application/zip")
    with pytest.raises(ValidationError) as refused:
        attachment_store(owner=matter, upload=upload, uploaded_by=leader)
    assert refused.value.code == "zip_refused"
    assert files_on_disk(media) == []


def test_a_damaged_zip_is_refused(media, matter, user):
    data = docx_bytes()
    upload = SimpleUploadedFile("通知.docx", data[: len(data) // 2], content_type=DOCX)
    assert report(user, matter, [upload]).status_code == 400
    assert_nothing_stored(media)
