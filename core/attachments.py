"""Storing and serving attachments safely: content-sniffed type, size limit, permission-checked serving."""

import codecs
import logging
import mimetypes
import re
import threading
import unicodedata
import zipfile
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import DomainError, ValidationError
from .models import Attachment

# What an office shares: PDF/OFD, Office files, images, plain text, zip archives.
ALLOWED_TYPES = {
    "application/pdf",
    "application/zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/x-ole-storage",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
}


logger = logging.getLogger(__name__)


class TooLarge(DomainError):
    status_code = 413
    default_code = "too_large"


class StorageUnavailable(DomainError):
    """The file could not be written (disk full, media folder not writable): nothing was saved."""

    status_code = 503
    default_code = "storage_unavailable"


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


# Zip containers (zip archives, DOCX, XLSX, PPTX): what their central directory may declare. A zip
# bomb is a small file that expands to gigabytes or holds a great many entries; it is refused from
# the directory alone, before anything decompresses or parses it.
ZIP_TYPES = {
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def zip_max_entries() -> int:
    return int(getattr(settings, "ATTACHMENT_ZIP_MAX_ENTRIES", 1000))


def zip_max_uncompressed_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024))


# The longest file name kept for display (the stored name is always server-generated).
DISPLAY_NAME_MAX = 120


# How many files one request may carry, on the pages and in the API alike.
MAX_FILES_PER_REQUEST = 20

_HEAD = 8192
_CHUNK = 64 * 1024
# A C0 control other than tab, line feed, vertical tab, form feed and carriage return, or DEL,
# means binary content.
_BINARY = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# A line that starts a program: a script's interpreter line or PHP's opening tag.
_PROGRAM_LINE = re.compile(r"\n[ \t]*(?:#!\s*/|<\?php)", re.IGNORECASE)


def files_count_error(count: int) -> str | None:
    """The message when a request carries more files than allowed, else None (forms and API)."""
    if count > MAX_FILES_PER_REQUEST:
        return _("Attach at most %(max)d files at a time.") % {"max": MAX_FILES_PER_REQUEST}
    return None


def _is_plain_text(upload: UploadedFile) -> bool:
    """Whether the whole file is UTF-8 text with no binary bytes and no program in it.

    The file is decoded in chunks with an incremental decoder, so a character split by a chunk
    boundary is joined rather than refused; and every part is looked at, the tail included, so a
    program appended to some text (an executable's bytes or a script) does not pass as text.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    carry = "\n"  # so that a program line at the very start is found like any other
    upload.seek(0)
    try:
        for chunk in upload.chunks(_CHUNK):
            text = decoder.decode(chunk)
            if _BINARY.search(text):
                return False
            # Carry the end of the last chunk over, so a "#!/" split by the boundary is still seen.
            window = carry + text
            if _PROGRAM_LINE.search(window):
                return False
            carry = window[-16:]
        decoder.decode(b"", final=True)  # a truncated character at the very end is an error
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def sniff_type(upload: UploadedFile) -> str | None:
    """The type the content says it is, or None when it is not one we accept."""
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        mime = str(kind.mime)
        # Office Open XML files are zip containers; trust the extension only among those.
        if mime == "application/zip":
            guessed, _enc = mimetypes.guess_type(upload.name or "")
            if guessed in ALLOWED_TYPES and guessed and "openxmlformats" in guessed:
                return guessed
        return mime if mime in ALLOWED_TYPES else None
    return "text/plain" if _is_plain_text(upload) else None


def display_name(name: str | None) -> str:
    """The uploaded name made safe to keep and show: its last path part only (``../../x`` is ``x``),
    without control, format (bidirectional overrides) or surrogate characters (a NUL byte or a lone
    surrogate would not even store in PostgreSQL), at most ``DISPLAY_NAME_MAX`` characters with the
    extension kept. It is only ever data: files are stored under server-generated names."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    text = re.split(r"[/\\]", text)[-1].strip().strip(".").strip()
    if not text:
        return "file"
    if len(text) > DISPLAY_NAME_MAX:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and len(extension) <= 16:
            text = stem[: DISPLAY_NAME_MAX - len(extension) - 1].rstrip() + "." + extension
        else:
            text = text[:DISPLAY_NAME_MAX]
    return text


def _zip_refusal(upload: UploadedFile) -> str | None:
    """Why a zip container is refused (a zip bomb, or no readable central directory), or None.

    Only the central directory is read (``ZipFile`` reads it on opening and decompresses nothing):
    the number of entries and the uncompressed sizes they declare."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return _("%(name)s is a damaged archive or Office file.") % {"name": display_name(upload.name)}
    finally:
        upload.seek(0)
    if len(entries) > zip_max_entries():
        return _("%(name)s holds more than %(max)d files.") % {
            "name": display_name(upload.name),
            "max": zip_max_entries(),
        }
    if sum(entry.file_size for entry in entries) > zip_max_uncompressed_bytes():
        return _("%(name)s would expand to more than %(mb)d MB.") % {
            "name": display_name(upload.name),
            "mb": zip_max_uncompressed_bytes() // (1024 * 1024),
        }
    return None


def attachment_check(upload: UploadedFile) -> str:
    """The accepted content type of ``upload``, or a refusal: 413 when too large, 400 when its content
    is not an accepted kind of file or is a zip bomb. Stores nothing."""
    name = display_name(upload.name)
    if upload.size is not None and upload.size > max_bytes():
        raise TooLarge(
            _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": max_bytes() // (1024 * 1024)},
            fields={"file": [_("The file is too large.")]},
        )
    content_type = sniff_type(upload)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not an accepted kind of file (PDF, Office, image, text or zip).") % {"name": name},
            code="file_type",
            fields={"file": [_("This kind of file is not accepted.")]},
        )
    if content_type in ZIP_TYPES and (refusal := _zip_refusal(upload)):
        raise ValidationError(refusal, code="zip_refused", fields={"file": [refusal]})
    return content_type


def attachments_check(uploads: Iterable[UploadedFile]) -> None:
    """Check every upload of a request before any is stored, so that a refused file leaves none of
    its companions on disk."""
    for upload in uploads:
        attachment_check(upload)


def attachment_store(*, owner: models.Model, upload: UploadedFile, uploaded_by: Any) -> Attachment:
    """Check and store one upload for ``owner``; call inside the owner's service transaction, after
    ``attachments_check`` of all the request's uploads.

    When it refuses (a file too large, of a kind not accepted, or a file store that cannot take it),
    the service's transaction rolls back, and the files it stored before this one go too.
    """
    try:
        return _store(owner=owner, upload=upload, uploaded_by=uploaded_by)
    except BaseException:
        _discard(_uncommitted.pop())
        raise


def _store(*, owner: models.Model, upload: UploadedFile, uploaded_by: Any) -> Attachment:
    content_type = attachment_check(upload)
    attachment = Attachment(
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=owner.pk,
        original_name=display_name(upload.name),
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
    )
    # The name is chosen here (a fresh uuid, see core.models._attachment_path) so that a file the
    # storage began to write and could not finish is known and removed.
    name = attachment.file.field.generate_filename(attachment, upload.name or "upload")
    _uncommitted.add(name)
    try:
        attachment.file.name = attachment.file.storage.save(name, upload, max_length=attachment.file.field.max_length)
    except OSError as error:
        logger.error("Could not store an attachment (%s): %s", name, error)
        raise StorageUnavailable(
            _("%(name)s could not be saved: the file store is full or not writable. Nothing was saved.")
            % {"name": display_name(upload.name)},
            fields={"file": [_("The file could not be saved.")]},
        ) from error
    if attachment.file.name != name:  # the storage chose another name: that is the file to track
        _uncommitted.add(attachment.file.name)
    attachment.save()
    return attachment


class _Uncommitted(threading.local):
    """Files this thread stored (or began to store) whose rows are not committed yet.

    A name leaves the list when its transaction commits (``on_commit``, at once outside a
    transaction). When ``attachment_store`` refuses, the service's transaction rolls back, taking the
    rows of that request's earlier files with it, so every file still listed is removed: those of
    the request, a partly written one, and any left from a transaction that rolled back for another
    reason (orphans, whose rows are gone).
    """

    def __init__(self) -> None:
        self.names: set[str] = set()

    def add(self, name: str) -> None:
        self.names.add(name)
        transaction.on_commit(lambda: self.names.discard(name))

    def pop(self) -> list[str]:
        names, self.names = sorted(self.names), set()
        return names


_uncommitted = _Uncommitted()


def _discard(names: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError as error:  # a store that cannot delete either: say which file is left
            logger.error("Could not remove the unsaved attachment file %s: %s", name, error)


def attachments_of(owner: models.Model) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)


def attachment_response(attachment: Attachment, *, user: Any) -> HttpResponseBase:
    """Serve a file whose owner the caller has already checked the person may see; the download is
    audited (ids only: the file's name belongs to its owner's visibility).

    With ``ATTACHMENT_ACCEL_REDIRECT`` set (behind nginx), the answer carries no body: nginx sends
    the file from its ``internal`` location, which no client can request directly.
    """
    prefix = getattr(settings, "ATTACHMENT_ACCEL_REDIRECT", "")
    response: HttpResponseBase
    if prefix:
        response = HttpResponse(content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition_header(True, attachment.original_name) or "attachment"
        # The stored name is server-generated (core.models), never the uploader's.
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(attachment.file.name)
    else:
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
    audit_record(
        actor=user,
        verb="attachment.download",
        target=attachment,
        data={"owner_type": attachment.owner_type_id, "owner_id": attachment.owner_id},
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
